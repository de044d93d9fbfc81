"""Benchmark: DICOM and NIfTI ingest over the shared sample files, against bare pydicom/nibabel.

Run: .venv/bin/python benchmarks/imaging_ingest.py [--data DIR]

Prints per-outcome counts (read / refused, by reason) for the 158 ``.dcm`` files and the NIfTI
samples, and files per second for Osler's readers (header + decoded pixels + content-addressed
store + events) against the peer in the same run: ``pydicom.dcmread(...).pixel_array`` (and
``nibabel.load(...).dataobj``) on the same files, errors ignored.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
import warnings
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data"


def _peer_dicom(files: list[Path]) -> float:
    import pydicom
    t = time.perf_counter()
    for f in files:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                _ = pydicom.dcmread(f, force=True).pixel_array
            except Exception:  # the peer just skips what it cannot decode
                pass
    return time.perf_counter() - t


def main() -> None:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args()
    from osler.ingest.dicom import iter_dicom_files, read_dicom
    from osler.ingest.nifti import read_nifti
    root = args.data / "dicom-samples"
    files = sorted(root.rglob("*.dcm"))
    print(f"# imaging ingest, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    tree = [p for p, _ in iter_dicom_files(root)]  # the same files Osler's reader opens
    peer_s = _peer_dicom(tree)
    errors = []
    with tempfile.TemporaryDirectory() as blobs:
        t = time.perf_counter()
        records = list(read_dicom(root, on_error=errors.append, blob_dir=blobs,
                                  patient_map=lambda pid: pid or "unlinked"))
        osler_s = time.perf_counter() - t
        refused = Counter(e.reason.split(":")[0].split(" (")[0] for e in errors
                          if e.file.endswith(".dcm"))
        n_refused = sum(refused.values())
        print(f"dicom: {len(files)} .dcm files: {len(files) - n_refused} read, {n_refused} refused")
        for reason, n in refused.most_common():
            print(f"  refused {n:>3}  {reason}")
        print(f"dicom: whole tree ({len(tree)} files incl. DICOMDIR sets) -> {len(records)} "
              f"patients, {sum(len(r.events) for r in records)} series events in {osler_s:.2f} s "
              f"({len(tree) / osler_s:.0f} files/s); peer pydicom dcmread+pixel_array on the same "
              f"files {peer_s:.2f} s; Osler/peer time ratio {osler_s / peer_s:.2f}")
        nerr = []
        t = time.perf_counter()
        vols = list(read_nifti(args.data / "nifti-samples", on_error=nerr.append, blob_dir=blobs))
        print(f"nifti: {sum(len(r.events) for r in vols)} volumes read, {len(nerr)} refused in "
              f"{time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
