"""Which reader reads what: formats detected by content, not by file extension.

Each format names its reader and a sniffer ``(path, head) -> bool`` that looks at the first
bytes of a file. Directory-shaped formats (a Synthea CSV export, a DICOM series) are recognised
by ``sniff_dir``. Readers are imported only when their format is met, so a missing extra costs
only that format.
"""

from __future__ import annotations

import importlib
import importlib.util
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FORMATS", "Format", "detect", "sniff"]

_HEAD = 8192


@dataclass(frozen=True)
class Format:
    name: str
    reader: str                 # "module:function"
    sniffer: str | None = None  # "module:function(path, head) -> bool" for files
    dir_sniffer: str | None = None  # "module:function(path) -> bool" for a whole directory
    extra: str | None = None    # the pip extra that provides its dependencies

    def load(self, attr: str = "reader") -> Callable:
        module, name = getattr(self, attr).split(":")
        return getattr(importlib.import_module(module), name)


#: Order matters: the first format whose sniffer accepts a file reads it.
FORMATS: tuple[Format, ...] = (
    Format("synthea-csv", "osler.ingest.synthea_csv:read_synthea_csv",
           "osler.ingest.synthea_csv:sniff_synthea_csv", dir_sniffer="osler.ingest.synthea_csv:sniff_synthea_csv_dir"),
    Format("fhir-bundle", "osler.ingest.fhir:read_fhir", "osler.ingest.fhir:sniff_fhir_bundle"),
    Format("fhir-ndjson", "osler.ingest.fhir:read_fhir", "osler.ingest.fhir:sniff_fhir_ndjson"),
    Format("fhir-resource", "osler.ingest.fhir:read_fhir", "osler.ingest.fhir:sniff_fhir_resource"),
    Format("physionet2019", "osler.ingest.physionet:read_physionet2019",
           "osler.ingest.physionet:sniff_physionet2019"),
    Format("physionet2012", "osler.ingest.physionet:read_physionet2012",
           "osler.ingest.physionet:sniff_physionet2012"),
    Format("vcf", "osler.ingest.vcf:read_vcf", "osler.ingest.vcf:sniff_vcf", extra="genomics"),
    Format("dicom", "osler.ingest.dicom:read_dicom", "osler.ingest.dicom:sniff_dicom",
           dir_sniffer="osler.ingest.dicom:sniff_dicom_dir", extra="imaging"),
    Format("nifti", "osler.ingest.nifti:read_nifti", "osler.ingest.nifti:sniff_nifti",
           extra="imaging"),
    Format("notes", "osler.ingest.notes:read_notes", "osler.ingest.notes:sniff_notes"),
)


def _available(fmt: Format, attr: str) -> Callable | None:
    target = getattr(fmt, attr)
    if target is None:
        return None
    module = target.split(":")[0]
    if importlib.util.find_spec(module) is None:
        return None
    try:
        return fmt.load(attr)
    except AttributeError:
        return None


def sniff(fmt: Format, path: Path, head: bytes | None = None) -> bool:
    """Does ``fmt`` claim ``path``? A sniffer that fails on odd bytes means no, never a crash."""
    attr = "sniffer" if head is not None else "dir_sniffer"
    sniffer = _available(fmt, attr)
    if sniffer is None:
        return False
    try:
        return bool(sniffer(path, head) if head is not None else sniffer(path))
    except Exception:  # noqa: BLE001 - any failure to recognise content is "not this format"
        return False


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    if head[:2] == b"\x1f\x8b":  # gzip: sniff the content, not the wrapper
        import gzip
        import zlib
        try:
            with path.open("rb") as fh, gzip.GzipFile(fileobj=fh) as gz:
                return gz.read(_HEAD)
        except (OSError, EOFError, zlib.error):
            return head
    return head


def detect(path: Path) -> Format | None:
    """The format of one file or directory, judged by content; ``None`` if none matches."""
    path = Path(path)
    if path.is_dir():
        return next((fmt for fmt in FORMATS if sniff(fmt, path)), None)
    if zipfile.is_zipfile(path):
        return None  # archives are opened by the ingest job member by member
    head = _head(path)
    return next((fmt for fmt in FORMATS if sniff(fmt, path, head)), None)
