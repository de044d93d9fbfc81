"""NIfTI/MGZ ingest: one ImagingStudy per volume, voxels by content address."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

nib = pytest.importorskip("nibabel")

from osler.errors import IngestError  # noqa: E402
from osler.ingest.nifti import read_nifti, sniff_nifti  # noqa: E402
from osler.ingest.pixel_store import PixelStore  # noqa: E402


def _save(path, data, zooms=(1.0, 2.0, 3.0)):
    image = nib.Nifti1Image(data, np.diag([*zooms, 1.0]))
    image.header.set_zooms(zooms)
    path.parent.mkdir(parents=True, exist_ok=True)
    nib.save(image, path)
    return path


def test_bids_subject_volume_and_spacing(tmp_path):
    data = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
    path = _save(tmp_path / "sub-07" / "anat" / "sub-07_T1w.nii.gz", data)
    assert sniff_nifti(path, path.read_bytes()[:512])
    [record] = read_nifti(tmp_path, blob_dir=tmp_path / "blobs")
    [study] = record.events
    assert record.patient_id == "07"
    assert study.pixel_spacing == (1.0, 2.0, 3.0) and study.time is None
    assert np.array_equal(PixelStore(tmp_path / "blobs").get(study.pixel_ref), data)


def test_bad_volumes_are_named_and_the_batch_goes_on(tmp_path):
    _save(tmp_path / "vols" / "good.nii", np.ones((2, 2, 2), np.float32))
    _save(tmp_path / "vols" / "allnan.nii", np.full((2, 2, 2), np.nan, np.float32))
    (tmp_path / "vols" / "broken.nii").write_bytes(b"\x5c\x01\x00\x00" + b"\x00" * 20)
    errors: list[IngestError] = []
    records = list(read_nifti(tmp_path / "vols", on_error=errors.append,
                              blob_dir=tmp_path / "b", patient_map=lambda name: "pt-1"))
    assert [len(r.events) for r in records] == [1]
    reasons = {e.file.rsplit("/", 1)[-1]: e.reason for e in errors}
    assert reasons["allnan.nii"] == "every voxel is NaN"
    assert reasons["broken.nii"].startswith("not a readable NIfTI")


@pytest.mark.shared_data
def test_every_sample_volume_is_read(shared_data, tmp_path):
    errors: list[IngestError] = []
    records = list(read_nifti(shared_data / "nifti-samples", on_error=errors.append,
                              blob_dir=tmp_path))
    kinds = Counter(e.description.split()[0] for r in records for e in r.events)
    assert errors == []
    assert kinds == {"Nifti1": 6, "Nifti2": 1, "MGH": 1}
    nan_notes = [e.description for r in records for e in r.events if "NaN" in e.description]
    assert nan_notes == ["Nifti1 volume 17x21x3, 153 NaN voxels"]
