"""A learned PHI token tagger: a linear-chain CRF over shapes, public lexicons and rule outputs.

Training uses python-crfsuite (``pip install 'osler[nlp]'``); tagging needs numpy only: the
weights are read from a gzipped JSON file and decoded here (forward-backward), so the model can
be audited as text. Features never carry a word outside the public vocabulary
(:mod:`osler.privacy.deid.features`), so the file holds no word of the training notes.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from osler._extras import require
from osler.errors import DataError, NotFittedError
from osler.privacy.deid.features import (NoteParts, Token, gold_labels, neighbour_features,
                                         note_features, note_parts, own_features,
                                         public_feature, tokenize)
from osler.privacy.deid.spans import PhiSpan, merge_spans

__all__ = ["COARSE_TYPES", "FORMAT", "PhiTagger"]

FORMAT = "osler-phi-tagger/1"
#: Gold types of the PhysioNet deid corpus, folded into Osler's PHI types.
COARSE_TYPES = {"HCPName": "NAME", "PTName": "NAME", "PTNameInitial": "NAME",
                "RelativeProxyName": "NAME", "Location": "LOCATION", "Date": "DATE",
                "DateYear": "DATE", "Phone": "PHONE", "Other": "ID", "Age": "AGE"}
_KEYS = {"format", "labels", "threshold", "params", "transitions", "features", "trained_on"}


class PhiTagger:
    """Token-level PHI tagger; a token is PHI when P(not "O") reaches ``threshold``.

    Parameters
    ----------
    c1, c2 : float
        L1 and L2 penalties of the CRF (crfsuite's L-BFGS trainer).
    max_iterations : int
        L-BFGS iterations.
    threshold : float
        Probability of "some PHI type" above which a token is redacted; below 0.5 trades
        precision for recall ("a missed name matters more than a redacted word").
    union_rules : bool or 'names'
        Keep the rules' own name and place spans beside the tagger's (``True``), their names
        only (``'names'``), or neither (``False``).
    name_threshold : float, optional
        A lower bar for names alone: a token whose P("NAME") reaches it is a name even when
        P(not "O") is below ``threshold`` (a missed name costs more than a missed place).

    Examples
    --------
    >>> tagger = PhiTagger(threshold=0.3)
    >>> tagger.threshold
    0.3
    """

    def __init__(self, c1: float = 0.05, c2: float = 0.05, max_iterations: int = 150,
                 threshold: float = 0.35, union_rules: bool | str = False,
                 name_threshold: float | None = None) -> None:
        self.c1 = c1
        self.c2 = c2
        self.max_iterations = max_iterations
        self.threshold = threshold
        self.union_rules = union_rules
        self.name_threshold = name_threshold

    # -- training ----------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], spans: Sequence[Sequence[PhiSpan]],
            rules: Sequence[dict[str, list[PhiSpan]]]) -> PhiTagger:
        """Learn from notes, their gold spans (corpus types) and the rule layers of each note."""
        if not 0 < self.threshold < 1:
            raise DataError(f"The 'threshold' parameter must be in (0, 1); got {self.threshold!r}")
        if not (len(texts) == len(spans) == len(rules)) or not texts:
            raise DataError("fit needs as many gold span lists and rule layers as notes (>= 1); "
                            f"got {len(texts)} notes, {len(spans)} span lists, {len(rules)} layers")
        crfsuite = require("pycrfsuite", "nlp")
        trainer = crfsuite.Trainer(verbose=False)
        for text, gold, layers in zip(texts, spans, rules):
            tokens = tokenize(text)
            if tokens:
                trainer.append(note_features(text, tokens, layers),
                               gold_labels(tokens, gold, COARSE_TYPES))
        trainer.set_params({"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations,
                            "feature.possible_transitions": True})
        with tempfile.TemporaryDirectory() as tmp:
            model = str(Path(tmp) / "model.crfsuite")
            trainer.train(model)
            tagger = crfsuite.Tagger()
            tagger.open(model)
            info = tagger.info()
            tagger.close()
        self._set_weights(info.transitions, info.state_features)
        self.trained_on_ = len(texts)
        return self

    def _set_weights(self, transitions: dict, state_features: dict) -> None:
        labels = sorted({lab for pair in transitions for lab in pair}
                        | {lab for _attr, lab in state_features} | {"O"})
        index = {lab: k for k, lab in enumerate(labels)}
        trans = np.zeros((len(labels), len(labels)))
        for (a, b), w in transitions.items():
            trans[index[a], index[b]] = w
        features: dict[str, np.ndarray] = {}
        for (attr, lab), w in state_features.items():
            features.setdefault(attr, np.zeros(len(labels)))[index[lab]] = w
        self.labels_ = tuple(labels)
        self.transitions_ = trans
        self.feature_index_ = {attr: k for k, attr in enumerate(sorted(features))}
        self.weights_ = (np.array([features[a] for a in sorted(features)])
                         if features else np.zeros((0, len(labels))))

    # -- tagging -----------------------------------------------------------------------------
    def _check(self) -> None:
        if not hasattr(self, "weights_"):
            raise NotFittedError("This PhiTagger is not fitted yet; call fit() or load() first")

    def marginals(self, text: str, rules: dict[str, list[PhiSpan]]
                  ) -> tuple[list[Token], np.ndarray]:
        """Tokens of ``text`` and P(label) per token (rows) over ``labels_`` (columns)."""
        self._check()
        tokens = tokenize(text)
        if not tokens:
            return tokens, np.zeros((0, len(self.labels_)))
        emission = self._emissions(note_parts(text, tokens, rules))
        return tokens, _forward_backward(emission, self.transitions_)

    def _vector(self, features) -> np.ndarray:
        index = self.feature_index_
        rows = [k for k in map(index.get, features) if k is not None]
        return self.weights_[rows].sum(axis=0) if rows else self._zero

    def _cached(self, key: tuple) -> np.ndarray:
        """Summed weights of a word's own part (``(word, hits, case)``) or of what a
        neighbour at offset d contributes (``(d, word, hits)``; ``(d,)``: beyond the note)."""
        vec = self._cache.get(key)
        if vec is None:
            if isinstance(key[0], str):
                features = own_features(*key)
            elif len(key) > 1:
                features = [f"{key[0]}:{x}" for x in (*neighbour_features(key[1]), *key[2])]
            else:
                features = [f"{key[0]}:edge"]
            vec = self._cache[key] = self._vector(features)
        return vec

    def _emissions(self, parts: NoteParts) -> np.ndarray:
        """The same sums as over :func:`note_features`, with each word's part computed once."""
        if not hasattr(self, "_cache") or len(self._cache) > 200_000:
            self._cache: dict[tuple, np.ndarray] = {}
            self._zero = np.zeros(len(self.labels_))
        words, hits, n = parts.words, parts.hits, len(parts.words)
        keys = []
        for i in range(n):
            keys.append((words[i], hits[i], parts.case))
            for d in (-2, -1, 1, 2):
                j = i + d
                keys.append((d, words[j], hits[j]) if 0 <= j < n else (d,))
        cached = self._cached
        out = np.array([cached(k) for k in keys]).reshape(n, 5, -1).sum(axis=1)
        index = self.feature_index_
        rows, cols = [], []
        for i, extra in enumerate(parts.extra):
            for k in map(index.get, extra):
                if k is not None:
                    rows.append(i)
                    cols.append(k)
        if cols:
            np.add.at(out, np.array(rows), self.weights_[np.array(cols)])
        return out

    def predict(self, text: str, rules: dict[str, list[PhiSpan]],
                threshold: float | None = None) -> list[PhiSpan]:
        """PHI spans of ``text`` by the tagger alone (tokens over the thresholds, joined)."""
        tokens, probs = self.marginals(text, rules)
        return self.spans(text, tokens, probs, self.threshold if threshold is None else threshold,
                          self.name_threshold)

    def spans(self, text: str, tokens: list[Token], probs: np.ndarray, threshold: float,
              name_threshold: float | None = None) -> list[PhiSpan]:
        """Spans from marginals: a token is PHI of its likeliest non-"O" type when P(not "O")
        reaches ``threshold``, and a name when P("NAME") reaches ``name_threshold``."""
        if not tokens:
            return []
        o = self.labels_.index("O")
        phi = probs.copy()
        phi[:, o] = -1.0
        best = phi.argmax(axis=1)
        name = self.labels_.index("NAME") if "NAME" in self.labels_ else None
        out = []
        for i, t in enumerate(tokens):
            if 1.0 - probs[i, o] >= threshold:
                out.append(PhiSpan(t.start, t.end, self.labels_[best[i]]))
            elif name is not None and name_threshold is not None and probs[i, name] >= name_threshold:
                out.append(PhiSpan(t.start, t.end, "NAME"))
        return merge_spans(out, text)

    # -- persistence -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The fitted model as plain JSON-able data (weights rounded to 1e-5)."""
        self._check()
        names = sorted(self.feature_index_, key=self.feature_index_.get)
        return {"format": FORMAT, "labels": list(self.labels_), "threshold": self.threshold,
                "params": {"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations,
                           "union_rules": self.union_rules,
                           "name_threshold": self.name_threshold},
                "trained_on": self.trained_on_,
                "transitions": np.round(self.transitions_, 5).tolist(),
                "features": {a: np.round(self.weights_[self.feature_index_[a]], 5).tolist()
                             for a in names}}

    def save(self, path: str | Path) -> Path:
        """Write the model as gzipped JSON (deterministic bytes for the same weights)."""
        path = Path(path)
        model = self.to_dict()
        leaks = [a for a in model["features"] if not public_feature(a)]
        if leaks:  # never name them: they could be words of the training notes
            raise DataError(f"Refusing to save a PHI tagger with {len(leaks)} features outside "
                            "the public vocabulary, shapes and flags")
        data = json.dumps(model, sort_keys=True, separators=(",", ":")).encode()
        with open(path, "wb") as fh, gzip.GzipFile("", "wb", fileobj=fh, mtime=0) as gz:
            gz.write(data)
        return path

    @classmethod
    def load(cls, path: str | Path) -> PhiTagger:
        """Read a model written by :meth:`save`; unknown keys or another format are refused."""
        path = Path(path)
        try:
            data = json.loads(gzip.decompress(path.read_bytes()))
        except (OSError, ValueError) as exc:
            raise DataError(f"PHI tagger model {path}: not a gzipped JSON model ({exc})") from exc
        unknown = set(data) - _KEYS
        if unknown or data.get("format") != FORMAT:
            raise DataError(f"PHI tagger model {path}: expected format {FORMAT!r} with keys "
                            f"{sorted(_KEYS)}; got format {data.get('format')!r}, unknown keys "
                            f"{sorted(unknown)}")
        params = data["params"]
        model = cls(c1=params["c1"], c2=params["c2"], max_iterations=params["max_iterations"],
                    threshold=data["threshold"], union_rules=params["union_rules"],
                    name_threshold=params.get("name_threshold"))
        labels = data["labels"]
        model.labels_ = tuple(labels)
        model.transitions_ = np.array(data["transitions"], dtype=float)
        names = sorted(data["features"])
        model.feature_index_ = {a: k for k, a in enumerate(names)}
        model.weights_ = (np.array([data["features"][a] for a in names], dtype=float)
                          if names else np.zeros((0, len(labels))))
        model.trained_on_ = data["trained_on"]
        return model


def _forward_backward(emission: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Marginal P(label at t) of a linear-chain CRF (scaled forward-backward)."""
    n, k = emission.shape
    scores = np.exp(emission - emission.max(axis=1, keepdims=True))
    move = np.exp(transitions - transitions.max())
    alpha = np.empty((n, k))
    beta = np.ones((n, k))
    a = scores[0]
    alpha[0] = a / a.sum()
    for t in range(1, n):
        a = (alpha[t - 1] @ move) * scores[t]
        alpha[t] = a / a.sum()
    for t in range(n - 2, -1, -1):
        b = move @ (scores[t + 1] * beta[t + 1])
        beta[t] = b / b.sum()
    marginal = alpha * beta
    return marginal / marginal.sum(axis=1, keepdims=True)
