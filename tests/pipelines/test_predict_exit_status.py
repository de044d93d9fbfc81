"""``osler predict``'s exit status on made-up heart-disease files: 0 / 3 / 2, as ingest's."""

import pytest
from tabular_synth import write_heart

from cli_run import run_osler

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")


def test_predict_exits_0_when_all_scored_3_when_some_skipped_2_when_none(heart_model, tmp_path,
                                                                        capsys):
    """The `osler ingest` convention: a caller expecting one prediction per input can tell
    from the exit status alone, and stderr says how many were skipped and why."""
    good = write_heart(tmp_path / "b", n=20, seed=2, site="beta")
    lines = good.read_text().splitlines()

    def predict(text: str) -> tuple[int, str, list[str]]:
        data, out = tmp_path / "processed.x.data", tmp_path / "p.csv"
        data.write_text(text)
        out.unlink(missing_ok=True)
        code, err = run_osler(["predict", "heart-disease", "--model", str(heart_model),
                               "--data", str(data), "--out", str(out)], capsys)
        return code, err, out.read_text().splitlines() if out.exists() else []

    code, err, rows = predict("\n".join(lines) + "\n")
    assert (code, err, len(rows)) == (0, "", 21)
    code, err, rows = predict("\n".join(lines[:3] + ["1,2,3"] + lines[4:]) + "\n")
    assert code == 3 and len(rows) == 20 and [r.split(",")[0] for r in rows[3:5]] == ["2", "4"]
    assert err.startswith("osler: 1 of 20 rows skipped, without a prediction: file ")
    assert "line 4 (row 3): 3 values, expected 13 or 14" in err
    code, err, rows = predict("1,2,3\n4,5,6\n")
    assert code == 2 and rows == [] and "no usable row (2 skipped" in err

