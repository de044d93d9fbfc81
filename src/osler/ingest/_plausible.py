"""Readings no living patient can have, per PhysioNet/CinC 2019 and 2012 variable: one table of
limits for both challenges (``resources/physionet/plausible.tsv``, with the basis of each bound)
and :func:`outside_limits`, which names such readings by file, line and variable, never the
value (a pH of 735 is 7.35 with its point lost; a heart rate of -50 a sign slip).

The readings are only named here: whether a task reads them as missing or as given is the
task's choice, the same in training and in scoring. The sepsis and icu-mortality tasks use
them as given and warn (reading them as missing would change the models trained on the
challenge files, which hold a few such readings: 22 in the sepsis set B dev split, 141 in
icu-mortality set a, most of them failed temperature probes read as 0 C or -17.8 C).
"""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = ["outside_limits", "plausible_limits"]


@lru_cache(maxsize=1)
def plausible_limits() -> dict[str, tuple[float, float]]:
    """Variable -> closed (low, high) range a living patient's reading lies in; high is
    ``inf`` where the table gives none."""
    from osler.resources import load_tsv

    return {r["variable"]: (float(r["low"]), float(r["high"]) if r["high"] else math.inf)
            for r in load_tsv("physionet/plausible.tsv", {"variable", "low", "high"})}


@lru_cache(maxsize=2)
def _names(challenge: str) -> dict[tuple, str]:
    from osler.ingest.physionet import _codings

    return {(c.system, c.code, c.display): variable
            for variable, (c, _unit, _cat) in _codings(challenge).items()}


def outside_limits(record, challenge: str) -> list[str]:
    """One note per reading of ``record`` (a PhysioNet ``challenge`` '2019' or '2012' stay)
    outside :func:`plausible_limits`: ``'file F line L: VAR outside LOW to HIGH'``."""
    from osler.record import EventKind

    names, limits = _names(challenge), plausible_limits()
    out = []
    for e in record.events:
        if e.kind is not EventKind.OBSERVATION or e.value is None or e.coding is None:
            continue
        variable = names.get((e.coding.system, e.coding.code, e.coding.display))
        if variable not in limits:
            continue
        low, high = limits[variable]
        if not low <= float(e.value.value) <= high:
            where = f" line {e.provenance.line}" if e.provenance.line is not None else ""
            top = f"{high:g}" if high != math.inf else "no upper bound"
            out.append(f"file {e.provenance.source}{where}: {variable} outside {low:g} to {top}")
    return out
