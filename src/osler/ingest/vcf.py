"""VCF reader: one :class:`PatientRecord` per sample, with a :class:`Genotype` per position.

Reads ``.vcf``, ``.vcf.gz`` and ``.vcf.bgz`` (single- or multi-sample) with cyvcf2. By default
only positions that a PharmCAT allele definition uses are kept (``positions="pgx"``); pass
``positions="all"`` to keep every record. Calls keep their phasing; a missing call stays
``None``. Representation is normalised: ``chr`` prefixes are dropped from the key (the event
keeps ``chrN``), and a multi-allelic site split over several records is merged into one call.

A file is quarantined whole (never half a patient) when it is unsorted, truncated, on another
genome build (detected from the header, never guessed), lacks the requested sample, or has a
REF base that disagrees with the GRCh38 reference base of an allele-definition position.

>>> sniff_vcf(Path("x.vcf"), b"##fileformat=VCFv4.2\\n")
True
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from osler._extras import require
from osler.errors import IngestError
from osler.ingest._vcf_reference import _bare, detect_build, pgx_positions
from osler.record import OSLER, Coding, Genotype, PatientRecord, Provenance, event_id

__all__ = ["read_vcf", "sniff_vcf"]

OnError = Callable[[IngestError], None] | None
_SUFFIXES = (".vcf", ".vcf.gz", ".vcf.bgz")
_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
VARIANT_SYSTEM = f"{OSLER}:grch38-position"


def sniff_vcf(path: Path, head: bytes) -> bool:
    """True when the content looks like a VCF (plain, or gzip with a VCF file name)."""
    if head.startswith(b"##fileformat=VCF"):
        return True
    return head[:2] == b"\x1f\x8b" and "".join(Path(path).suffixes).lower().endswith(_SUFFIXES)


@dataclass
class _Call:
    """One sample's alleles at one position while the file is read."""

    chrom: str
    pos: int
    ref: str
    alleles: list[str | None]
    phased: bool
    line: int
    rsid: str | None
    gene: str | None


@dataclass
class _State:
    calls: dict[str, dict[tuple[str, int], _Call]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    last: tuple[str, int] | None = None
    done_chroms: set[str] = field(default_factory=set)
    check_order: bool = True


def read_vcf(source: Path, *, on_error: OnError = None, patient: str | None = None,
             sample: str | None = None, definitions: str | Path | None = None,
             positions: str = "pgx", allow_unsorted: bool = False) -> Iterator[PatientRecord]:
    """Patients (one per sample) from a VCF file or a folder of them.

    Parameters
    ----------
    source : Path
        A ``.vcf``/``.vcf.gz`` file or a directory holding some.
    on_error : callable, optional
        Called with each :class:`IngestError` (the file is then skipped); raise when None.
    patient : str, optional
        Patient id to use instead of the sample name (needs a single sample, or ``sample``).
    sample : str, optional
        Read only this sample; a file without it is an error.
    definitions : path, optional
        PharmCAT data folder (see :func:`osler.ingest._vcf_reference.pharmcat_dir`).
    positions : {'pgx', 'all'}
        Keep only allele-definition positions, or every record.
    allow_unsorted : bool
        Accept records out of position order (off by default: an unsorted file is rejected).
    """
    if positions not in ("pgx", "all"):
        raise ValueError(f"'positions' must be one of {{'pgx', 'all'}}; got {positions!r}")
    source = Path(source)
    files = (sorted(p for p in source.rglob("*") if p.name.lower().endswith(_SUFFIXES))
             if source.is_dir() else [source])
    pgx = pgx_positions(definitions) if positions == "pgx" or definitions else None
    for path in files:
        try:
            yield from _read_file(path, pgx, positions, patient, sample, allow_unsorted)
        except IngestError as err:
            if on_error is None:
                raise
            on_error(err)


@lru_cache(maxsize=1)
def _quiet_htslib() -> None:
    """Silence htslib's own stderr lines: header-less contigs would warn once per record, and
    a parse failure prints "[E::vcf_parse...]" noise; Osler names every problem itself (file,
    line and reason) through the IngestError that follows."""
    import ctypes

    try:
        cyvcf2 = require("cyvcf2.cyvcf2", "genomics")
        ctypes.CDLL(cyvcf2.__file__).hts_set_log_level(0)  # HTS_LOG_OFF
    except (OSError, AttributeError):  # a build without exported symbols: stay verbose
        pass


def _read_file(path: Path, pgx: dict | None, positions: str, patient: str | None,
               sample: str | None, allow_unsorted: bool) -> list[PatientRecord]:
    cyvcf2 = require("cyvcf2", "genomics")
    _quiet_htslib()
    if not path.is_file():
        raise IngestError("no such file", file=str(path))
    _check_complete(path)
    try:
        vcf = cyvcf2.VCF(str(path), gts012=False, lazy=True)
    except (OSError, ValueError) as exc:
        raise IngestError(f"not a readable VCF ({exc})", file=path.name) from exc
    try:
        samples = _samples(vcf, path, sample, patient)
        header_lines = _header_lines(path)
        build = detect_build(vcf.raw_header)
        if build not in (None, "GRCh38"):
            raise IngestError(f"genome build {build} declared in the header; Osler reads GRCh38 "
                              "VCFs only (lift over first)", file=path.name)
        state = _State(calls={s: {} for s in samples}, check_order=not allow_unsorted)
        index = {s: vcf.samples.index(s) for s in samples}
        _read_records(vcf, path, header_lines, pgx, positions, index, state)
    finally:
        vcf.close()
    return [_record(path, s, patient, state.calls[s]) for s in samples]


def _check_complete(path: Path) -> None:
    """Truncated files: a plain VCF's last line must have every column, a gzip stream be whole."""
    with path.open("rb") as fh:
        magic = fh.read(2)
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65536))
        tail = fh.read()
    if size == 0:
        raise IngestError("empty file", file=path.name)
    if magic == b"\x1f\x8b":
        _check_gzip(path, tail)
        return
    columns = _header_columns(path)
    last = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
    found = len(last.split(b"\t"))
    if columns and not last.startswith(b"#") and found < columns:
        raise IngestError(f"file is truncated: the last line has {found} of "
                          f"{columns} columns", file=path.name, line=_count_lines(path))


