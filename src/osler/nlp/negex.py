"""The original NegEx/ConText trigger algorithm, as the baseline Osler is measured against.

Triggers are read at run time from the NegEx evaluation folder (``negex_triggers.txt``,
``history_triggers.txt``, ``hypothetical_triggers.txt``, ``experiencer_triggers.txt``); they are
not part of Osler. Tags: PREN/PREP trigger forward, POST/POSP backward (``*P`` = possible),
PSEU blocks a trigger, CONJ ends a scope, ONEW triggers forward over one word only.
Algorithm after Chapman et al. 2001 (NegEx) and Harkema et al. 2009 (ConText): a scope runs from
the trigger to the end of the sentence or to the first CONJ term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from osler.errors import DataError
from osler.nlp.context import Assertion

__all__ = ["NegExBaseline", "read_triggers"]

_TAGS = {"PREN", "PREP", "POST", "POSP", "PSEU", "CONJ", "ONEW"}
_WORDS = re.compile(r"[a-z0-9']+|[^\sa-z0-9']", re.I)


def read_triggers(path: str | Path) -> list[tuple[tuple[str, ...], str]]:
    """``(words, tag)`` for each line ``trigger<TAB><TAB>[TAG]`` of a trigger file."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        phrase, _, tag = line.rpartition("\t")
        tag = tag.strip().strip("[]")
        if tag not in _TAGS:
            raise DataError(f"{Path(path).name} line {n}: tag must be one of {sorted(_TAGS)}; "
                            f"got {tag!r}")
        words = tuple(w.lower() for w in _WORDS.findall(phrase))
        if words:
            out.append((words, tag))
    return sorted(out, key=lambda t: -len(t[0]))  # longest first, as NegEx matches


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    tag: str


def _matches(words: list[str], triggers: list[tuple[tuple[str, ...], str]]) -> list[_Match]:
    taken = [False] * len(words)
    out = []
    for trig, tag in triggers:
        n = len(trig)
        for i in range(len(words) - n + 1):
            if tuple(words[i:i + n]) == trig and not any(taken[i:i + n]):
                taken[i:i + n] = [True] * n
                out.append(_Match(i, i + n, tag))
    return sorted(out, key=lambda m: m.start)


def _modified(matches: list[_Match], c_start: int, c_end: int, kinds: tuple[str, str]) -> bool:
    """Whether a trigger of tag ``kinds[0]`` (forward) or ``kinds[1]`` (backward) reaches the
    concept without a CONJ or another trigger in between."""
    forward, backward = kinds
    for m in matches:
        if m.tag in (forward, "ONEW") and m.end <= c_start:
            if m.tag == "ONEW" and c_start - m.end > 1:
                continue
            between = [x for x in matches if m.end <= x.start < c_start]
            if not any(x.tag == "CONJ" for x in between):
                return True
        if m.tag == backward and m.start >= c_end:
            between = [x for x in matches if c_end <= x.start < m.start]
            if not any(x.tag == "CONJ" for x in between):
                return True
    return False


class NegExBaseline:
    """Assertions from the original trigger lists in ``folder``.

    Parameters
    ----------
    folder : path
        The NegEx evaluation folder holding the four trigger files.
    """

    def __init__(self, folder: str | Path) -> None:
        folder = Path(folder)
        self.negation = read_triggers(folder / "negex_triggers.txt")
        self.history = read_triggers(folder / "history_triggers.txt")
        self.hypothetical = read_triggers(folder / "hypothetical_triggers.txt")
        self.experiencer = read_triggers(folder / "experiencer_triggers.txt")

    def attribute(self, pairs) -> list[Assertion]:
        """One :class:`Assertion` per ``(concept, sentence)``."""
        return [self._one(c, s) for c, s in pairs]

    def _one(self, concept: str, sentence: str) -> Assertion:
        words = [w.lower() for w in _WORDS.findall(sentence)]
        cwords = [w.lower() for w in _WORDS.findall(concept)]
        c_start = next((i for i in range(len(words) - len(cwords) + 1)
                        if words[i:i + len(cwords)] == cwords), 0)
        c_end = c_start + len(cwords) if cwords else len(words)
        span = (c_start, c_end)

        def hit(triggers, kinds=("PREN", "POST")):
            ms = [m for m in _matches(words, triggers) if m.end <= span[0] or m.start >= span[1]]
            return _modified(ms, *span, kinds)

        negation = ("Negated" if hit(self.negation) else
                    "Possible" if hit(self.negation, ("PREP", "POSP")) else "Affirmed")
        temporality = ("Hypothetical" if hit(self.hypothetical) else
                       "Historical" if hit(self.history) else "Recent")
        experiencer = "Other" if hit(self.experiencer) else "Patient"
        return Assertion(negation, temporality, experiencer)
