"""osler monitor sepsis: readings outside physiological limits are named on stderr as predict
names them (file, line, variable; never the value) and scored as given; stdout keeps its
format."""

from __future__ import annotations

import json

import pytest
from _sepsis_synth import write_stays
from cli_run import run_osler_out_err as _run

from osler.ingest.physionet import PSV_COLUMNS

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")

HEADER = "|".join(PSV_COLUMNS)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    from osler.pipelines.sepsis import TASK

    root = tmp_path_factory.mktemp("monitor-implausible")
    stays = write_stays(root / "stays", n_stays=30, seed=7)
    TASK.train([stays], outcomes=None, model_dir=root / "model", seed=0, n_jobs=1)
    return root / "model"


def _stay(path, odd: dict[int, dict[str, str]], hours: int = 4):
    """A made-up stay of ``hours`` rows (HR 84, Temp 37.1), with ``odd`` hour -> cells."""
    rows = []
    for h in range(1, hours + 1):
        cells = ["NaN"] * len(PSV_COLUMNS)
        cells[PSV_COLUMNS.index("HR")] = "84"
        cells[PSV_COLUMNS.index("Temp")] = "37.1"
        cells[PSV_COLUMNS.index("Age")] = "58"
        cells[PSV_COLUMNS.index("Gender")] = "0"
        cells[PSV_COLUMNS.index("ICULOS")] = str(h)
        cells[PSV_COLUMNS.index("SepsisLabel")] = "0"
        for name, value in odd.get(h, {}).items():
            cells[PSV_COLUMNS.index(name)] = value
        rows.append("|".join(cells))
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


@pytest.mark.parametrize("as_json", [False, True])
def test_readings_outside_limits_are_named_on_stderr_only(model, tmp_path, capsys, as_json):
    stay = _stay(tmp_path / "p910001.psv", {2: {"HR": "-57"}, 3: {"Temp": "0"}})
    code, out, err = _run(["monitor", "sepsis", "--model", str(model), "--stay", str(stay)]
                          + (["--json"] if as_json else []), capsys)
    assert code == 0, err
    assert err.startswith("osler: ")
    assert "2 readings outside physiological limits, used as given" in err
    assert "p910001.psv line 3: HR outside 0 to 300" in err     # line 3: header + 2 rows
    assert "p910001.psv line 4: Temp outside 10 to 47" in err
    assert "-57" not in err                                    # the value is never echoed
    assert "physiological" not in out and "outside" not in out
    lines = out.splitlines()
    if as_json:
        assert len(lines) == 4 and all("probability" in json.loads(x) for x in lines)
    else:
        assert len(lines) == 5 and lines[0].startswith("stay p910001.psv")


def test_readings_are_scored_as_given_like_predict(model, tmp_path, capsys):
    """Monitor names the reading in predict's words, and every hour, the odd one too, gets
    the risk predict gives it (both use it as given)."""
    data = tmp_path / "in"
    data.mkdir()
    stay = _stay(data / "p910002.psv", {2: {"HR": "-57"}})
    code, out, monitor_err = _run(["monitor", "sepsis", "--model", str(model), "--stay",
                                   str(stay), "--json"], capsys)
    assert code == 0, monitor_err
    monitored = [json.loads(x)["probability"] for x in out.splitlines()]
    code, _out, err = _run(["predict", "sepsis", "--model", str(model), "--data", str(data),
                            "--out", str(tmp_path / "pred")], capsys)
    assert code == 0, err
    note = ("1 readings outside physiological limits, used as given "
            "(file p910002.psv line 3: HR outside 0 to 300)")
    assert note in _out                 # predict's summary says it ...
    assert monitor_err == f"osler: {note}\n"   # ... and monitor, in the same words
    table = (tmp_path / "pred" / "p910002.psv").read_text().splitlines()
    column = table[0].split("|").index("PredictedProbability")
    predicted = [float(r.split("|")[column]) for r in table[1:]]
    assert predicted == pytest.approx(monitored, abs=1e-6)


def test_a_stay_within_limits_has_no_notice(model, tmp_path, capsys):
    stay = _stay(tmp_path / "p910003.psv", {})
    code, out, err = _run(["monitor", "sepsis", "--model", str(model), "--stay", str(stay)],
                          capsys)
    assert code == 0 and err == "" and len(out.splitlines()) == 5
