"""Readers: one module per format, each ``read_<format>(source, ...) -> Iterator[PatientRecord]``.

Formats are detected by content (:func:`osler.ingest.registry.detect`). Readers report bad
input through ``on_error`` and keep going; without it, they raise :class:`IngestError`.
"""

from osler.ingest._fhir_map import fhir_server_name
from osler.ingest._files import files_under, is_hidden
from osler.ingest.fhir import read_fhir
from osler.ingest.physionet import read_outcomes_2012, read_physionet2012, read_physionet2019
from osler.ingest.registry import FORMATS, Format, detect
from osler.ingest.synthea_csv import read_synthea_csv
from osler.record import PatientIdentifier  # re-exported: the ingest option's type

__all__ = ["FORMATS", "Format", "PatientIdentifier", "detect", "fhir_server_name", "files_under",
           "is_hidden", "read_fhir", "read_outcomes_2012", "read_physionet2012",
           "read_physionet2019", "read_synthea_csv"]
