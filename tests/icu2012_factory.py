"""Seeded synthetic PhysioNet 2012-shaped stays and outcomes for portable tests (no real data)."""

from __future__ import annotations

import csv

import numpy as np


def write_stays_2012(directory, n=160, seed=0):
    """``n`` stays under ``directory/set-x`` (RecordID 140000...) and ``Outcomes-x.txt``; a
    latent severity drives HR, GCS, urine and death; one HR row after 48 h is never read."""
    rng = np.random.default_rng(seed)
    stays = directory / "set-x"
    stays.mkdir(parents=True)
    outcomes = [["RecordID", "SAPS-I", "SOFA", "Length_of_stay", "Survival", "In-hospital_death"]]
    for i in range(n):
        rid = 140000 + i
        sick = rng.normal()
        lines = ["Time,Parameter,Value", f"00:00,RecordID,{rid}",
                 f"00:00,Age,{int(rng.integers(20, 90))}", f"00:00,Gender,{i % 2}",
                 "00:00,Height,-1", f"00:00,Weight,{rng.normal(80, 10):.1f}"]
        for hour in range(0, 48, 4):
            lines += [f"{hour:02d}:10,HR,{80 + 15 * sick + rng.normal(0, 5):.0f}",
                      f"{hour:02d}:10,GCS,{int(np.clip(13 - 3 * sick + rng.normal(), 3, 15))}",
                      f"{hour:02d}:20,Urine,{max(0, 80 - 30 * sick + rng.normal(0, 10)):.0f}"]
        lines.append("50:00,HR,200")  # after the prediction hour: never read
        (stays / f"{rid}.txt").write_text("\n".join(lines) + "\n")
        died = int(sick + rng.normal(0, 0.6) > 1.0)
        outcomes.append([rid, int(rng.integers(5, 20)), -1 if i % 9 == 0 else 3, 8, -1, died])
    path = directory / "Outcomes-x.txt"
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(outcomes)
    return stays, path
