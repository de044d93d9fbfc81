"""Train and evaluate icu-mortality, readmission and heart-disease; write their model cards.

Run: ``.venv/bin/python benchmarks/models_cards.py [--tasks icu-mortality readmission heart-disease]``

Uses the same task objects as ``osler train`` / ``osler evaluate``. Cards go to docs/cards/,
figures to benchmarks/results/models_cards.json. The sepsis card is written by
benchmarks/models_sepsis.py. Heart disease is cross-site: Cleveland -> Hungarian (the card)
and Hungarian -> Cleveland.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from osler.pipelines.registry import get_task

SHARED = Path(__file__).resolve().parents[2] / "shared/data"
CARDS = Path("docs/cards")


def _figures(card_json: Path) -> dict:
    data = json.loads(card_json.read_text())
    out = {"summary": data["summary"]}
    for s in data["sections"]:
        if s["heading"] == "Baseline comparison":
            out["baselines"] = [{k: r[k] for k in ("model", "metric", "estimate", "ci_low",
                                                   "ci_high")} for r in s["table"]]
    return out


def run(task: str, train: list[Path], test: list[Path], outcomes: Path | None, card: Path,
        workdir: Path) -> dict:
    t = get_task(task)
    model = workdir / card.stem
    t0 = time.perf_counter()
    train_summary = t.train(train, outcomes=outcomes, model_dir=model, seed=0)
    t1 = time.perf_counter()
    eval_summary = t.evaluate(model, test, outcomes=outcomes, report=card)
    return {"task": task, "train": train_summary, "evaluate": eval_summary,
            "train_s": t1 - t0, "evaluate_s": time.perf_counter() - t1,
            **_figures(card.with_suffix(".json"))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", nargs="*", default=["icu-mortality", "readmission",
                                                   "heart-disease"])
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/models_cards.json"))
    args = ap.parse_args()
    icu, dia, hd = SHARED / "icu-mortality-2012", SHARED / "diabetes-130", SHARED / "heart-disease"
    results = json.loads(args.out.read_text()) if args.out.is_file() else {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "icu-mortality" in args.tasks:
            results["icu-mortality"] = run("icu-mortality", [icu / "set-a.zip"],
                                           [icu / "set-a.zip"], icu / "Outcomes-a.txt",
                                           CARDS / "icu-mortality.html", work)
        if "readmission" in args.tasks:
            data = [dia / "diabetic_data_dev.csv.gz"]
            results["readmission"] = run("readmission", data, data, None,
                                         CARDS / "readmission.html", work)
        if "heart-disease" in args.tasks:
            cle, hun = hd / "processed.cleveland.data", hd / "processed.hungarian.data"
            results["heart-disease cleveland->hungarian"] = run(
                "heart-disease", [cle], [hun], None, CARDS / "heart-disease.html", work)
            results["heart-disease hungarian->cleveland"] = run(
                "heart-disease", [hun], [cle], None, work / "heart-disease-reverse.html", work)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=float))
    print(json.dumps(results, indent=2, default=float))


if __name__ == "__main__":
    main()
