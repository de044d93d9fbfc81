"""A DICOMDIR and its file-set under DICOM de-id (PS3.10 section 8, PS3.3 Annex F).

A DICOMDIR names its files by File ID: at most 8 components, each of 1 to 8 characters
among A-Z, 0-9 and "_" (PS3.10 8.2 and 8.5), relative to the folder that holds it (the
file-set's root). De-identified files are otherwise named by their new UIDs, which no File ID
can spell; files under a folder holding a DICOMDIR are written instead under the output root
as ``STxxxxxx/SExxxxxx/IMxxxxxx``, each component keyed from the new study, series and
instance UID (:func:`file_id_target`), and the de-identified DICOMDIR's records point at the
files as written (:func:`relinked_dicomdir`). A record whose file was not written (unreadable,
skipped, missing) is dropped, then any study or series left with nothing under it; the
offsets that link the records are computed again, as cleaning changes their lengths.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

from osler.privacy.keys import DeidKey

__all__ = ["DICOMDIR", "FileSetError", "file_id_target", "file_set_roots", "is_dicomdir",
           "original_file_ids", "relinked_dicomdir", "root_of"]

#: The name PS3.10 8.6 gives a file-set's directory file, in the file-set's root folder.
DICOMDIR = "DICOMDIR"
_FIRST, _LAST = 0x00041200, 0x00041202   # offsets of the first and last root records
_NEXT, _LOWER = 0x00041400, 0x00041420   # a record's next sibling and first child
_RECORDS = 0x00041220
# Levels of the records that hold others (PS3.3 F.4); any other record type is a leaf under
# the series before it (IMAGE, SR DOCUMENT ...), when the records carry no offsets to follow.
_LEVEL = {"PATIENT": 0, "STUDY": 1, "SERIES": 2}


class FileSetError(ValueError):
    """A DICOMDIR whose records cannot be linked again: it is left out of the output."""


def is_dicomdir(path: Path) -> bool:
    """Whether ``path`` is named as a file-set's DICOMDIR (a copied CD may lower its case)."""
    return path.name.upper() == DICOMDIR


def file_set_roots(paths: Iterable[Path], in_dir: Path, out_dir: Path) -> dict[Path, Path]:
    """Each input folder that holds a DICOMDIR -> the root of its file-set in the output:
    ``out_dir`` for ``in_dir`` itself, else ``out_dir/FILESET<n>`` numbered in sorted path
    order (the input's folder names are often the patient's, as they are not kept)."""
    folders = sorted({p.parent for p in paths if is_dicomdir(p)})
    roots, n = {}, 0
    for folder in folders:
        if folder == in_dir:
            roots[folder] = out_dir
        else:
            n += 1
            roots[folder] = out_dir / f"FILESET{n}"
    return roots


def root_of(path: Path, roots: dict[Path, Path]) -> Path | None:
    """The input file-set root ``path`` is under (the nearest), or None."""
    return next((folder for folder in path.parents if folder in roots), None)


def _component(key: DeidKey, prefix: str, value: str) -> str:
    """A File ID component: ``prefix`` and six keyed base-32 characters (A-Z, 2-7)."""
    digest = key.digest("dicom-file-id", value)
    return prefix + base64.b32encode(digest[:5]).decode("ascii")[:6]


def file_id_target(key: DeidKey, out_root: Path, ds: Any, taken: set[Path]) -> Path:
    """Where a de-identified instance of a file-set is written: a valid File ID under
    ``out_root``, from its new study, series and instance UIDs, not yet ``taken`` (a second
    file of one SOP Instance UID, or two UIDs whose keyed names meet, gets another name).

    >>> from pydicom.dataset import Dataset
    >>> ds = Dataset()
    >>> ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID = "2.25.1", "2.25.2", "2.25.3"
    >>> path = file_id_target(DeidKey(b"k" * 32), Path("out"), ds, set())
    >>> [len(part) for part in path.parts[1:]], path.parts[1][:2], path.parts[3].isupper()
    ([8, 8, 8], 'ST', True)
    """
    folder = out_root / _component(key, "ST", str(ds.get("StudyInstanceUID", "") or "")) / (
        _component(key, "SE", str(ds.get("SeriesInstanceUID", "") or "")))
    instance = str(ds.get("SOPInstanceUID", "") or "")
    target, n = folder / _component(key, "IM", instance), 1
    while target in taken:
        n += 1
        target = folder / _component(key, "IM", f"{instance}#{n}")
    return target


def original_file_ids(records: Iterable[Any]) -> list[tuple[str, ...] | None]:
    """Each record's ReferencedFileID as written, before cleaning removes it."""
    out: list[tuple[str, ...] | None] = []
    for record in records:
        value = record.get("ReferencedFileID", None)
        if not value:
            out.append(None)
        else:
            parts = [value] if isinstance(value, str) else list(value)
            out.append(tuple(str(p).strip() for p in parts))
    return out


