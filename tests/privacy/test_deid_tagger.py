"""The learned PHI tagger, on synthetic notes only (names from Faker-like lists, made-up places)."""

from __future__ import annotations

import gzip
import itertools
import json
import random
import string

import numpy as np
import pytest

from osler.errors import DataError, NotFittedError
from osler.privacy.deid import detect_phi
from osler.privacy.deid.detect import bundled_tagger, rule_layers
from osler.privacy.deid.features import (note_features, note_parts, public_feature,
                                         public_vocabulary, tokenize)
from osler.privacy.deid.spans import PhiSpan
from osler.privacy.deid.tagger import PhiTagger, _forward_backward

_SURNAMES = ["Quimby", "Przybylo", "Lindqvist", "Okafor", "Vantreese", "Ashgrove", "Kowalczyk",
             "Delacroix", "Brannigan", "Tsiolkas", "Mbeki", "Haverford"]
_FIRST = ["Janet", "Rob", "Marisol", "Terrence", "Agnieszka", "Declan", "Priya", "Ulrich"]
_PLACES = ["Lochmoor", "Fennick Falls", "Ashby Ridge", "Corvallan", "Merriton"]
_TEMPLATES = [
    "Pt seen by Dr. {s} this am. BP 120/80, HR 88. Plan: continue lasix.",
    "Wife {f} called, updated on plan. Pt resting comfortably, afebrile.",
    "Transferred from {p} Hospital for cath. Lungs clear, abd soft.",
    "{f} {s} RN aware of K 3.1, repleted. UO adequate.",
    "Son {f} at bedside, lives in {p}. Pt oriented x3.",
    "Neuro: alert. Resp: lungs coarse, suctioned for thick secretions. Dr. {s} notified.",
]


def _notes(n: int, seed: int) -> tuple[list[str], list[list[PhiSpan]]]:
    rng = random.Random(seed)
    texts, golds = [], []
    for _ in range(n):
        template = rng.choice(_TEMPLATES)
        values = {"s": rng.choice(_SURNAMES), "f": rng.choice(_FIRST), "p": rng.choice(_PLACES)}
        text, gold = "", []
        for literal, field, _spec, _conv in string.Formatter().parse(template):
            text += literal
            if field:
                start = len(text)
                text += values[field]
                gold.append(PhiSpan(start, len(text), "Location" if field == "p" else "HCPName"))
        texts.append(text)
        golds.append(gold)
    return texts, golds


@pytest.fixture(scope="module")
def fitted() -> PhiTagger:
    pytest.importorskip("pycrfsuite")
    texts, golds = _notes(80, seed=1)
    return PhiTagger(max_iterations=40, threshold=0.3).fit(
        texts, golds, [rule_layers(t) for t in texts])


def test_tagger_learns_synthetic_names_and_places(fitted):
    texts, golds = _notes(20, seed=2)
    found = total = 0
    for text, gold in zip(texts, golds):
        predicted = fitted.predict(text, rule_layers(text))
        total += len(gold)
        found += sum(any(p.start < g.end and g.start < p.end for p in predicted) for g in gold)
    assert found / total >= 0.9
    assert set(fitted.labels_) >= {"O", "NAME", "LOCATION"}


def test_save_and_load_give_the_same_marginals(fitted, tmp_path):
    text = "Dr. Vantreese aware. Transferred from Merriton Hospital on 3/14."
    layers = rule_layers(text)
    again = PhiTagger.load(fitted.save(tmp_path / "m.json.gz"))
    np.testing.assert_allclose(again.marginals(text, layers)[1],
                               fitted.marginals(text, layers)[1], atol=1e-4)
    assert (again.threshold, again.union_rules) == (fitted.threshold, fitted.union_rules)
    assert detect_phi(text, tagger=tmp_path / "m.json.gz") == detect_phi(text, tagger=again)


def test_fast_emissions_equal_the_feature_strings(fitted):
    text = "Son Declan at bedside, lives in Ashby Ridge. Dr. Okafor paged x2."
    layers = rule_layers(text)
    tokens = tokenize(text)
    slow = np.zeros((len(tokens), len(fitted.labels_)))
    for i, feats in enumerate(note_features(text, tokens, layers)):
        for attr in feats:
            if attr in fitted.feature_index_:
                slow[i] += fitted.weights_[fitted.feature_index_[attr]]
    np.testing.assert_allclose(fitted._emissions(note_parts(text, tokens, layers)), slow)


def test_forward_backward_matches_brute_force():
    rng = np.random.default_rng(0)
    emission, transitions = rng.normal(size=(4, 3)), rng.normal(size=(3, 3))
    paths = list(itertools.product(range(3), repeat=4))
    weight = np.array([np.exp(sum(emission[t, p[t]] for t in range(4))
                              + sum(transitions[p[t], p[t + 1]] for t in range(3)))
                       for p in paths])
    expected = np.zeros((4, 3))
    for w, p in zip(weight, paths):
        for t in range(4):
            expected[t, p[t]] += w
    np.testing.assert_allclose(_forward_backward(emission, transitions),
                               expected / weight.sum(), rtol=1e-9)


