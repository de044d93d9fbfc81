"""Span-level evaluation of text de-identification on the PhysioNet deid gold standard.

The corpus (Neamatullah et al. 2008) is read at run time from its folder and never copied.
Notes are split by patient, deterministically, into a tuning part and a held-out part.
A gold span counts as found when any predicted span overlaps it; a predicted span is correct
when it overlaps any gold span.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from osler.errors import DataError
from osler.privacy.deid.spans import PhiSpan

__all__ = ["NAME_TYPES", "GoldNote", "SpanScores", "heldout_part", "read_physionet_deid",
           "residual_phi", "score_spans", "split_of"]

_RECORD = re.compile(r"START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\n(.*?)\|\|\|\|END_OF_RECORD",
                     re.S)
#: The corpus's name types (clinicians, patients, relatives).
NAME_TYPES = frozenset({"HCPName", "PTName", "PTNameInitial", "RelativeProxyName"})


@dataclass(frozen=True)
class GoldNote:
    """One note with its gold PHI spans (types as the corpus names them)."""

    patient: str
    note: str
    text: str
    phi: tuple[PhiSpan, ...]


def split_of(patient: str, heldout_share: float = 0.5) -> str:
    """``'heldout'`` or ``'tune'`` for a patient, from a hash of the id (stable everywhere)."""
    h = int.from_bytes(hashlib.blake2b(f"deid-split:{patient}".encode(), digest_size=8).digest(),
                       "big")
    return "heldout" if (h % 1000) < heldout_share * 1000 else "tune"


def heldout_part(patient: str) -> str:
    """``'read'`` (about 2/5) or ``'score'`` for a held-out patient, from a hash of the id.

    From round 4 on, errors are read on the "read" part only, to write rules from notes they
    were not fitted to; the "score" part is only ever scored (``deid_physionet.py --part``).
    """
    h = int.from_bytes(hashlib.blake2b(f"deid-read-score:{patient}".encode(),
                                       digest_size=8).digest(), "big")
    return "read" if h % 5 < 2 else "score"


def read_physionet_deid(folder: str | Path, split: str | None = None) -> list[GoldNote]:
    """Notes of ``id_dev.text`` with spans of ``id-phi_dev.phrase``; ``split`` filters."""
    folder = Path(folder)
    text_file, phrase_file = folder / "id_dev.text", folder / "id-phi_dev.phrase"
    for f in (text_file, phrase_file):
        if not f.is_file():
            raise DataError(f"deid corpus: {f} is missing")
    gold: dict[tuple[str, str], list[PhiSpan]] = {}
    for n, line in enumerate(phrase_file.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split(" ", 5)
        if len(parts) < 5:
            raise DataError(f"deid corpus: {phrase_file.name} line {n}: expected "
                            "'patient note start end TYPE text'")
        gold.setdefault((parts[0], parts[1]), []).append(
            PhiSpan(int(parts[2]), int(parts[3]), parts[4]))
    notes = []
    for m in _RECORD.finditer(text_file.read_text(encoding="utf-8")):
        patient, note, text = m.groups()
        if split is None or split_of(patient) == split:
            notes.append(GoldNote(patient, note, text, tuple(gold.get((patient, note), ()))))
    return notes


@dataclass(frozen=True)
class SpanScores:
    """Counts behind recall (by gold type) and precision (by predicted type)."""

    gold_found: Counter
    gold_total: Counter
    pred_correct: Counter
    pred_total: Counter

    def recall(self, phi_type: str | None = None) -> float:
        found = self.gold_found[phi_type] if phi_type else sum(self.gold_found.values())
        total = self.gold_total[phi_type] if phi_type else sum(self.gold_total.values())
        return found / total if total else float("nan")

    def precision(self, phi_type: str | None = None) -> float:
        ok = self.pred_correct[phi_type] if phi_type else sum(self.pred_correct.values())
        total = self.pred_total[phi_type] if phi_type else sum(self.pred_total.values())
        return ok / total if total else float("nan")

    def rows(self) -> list[dict[str, object]]:
        """One row per gold type, per predicted type, and overall."""
        out: list[dict[str, object]] = [
            {"side": "gold", "type": t, "n": self.gold_total[t], "recall": self.recall(t)}
            for t in sorted(self.gold_total)]
        out += [{"side": "predicted", "type": t, "n": self.pred_total[t],
                 "precision": self.precision(t)} for t in sorted(self.pred_total)]
        out.append({"side": "overall", "type": "all", "n": sum(self.gold_total.values()),
                    "recall": self.recall(), "precision": self.precision()})
        return out


def _overlaps(a: PhiSpan, b: PhiSpan) -> bool:
    return a.start < b.end and b.start < a.end


def score_spans(notes: Iterable[GoldNote],
                predict: Callable[[str], list[PhiSpan]]) -> SpanScores:
    """Score a detector (text -> spans) against the gold spans of ``notes``."""
    gf, gt, pc, pt = Counter(), Counter(), Counter(), Counter()
    for note in notes:
        predicted = predict(note.text)
        for g in note.phi:
            gt[g.type] += 1
            gf[g.type] += any(_overlaps(g, p) for p in predicted)
        for p in predicted:
            pt[p.type] += 1
            pc[p.type] += any(_overlaps(g, p) for g in note.phi)
    return SpanScores(gf, gt, pc, pt)


def residual_phi(note: GoldNote, deidentified: str, types: frozenset[str] | None = None
                 ) -> list[str]:
    """Gold PHI types (never the strings) still present, as whole words, after de-id."""
    left = []
    for g in note.phi:
        if types is not None and g.type not in types:
            continue
        value = note.text[g.start:g.end].strip()
        if len(value) >= 2 and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", deidentified, re.I):
            left.append(g.type)
    return left
