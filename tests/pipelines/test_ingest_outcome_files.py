"""`osler ingest` with two PhysioNet 2012 sets, each beside its own outcomes file."""

from __future__ import annotations

from icu2012_factory import write_stays_2012


def _second_set(root, first_stays, first_outcomes):
    """A copy of the made-up set under other RecordIDs (150000...) with its own outcomes."""
    stays = root / "set-y"
    stays.mkdir(parents=True)
    for f in sorted(first_stays.iterdir()):
        rid = int(f.stem) + 10000
        text = f.read_text().replace(f"RecordID,{f.stem}", f"RecordID,{rid}")
        (stays / f"{rid}.txt").write_text(text)
    lines = first_outcomes.read_text().splitlines()
    rows = [lines[0]] + [str(int(line.split(",", 1)[0]) + 10000) + "," + line.split(",", 1)[1]
                         for line in lines[1:]]
    outcomes = root / "Outcomes-y.txt"
    outcomes.write_text("\n".join(rows) + "\n")
    return stays, outcomes


def test_each_set_is_matched_to_its_own_outcomes_file(tmp_path):
    from osler.pipelines.ingest_job import ingest_paths
    from osler.store import open_store

    stays_x, outcomes_x = write_stays_2012(tmp_path / "a", n=6, seed=1)
    stays_y, outcomes_y = _second_set(tmp_path / "b", stays_x, outcomes_x)
    with open_store(tmp_path / "o.duckdb") as store:
        report = ingest_paths([stays_x, outcomes_x, stays_y, outcomes_y], store)
    assert not report.quarantined, [str(e) for e in report.quarantined]
    assert report.stored.patients == 12