def _check_gzip(path: Path, tail: bytes) -> None:
    if tail.endswith(_BGZF_EOF):
        return
    try:  # plain gzip (or BGZF without its end marker): the stream must decompress whole
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except (EOFError, OSError) as exc:
        raise IngestError(f"file is truncated: compressed stream ends early ({exc})",
                          file=path.name) from exc


def _header_columns(path: Path) -> int:
    with path.open("rb") as fh:
        for raw in fh:
            if raw.startswith(b"#CHROM"):
                return len(raw.rstrip(b"\r\n").split(b"\t"))
            if not raw.startswith(b"#"):
                break
    return 0


def _header_lines(path: Path) -> int:
    """Lines up to and including ``#CHROM`` in the file itself (htslib adds header lines)."""
    with path.open("rb") as raw:
        opener = gzip.open(path, "rb") if raw.read(2) == b"\x1f\x8b" else path.open("rb")
    with opener as fh:
        for n, line in enumerate(fh, 1):
            if line.startswith(b"#CHROM") or not line.startswith(b"#"):
                return n
    return 0


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def _samples(vcf, path: Path, sample: str | None, patient: str | None) -> list[str]:  # noqa: ANN001
    names = list(vcf.samples)
    if not names:
        raise IngestError("the VCF has no sample columns", file=path.name)
    if sample is not None:
        if sample not in names:
            raise IngestError(f"sample {sample!r} is not in the file; it has {len(names)} "
                              f"sample(s)", file=path.name, record=sample)
        return [sample]
    if patient is not None and len(names) > 1:
        raise IngestError(f"a patient id was given but the file has {len(names)} samples; "
                          "choose one with --sample", file=path.name)
    return names


def _read_records(vcf, path: Path, header_lines: int, pgx: dict | None, positions: str,  # noqa: ANN001
                  index: dict[str, int], state: _State) -> None:
    line = header_lines
    try:
        for variant in vcf:
            line += 1
            key = (_bare(variant.CHROM), variant.POS)
            if state.check_order:
                _check_order(key, state, path, line)
            site = pgx.get(key) if pgx is not None else None
            if site is None and positions == "pgx":
                continue
            ref = variant.REF
            if site is not None and not (ref.startswith(site.ref) or site.ref.startswith(ref)):
                raise IngestError(
                    f"REF {ref!r} at {variant.CHROM}:{variant.POS} disagrees with the GRCh38 "
                    f"reference {site.ref!r} of "
                    f"{f'the {site.gene} allele definitions' if site.gene else 'PharmCAT positions'}"
                    " (wrong build or a corrupt file)", file=path.name, line=line)
            _add_calls(variant, key, line, site, index, state)
    except IngestError:
        raise
    except Exception as exc:  # htslib parse failures surface as generic errors
        raise IngestError(f"malformed or truncated record ({type(exc).__name__}: {exc})",
                          file=path.name, line=line + 1) from exc