def relinked_dicomdir(ds: Any, originals: list[tuple[str, ...] | None], in_root: Path,
                      out_root: Path, written: dict[Path, Path],
                      by_uid: dict[str, Path]) -> bytes:
    """The encoded DICOMDIR ``ds`` (de-identified, its records in their original order, with
    their File IDs as written in ``originals``), its records pointing at the outputs.

    A record's file is found by its original File ID under ``in_root`` (case aside), else by
    its (remapped) ReferencedSOPInstanceUIDInFile in ``by_uid``; ``written``: input path ->
    output path of each file written. Raises :class:`FileSetError` when the records' offsets
    do not link them and their order cannot stand in, or the output would not read back."""
    records = list(ds.get("DirectoryRecordSequence", None) or [])
    if len(records) != len(originals):
        raise FileSetError("its records changed in number while being cleaned")
    by_file_id = {tuple(p.upper() for p in path.relative_to(in_root).parts): out
                  for path, out in written.items() if in_root in path.parents}
    drop: set[int] = set()
    for record, file_id in zip(records, originals):
        out = by_file_id.get(tuple(p.upper() for p in file_id)) if file_id else None
        uid = str(record.get("ReferencedSOPInstanceUIDInFile", "") or "").strip()
        out = out or by_uid.get(uid)
        if out is not None and out_root in out.parents:
            parts = list(out.relative_to(out_root).parts)
            record.ReferencedFileID = parts if len(parts) > 1 else parts[0]
        elif file_id or uid:
            drop.add(id(record))   # its file was not written: a record must not point at none
    nodes = _prune(_linked(ds, records) or _by_order(records), drop)
    return _encode(ds, nodes)


_Node = tuple[Any, list]   # a record and the nodes under it


def _linked(ds: Any, records: list[Any]) -> list[_Node] | None:
    """The records' tree as their offsets link it (positions as read: ``seq_item_tell``), or
    None when they carry no offsets that do."""
    at = {getattr(r, "seq_item_tell", None): r for r in records}
    first = ds.get(_FIRST, None)
    if None in at or first is None or not first.value:
        return None
    seen: set[int] = set()

    def chain(offset: int, depth: int) -> list[_Node]:
        nodes = []
        while offset:
            record = at.get(offset)
            if record is None or offset in seen or depth > 16:
                raise FileSetError("its records' offsets point at no record, or loop")
            seen.add(offset)
            lower, nxt = record.get(_LOWER, None), record.get(_NEXT, None)
            nodes.append((record, chain(lower.value if lower else 0, depth + 1)))
            offset = nxt.value if nxt else 0
        return nodes

    try:
        return chain(first.value, 0)
    except FileSetError:
        return None


def _by_order(records: list[Any]) -> list[_Node]:
    """The records' tree from their depth-first order (PATIENT, its STUDY, its SERIES, its
    IMAGEs ...), as media creators write them, for records with no offsets to follow."""
    top: list[_Node] = []
    stack: list[tuple[int, _Node]] = []
    for record in records:
        level = _LEVEL.get(str(record.get("DirectoryRecordType", "")).strip(), 3)
        node: _Node = (record, [])
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1][1] if stack else top).append(node)
        stack.append((level, node))
    return top


def _prune(nodes: list[_Node], drop: set[int]) -> list[_Node]:
    """``nodes`` without the dropped records, nor those left pointing at no file and holding
    no others (a series whose images all went, then its study ...)."""
    kept = []
    for record, children in nodes:
        if id(record) in drop:
            continue
        below = _prune(children, drop)
        if below or "ReferencedFileID" in record:
            kept.append((record, below))
    return kept


def _preorder(nodes: list[_Node]) -> Iterator[Any]:
    for record, children in nodes:
        yield record
        yield from _preorder(children)


def _encode(ds: Any, nodes: list[_Node]) -> bytes:
    """``ds`` encoded with the records of ``nodes`` in depth-first order and their offsets
    (from the first byte of the file, as PS3.3 F.3.2.1 counts) computed: written once with
    zeros, read back for each record's position, then written with them and checked."""
    from pydicom import dcmread
    from pydicom.dataelem import DataElement
    from pydicom.uid import ExplicitVRLittleEndian

    order = list(_preorder(nodes))
    for record in order:
        record[_NEXT] = DataElement(_NEXT, "UL", 0)
        record[_LOWER] = DataElement(_LOWER, "UL", 0)
        record.is_undefined_length_sequence_item = False
    ds[_FIRST] = DataElement(_FIRST, "UL", 0)
    ds[_LAST] = DataElement(_LAST, "UL", 0)
    ds.DirectoryRecordSequence = order
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian   # PS3.10 8.6: a DICOMDIR's

    def write() -> bytes:
        buffer = BytesIO()
        ds.save_as(buffer, enforce_file_format=True)
        return buffer.getvalue()

    def positions(data: bytes) -> list[int]:
        return [r.seq_item_tell for r in dcmread(BytesIO(data)).get(_RECORDS).value]

    at = dict(zip(map(id, order), positions(write())))

    def link(siblings: list[_Node]) -> None:
        for n, (record, children) in enumerate(siblings):
            record[_NEXT].value = at[id(siblings[n + 1][0])] if n + 1 < len(siblings) else 0
            record[_LOWER].value = at[id(children[0][0])] if children else 0
            link(children)

    link(nodes)
    if nodes:
        ds[_FIRST].value, ds[_LAST].value = at[id(nodes[0][0])], at[id(nodes[-1][0])]
    data = write()
    if positions(data) != [at[id(r)] for r in order]:
        raise FileSetError("its records moved when written with their offsets")
    return data