def test_unfitted_bad_threshold_and_bad_files(tmp_path):
    with pytest.raises(NotFittedError):
        PhiTagger().predict("text", {})
    with pytest.raises(DataError, match="'threshold' parameter"):
        PhiTagger(threshold=1.5).fit(["a"], [[]], [{}])
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(gzip.compress(json.dumps({"format": "other", "extra": 1}).encode()))
    with pytest.raises(DataError, match="expected format"):
        PhiTagger.load(bad)
    (tmp_path / "junk.gz").write_bytes(b"not gzip")
    with pytest.raises(DataError, match="not a gzipped JSON model"):
        PhiTagger.load(tmp_path / "junk.gz")


def test_a_model_with_a_note_word_as_a_feature_is_not_saved(fitted, tmp_path):
    leaky = PhiTagger.load(fitted.save(tmp_path / "ok.json.gz"))
    leaky.feature_index_ = {**leaky.feature_index_, "w=vantreese": len(leaky.feature_index_)}
    leaky.weights_ = np.vstack([leaky.weights_, np.ones(len(leaky.labels_))])
    with pytest.raises(DataError, match="outside the public vocabulary") as err:
        leaky.save(tmp_path / "leaky.json.gz")
    assert "vantreese" not in str(err.value)


def test_feature_audit_accepts_shapes_and_public_words_only():
    assert public_feature("-1:w=wife") and public_feature("sh=Xx") and public_feature("bias")
    assert public_feature("names=NAME|caps") and public_feature("2:lex=cn|title")
    for leak in ("w=vantreese", "left=przybylo", "sh=Quimby", "p=ab", "names=Quimby", "x=y"):
        assert not public_feature(leak), leak
    assert "wife" in public_vocabulary() and "vantreese" not in public_vocabulary()


def test_bundled_model_holds_public_features_only():
    model = bundled_tagger()
    assert model.feature_index_ and all(map(public_feature, model.feature_index_))
    assert 0 < model.threshold < 1


def test_tags_from_an_earlier_pass_are_not_tokens():
    assert [t.word for t in tokenize("Seen by Dr. [NAME] on [DATE].")] == [
        "Seen", "by", "Dr", ".", "on", "."]


def test_tagged_note_offsets_map_back_to_the_original():
    from osler.privacy.deid.detect import _tag_text, _to_original

    text = "ab Quimby cd 3/14 ef"
    tagged, pieces = _tag_text(text, [PhiSpan(3, 9, "NAME"), PhiSpan(13, 17, "DATE")])
    assert tagged == "ab [NAME] cd [DATE] ef"
    for start, end, original in [(0, 2, "ab"), (3, 9, "Quimby"), (10, 12, "cd"), (13, 19, "3/14"),
                                 (20, 22, "ef"), (4, 12, "Quimby cd"), (0, 22, text)]:
        span = _to_original(PhiSpan(start, end, "NAME"), pieces)
        assert text[span.start:span.end] == original


def test_a_lower_name_threshold_only_adds_names_and_is_saved(fitted, tmp_path):
    texts, _golds = _notes(10, seed=3)
    for text in texts:
        tokens, probs = fitted.marginals(text, rule_layers(text))
        plain = fitted.spans(text, tokens, probs, 0.9)
        more = fitted.spans(text, tokens, probs, 0.9, name_threshold=0.01)
        # Spans may grow by merging, never vanish; what is new is a name.
        assert all(any(m.start <= p.start and p.end <= m.end for m in more) for p in plain)
        assert {s.type for s in more if s not in plain} <= {"NAME"}
    named = PhiTagger.load(fitted.save(tmp_path / "a.json.gz"))
    named.name_threshold = 0.05
    assert PhiTagger.load(named.save(tmp_path / "b.json.gz")).name_threshold == 0.05
    old = json.loads(gzip.decompress((tmp_path / "a.json.gz").read_bytes()))
    del old["params"]["name_threshold"]  # a model file written before the name threshold
    (tmp_path / "old.json.gz").write_bytes(gzip.compress(json.dumps(old).encode()))
    assert PhiTagger.load(tmp_path / "old.json.gz").name_threshold is None


def test_choice_is_scored_on_the_chosen_notes_only():
    pytest.importorskip("pycrfsuite")
    from osler.privacy.deid.evaluate import GoldNote
    from osler.privacy.deid.learn import train_tagger

    texts, golds = _notes(40, seed=4)
    notes = [GoldNote(f"p{i % 8}", str(i), t, tuple(g)) for i, (t, g) in
             enumerate(zip(texts, golds))]
    none = train_tagger(notes, inner_folds=2, max_iterations=20, threshold=0.42,
                        choose_on=lambda n: False)
    assert (none.threshold, none.union_rules, none.name_threshold) == (0.42, False, None)
    chosen = train_tagger(notes, inner_folds=2, max_iterations=20,
                          choose_on=lambda n: n.patient != "p0")
    assert chosen.threshold in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6)
