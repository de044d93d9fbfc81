"""The task registry: one place that says which tasks exist and where each is implemented.

Each task module defines an object satisfying :class:`Task` named ``TASK``. Modules are imported
only when their task is used, so a task whose extra is missing does not break the others.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from osler.pipelines._shared import PredictionSummary

__all__ = ["TASKS", "Task", "get_task", "task_names"]

#: task name -> module defining ``TASK``.
TASKS: dict[str, str] = {
    "sepsis": "osler.pipelines.sepsis",
    "icu-mortality": "osler.pipelines.icu_mortality",
    "readmission": "osler.pipelines.readmission",
    "heart-disease": "osler.pipelines.heart_disease",
    "warfarin-dose": "osler.pipelines.warfarin",
    "pneumonia": "osler.pipelines.pneumonia",
}


@runtime_checkable
class Task(Protocol):
    """What every task offers. ``train`` and ``evaluate`` return a short human summary (str);
    ``predict`` returns a :class:`~osler.pipelines._shared.PredictionSummary`, its summary
    (``str()``) with the counts of what was scored and skipped (``osler predict``'s exit
    status reads them).

    ``held_out`` in ``train``: the share of patients kept out of training (by a hash of the
    patient id) so that ``evaluate`` on the same data sees patients the model has not; ``None``
    is the task's default, ``0`` trains on every patient (a final model, evaluated elsewhere).
    """

    name: str

    def train(self, data: list[Path], *, outcomes: Path | None, model_dir: Path,
              seed: int = 0, held_out: float | None = None) -> str: ...

    def predict(self, model_dir: Path, data: Path, out: Path, *, split: str | None = None
                ) -> PredictionSummary: ...

    def evaluate(self, model_dir: Path, data: list[Path], *, outcomes: Path | None, report: Path,
                 split: str | None = None) -> str: ...


def task_names() -> list[str]:
    """Tasks whose implementing module is present."""
    return [n for n, m in TASKS.items() if importlib.util.find_spec(m) is not None]


def get_task(name: str) -> Task:
    if name not in TASKS:
        from osler.errors import OslerError
        raise OslerError(f"task must be one of {sorted(TASKS)}; got {name!r}")
    return importlib.import_module(TASKS[name]).TASK