def _check_order(key: tuple[str, int], state: _State, path: Path, line: int) -> None:
    last = state.last
    if last is not None and key[0] != last[0]:
        if key[0] in state.done_chroms:
            raise IngestError(f"file is not sorted: chromosome {key[0]} appears again after "
                              f"{last[0]}", file=path.name, line=line)
        state.done_chroms.add(last[0])
    elif last is not None and key[1] < last[1]:
        raise IngestError(f"file is not sorted: position {key[1]} comes after {last[1]} on "
                          f"chromosome {key[0]}", file=path.name, line=line)
    state.last = key


def _add_calls(variant, key: tuple[str, int], line: int, site, index: dict[str, int],  # noqa: ANN001
               state: _State) -> None:
    ref = variant.REF
    bases = [ref] + [a if not a.startswith("<") and a not in (".", "*") else None
                     for a in variant.ALT]
    if site is not None and ref != site.ref:
        bases = [_repad(ref, b, site.ref) for b in bases]
        ref = site.ref
    genotypes = variant.genotypes
    rsid = variant.ID if variant.ID and variant.ID != "." else (site.rsid if site else None)
    for name, i in index.items():
        gt = genotypes[i]
        alleles = [bases[a] if 0 <= a < len(bases) else None for a in gt[:-1]]
        phased = bool(gt[-1]) and len(alleles) > 1
        previous = state.calls[name].get(key)
        if previous is None:
            state.calls[name][key] = _Call(variant.CHROM, variant.POS, ref, alleles,
                                           phased, line, rsid, site.gene if site else None)
        else:
            _merge(previous, alleles, phased)


def _repad(vcf_ref: str, allele: str | None, site_ref: str) -> str | None:
    """Re-express an allele over the definition's REF span when the VCF pads differently.

    ``CTG>CG`` and the definition's ``CT>C`` are the same deletion: trailing reference context
    beyond the shorter REF is dropped from (or added to) the allele. Returns None when the
    allele does not share that context (it cannot be said on the definition's span).
    """
    if allele is None:
        return None
    if vcf_ref.startswith(site_ref):
        tail = vcf_ref[len(site_ref):]
        return allele[: len(allele) - len(tail)] if allele.endswith(tail) else None
    return allele + site_ref[len(vcf_ref):]  # site_ref starts with vcf_ref (checked on read)


def _merge(call: _Call, alleles: list[str | None], phased: bool) -> None:
    """Merge a split multi-allelic record into the call already read at the same position.

    A non-reference allele of the new record replaces a reference (or missing) allele of the
    earlier one in the same haplotype slot, or the other slot when that one is taken.
    """
    ref = call.ref
    for slot, allele in enumerate(alleles):
        if allele is None or allele == ref or slot >= len(call.alleles):
            continue
        if call.alleles[slot] in (None, ref):
            call.alleles[slot] = allele
        else:
            other = 1 - slot if len(call.alleles) == 2 else None
            if other is not None and call.alleles[other] in (None, ref):
                call.alleles[other] = allele
    call.phased = call.phased and phased


def _record(path: Path, sample: str, patient: str | None,
            calls: dict[tuple[str, int], _Call]) -> PatientRecord:
    patient_id = patient or sample
    events = tuple(
        Genotype(id=event_id("vcf", path.name, sample, c.chrom, c.pos),
                 coding=Coding(VARIANT_SYSTEM, f"chr{key[0]}:{key[1]}", c.rsid),
                 provenance=Provenance(path.name, sample, c.line),
                 chrom=f"chr{key[0]}", pos=key[1], ref=c.ref, alleles=tuple(c.alleles),
                 phased=c.phased, build="GRCh38", gene=c.gene, rsid=c.rsid, sample=sample)
        for key, c in calls.items())
    return PatientRecord(patient_id=patient_id, provenance=Provenance(path.name, sample),
                         events=events)
