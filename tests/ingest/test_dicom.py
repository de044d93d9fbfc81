"""DICOM ingest: series -> ImagingStudy events, pixels by content address, bad files named."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pydicom")

from osler.errors import IngestError  # noqa: E402
from osler.imaging.synthetic import write_radiograph  # noqa: E402
from osler.ingest.dicom import (read_dicom, read_dicom_instances, sniff_dicom,  # noqa: E402
                                sniff_dicom_dir)
from osler.ingest.pixel_store import PixelStore  # noqa: E402

WHEN = datetime(2026, 3, 4, 10, 30)


def _series(tmp_path: Path, n: int = 2, **kw) -> list[Path]:
    rng = np.random.default_rng(0)
    return [write_radiograph(tmp_path / "series" / f"im{i}.dcm",
                             rng.integers(0, 255, (32, 32), dtype=np.uint8), patient_id="P1",
                             study_uid="1.2.3", series_uid="1.2.3.4", when=WHEN, **kw)
            for i in range(n)]


def test_series_becomes_one_study_event_with_pixels_in_the_store(tmp_path):
    files = _series(tmp_path, tz_offset="+0100")
    [record] = read_dicom(tmp_path / "series", blob_dir=tmp_path / "blobs")
    [study] = record.events
    assert (record.patient_id, study.modality, study.body_part) == ("P1", "CR", "CHEST")
    assert (study.study_uid, study.series_uid, study.n_instances) == ("1.2.3", "1.2.3.4", 2)
    assert study.pixel_spacing == (0.2, 0.2)
    assert study.time.utcoffset() == timedelta(hours=1) and study.time.hour == 10
    pixels = PixelStore(tmp_path / "blobs").get(study.pixel_ref)
    assert pixels.shape == (2, 32, 32)
    import pydicom
    assert np.array_equal(pixels[0], pydicom.dcmread(files[0]).pixel_array)


def test_reingest_gives_same_ids_and_pixel_address(tmp_path):
    _series(tmp_path)
    first = next(read_dicom(tmp_path / "series", blob_dir=tmp_path / "b"))
    again = next(read_dicom(tmp_path / "series", blob_dir=tmp_path / "b"))
    assert first.events[0].id == again.events[0].id
    assert first.events[0].pixel_ref == again.events[0].pixel_ref
    assert len(list((tmp_path / "b").rglob("*.npy"))) == 1


def test_local_time_without_zone_is_unknown_unless_site_zone_given(tmp_path):
    _series(tmp_path, n=1)
    [record] = read_dicom(tmp_path / "series", blob_dir=tmp_path / "b")
    assert record.events[0].time is None
    [record] = read_dicom(tmp_path / "series", blob_dir=tmp_path / "b",
                          site_timezone="Europe/Berlin")
    assert record.events[0].time.utcoffset() == timedelta(hours=1)


def test_patient_map_links_and_refuses_unmapped(tmp_path):
    _series(tmp_path, n=1)
    [record] = read_dicom(tmp_path / "series", blob_dir=tmp_path / "b", patient_map={"P1": "pt-7"})
    assert record.patient_id == "pt-7"
    with pytest.raises(IngestError, match="not in patient_map"):
        list(read_dicom(tmp_path / "series", blob_dir=tmp_path / "b", patient_map={}))


def _unsupported_syntax(path: Path) -> Path:
    import pydicom
    from pydicom.encaps import encapsulate
    ds = pydicom.dcmread(path)
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.100"  # MPEG2: no decoder exists
    ds.PixelData = encapsulate([b"\x00" * 64])
    ds.save_as(path)
    return path


def test_bad_files_are_named_with_a_reason_and_the_batch_goes_on(tmp_path):
    good = tmp_path / "batch" / "good.dcm"
    write_radiograph(good, np.zeros((16, 16), np.uint8), patient_id="P1")
    (tmp_path / "batch" / "corrupt.dcm").write_bytes(b"\x00" * 128 + b"DICM" + b"\xff" * 40)
    write_radiograph(tmp_path / "batch" / "nopixels.dcm", None, patient_id="P2", with_pixels=False)
    write_radiograph(tmp_path / "batch" / "noid.dcm", np.zeros((16, 16), np.uint8), patient_id=None)
    _unsupported_syntax(write_radiograph(tmp_path / "batch" / "mpeg.dcm",
                                         np.zeros((16, 16), np.uint8), patient_id="P3"))
    errors: list[IngestError] = []
    records = list(read_dicom(tmp_path / "batch", on_error=errors.append, blob_dir=tmp_path / "b"))
    assert [r.patient_id for r in records] == ["P1"]
    reasons = {Path(e.file).name: e.reason for e in errors}
    assert set(reasons) == {"corrupt.dcm", "nopixels.dcm", "noid.dcm", "mpeg.dcm"}
    assert "corrupt" in reasons["corrupt.dcm"]
    assert reasons["nopixels.dcm"].startswith("missing pixel module")
    assert "no PatientID" in reasons["noid.dcm"]
    assert "MPEG2" in reasons["mpeg.dcm"]
    with pytest.raises(IngestError, match="corrupt.dcm"):
        list(read_dicom(tmp_path / "batch", blob_dir=tmp_path / "b"))


def test_empty_series_directory_is_reported(tmp_path):
    (tmp_path / "empty").mkdir()
    errors: list[IngestError] = []
    assert list(read_dicom(tmp_path / "empty", on_error=errors.append)) == []
    assert [e.reason for e in errors] == ["empty series: no files in the directory"]


def test_sniff_dicom_file_and_series_directory(tmp_path):
    path = write_radiograph(tmp_path / "s" / "a.dcm", np.zeros((8, 8), np.uint8), patient_id="P")
    assert sniff_dicom(path, path.read_bytes()[:512])
    assert not sniff_dicom(tmp_path / "x.csv", b"a,b\n1,2\n")
    assert sniff_dicom_dir(tmp_path / "s")
    (tmp_path / "s" / "notes.txt").write_text("not dicom")
    assert not sniff_dicom_dir(tmp_path / "s")


@pytest.mark.slow
@pytest.mark.shared_data
def test_every_sample_file_is_read_or_refused_with_a_reason(shared_data):
    """158 .dcm files of pydicom's test data: counts and the reason for each refusal."""
    root = shared_data / "dicom-samples"
    errors: list[IngestError] = []
    read = [i for i in read_dicom_instances(root, on_error=errors.append)
            if i.file.endswith(".dcm")]
    refused = {Path(e.file).name: e.reason for e in errors if e.file.endswith(".dcm")}
    assert len(read) + len(refused) == 158
    expected = {  # file -> why it cannot be read (each checked by hand against its README)
        "liver_deflate.dcm": "Deflated Image Frame Compression",
        "liver_nonbyte_aligned_deflate.dcm": "Deflated Image Frame Compression",
        "liver_rle.dcm": "1 bits allocated",          # RLE of 1-bit SEG: pydicom cannot
        "liver_nonbyte_aligned_rle.dcm": "1 bits allocated",
        "JPEG-lossy.dcm": "libjpeg error",             # known-corrupt JPEG stream
        "JPEG2000-embedded-sequence-delimiter.dcm": "JPEG 2000",
        "MR_truncated.dcm": "less than expected",      # truncated pixel data
        "badVR.dcm": "invalid literal",                # '1A' in an integer string element
        "meta_missing_tsyntax.dcm": "Bits Allocated",  # pixel module incomplete
        "nested_priv_SQ.dcm": "Bits Allocated",
        "no_meta.dcm": "not a DICOM file",
        "emri_small_jpeg_2k_lossless_too_short.dcm": "truncated",
        # fragments written to test the parser: no SOP class, study, modality or pixels
        "UN_sequence.dcm": "not one Osler can file",
        "priv_SQ.dcm": "not one Osler can file",
        "empty_charset_LEI.dcm": "not one Osler can file",
        "no_meta_group_length.dcm": "not one Osler can file",
    }
    assert {f: r for f, r in refused.items()}.keys() == expected.keys()
    for f, fragment in expected.items():
        assert fragment in refused[f], (f, refused[f])
    decoded = Counter(i.transfer_syntax for i in read if i.pixels is not None)
    for syntax in ("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81",   # JPEG-LS
                   "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.201",  # J2K, HTJ2K
                   "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.5"):      # JPEG lossless, RLE
        assert decoded[syntax] > 0, syntax
    modalities = {i.modality for i in read}
    assert {"CT", "MR", "US", "CR", "NM", "RTDOSE", "RTPLAN", "SEG", "SR", "ECG"} <= modalities


@pytest.mark.shared_data
def test_dicomdir_reads_its_referenced_instances(shared_data, tmp_path):
    dicomdir = shared_data / "dicom-samples" / "pydicom-test-files" / "dicomdirtests" / "DICOMDIR"
    records = list(read_dicom(dicomdir, blob_dir=tmp_path))
    studies = [e for r in records for e in r.events]
    assert len(records) == 2 and sum(s.n_instances for s in studies) == 31
    assert {s.modality for s in studies} == {"CR", "CT", "MR"}
