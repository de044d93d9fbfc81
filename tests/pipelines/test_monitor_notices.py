"""osler monitor sepsis: a stay with no measured value is replayed with predict's notice on
stderr; a bad stay is refused (exit 2) before anything reaches stdout."""

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

    root = tmp_path_factory.mktemp("monitor-notices")
    stays = write_stays(root / "stays", n_stays=30, seed=5)
    TASK.train([stays], outcomes=None, model_dir=root / "model", seed=0, n_jobs=1)
    return root / "model"


def _unmeasured_stay(path, hours: int = 4):
    rows = []
    for h in range(1, hours + 1):
        cells = ["NaN"] * len(PSV_COLUMNS)
        cells[PSV_COLUMNS.index("Age")] = "61"
        cells[PSV_COLUMNS.index("Gender")] = "1"
        cells[PSV_COLUMNS.index("ICULOS")] = str(h)
        cells[PSV_COLUMNS.index("SepsisLabel")] = "0"
        rows.append("|".join(cells))
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


@pytest.mark.parametrize("as_json", [False, True])
def test_a_stay_with_no_measurement_is_replayed_with_a_notice_on_stderr(model, tmp_path,
                                                                        capsys, as_json):
    stay = _unmeasured_stay(tmp_path / "p900001.psv")
    code, out, err = _run(["monitor", "sepsis", "--model", str(model), "--stay", str(stay)]
                          + (["--json"] if as_json else []), capsys)
    assert code == 0, err
    assert "p900001.psv" in err and "no hour holds a measured value" in err
    assert "scored from the time in the ICU and missingness alone" in err
    lines = out.splitlines()
    if as_json:
        assert len(lines) == 4 and all("probability" in json.loads(x) for x in lines)
    else:
        assert len(lines) == 5 and lines[0].startswith("stay p900001.psv")
    assert "no hour holds" not in out


def test_a_measured_stay_has_no_notice(model, tmp_path, capsys):
    stay = _unmeasured_stay(tmp_path / "p900002.psv")
    text = stay.read_text().splitlines()
    cells = text[1].split("|")
    cells[PSV_COLUMNS.index("HR")] = "88"
    stay.write_text("\n".join([text[0], "|".join(cells), *text[2:]]) + "\n")
    code, out, err = _run(["monitor", "sepsis", "--model", str(model), "--stay", str(stay)],
                          capsys)
    assert code == 0 and err == "" and len(out.splitlines()) == 5


def test_a_header_only_stay_prints_nothing_to_stdout(model, tmp_path, capsys):
    stay = tmp_path / "p900003.psv"
    stay.write_text(HEADER + "\n")
    code, out, err = _run(["monitor", "sepsis", "--model", str(model), "--stay", str(stay)],
                          capsys)
    assert code == 2
    assert out == ""
    assert "p900003.psv" in err and len(err.strip().splitlines()) == 1


def test_open_stay_refuses_before_any_hour(model, tmp_path):
    from osler.errors import OslerError
    from osler.pipelines._sepsis_stream import SepsisMonitor

    stay = tmp_path / "p900004.psv"
    stay.write_text(HEADER + "\n")
    with pytest.raises(OslerError, match="p900004.psv"):
        SepsisMonitor(model).open_stay(stay)
