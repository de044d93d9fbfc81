"""A triage worklist: studies ordered by predicted urgency and uncertainty, each with its reason.

Three tiers, read top to bottom:

1. **urgent**: probability of pneumonia at or above ``urgent_at``. Highest probability first.
2. **needs a read**: the model is unsure: probability between ``routine_below`` and
   ``urgent_at``, or the test-time shifts disagree by more than ``max_spread`` (SD of the
   probability). Most uncertain first (closest to 0.5, then widest spread).
3. **routine**: probability below ``routine_below`` and the shifts agree. Highest first.

Every row says which rule placed it, with the numbers, so a radiologist can disagree with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["TriagePolicy", "worklist"]

_TIERS = ("urgent", "needs a read", "routine")


@dataclass(frozen=True)
class TriagePolicy:
    """Thresholds of the worklist (probabilities of pneumonia, calibrated)."""

    urgent_at: float = 0.7
    routine_below: float = 0.3
    max_spread: float = 0.1

    def __post_init__(self) -> None:
        if not 0.0 <= self.routine_below <= self.urgent_at <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= routine_below <= urgent_at <= 1; got "
                             f"routine_below={self.routine_below}, urgent_at={self.urgent_at}")


def _place(p: float, spread: float, policy: TriagePolicy) -> tuple[str, str]:
    if p >= policy.urgent_at:
        why = f"p={p:.2f} >= {policy.urgent_at:.2f} (urgent threshold)"
        if spread > policy.max_spread:
            why += f"; shifts disagree (SD {spread:.2f}) but every reading is high enough"
        return "urgent", why
    if spread > policy.max_spread:
        return "needs a read", (f"shifted copies of the image disagree: SD {spread:.2f} > "
                                f"{policy.max_spread:.2f}; p={p:.2f}")
    if p >= policy.routine_below:
        return "needs a read", (f"uncertain: p={p:.2f} between {policy.routine_below:.2f} and "
                                f"{policy.urgent_at:.2f}")
    return "routine", f"p={p:.2f} < {policy.routine_below:.2f}, shifts agree (SD {spread:.2f})"


def worklist(studies: Sequence[str], probability: np.ndarray, spread: np.ndarray,
             policy: TriagePolicy | None = None) -> pd.DataFrame:
    """Order ``studies`` for reading.

    Returns a frame with ``rank, study, probability, spread, tier, why`` in reading order.
    """
    policy = policy or TriagePolicy()
    probability = np.asarray(probability, dtype=float)
    spread = np.asarray(spread, dtype=float)
    if not len(studies) == len(probability) == len(spread):
        raise ValueError(f"studies, probability and spread must have one entry each; got "
                         f"{len(studies)}, {len(probability)}, {len(spread)}")
    rows = []
    for study, p, s in zip(studies, probability, spread):
        tier, why = _place(float(p), float(s), policy)
        # sort key within tier: urgent/routine by p (high first); unsure by closeness to 0.5
        key = -p if tier != "needs a read" else (abs(p - 0.5) - s)
        rows.append({"study": study, "probability": float(p), "spread": float(s), "tier": tier,
                     "why": why, "_tier": _TIERS.index(tier), "_key": float(key)})
    frame = pd.DataFrame(rows, columns=["study", "probability", "spread", "tier", "why", "_tier",
                                        "_key"])
    frame = frame.sort_values(["_tier", "_key", "study"], kind="mergesort")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame.drop(columns=["_tier", "_key"]).reset_index(drop=True)
