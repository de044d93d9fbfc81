"""The demo puts the concepts of its synthetic notes into the timeline."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow
# Imported at collection, as the NLP tests do: spaCy's import warns (a Click deprecation).
pytest.importorskip("medspacy")


def test_the_demo_stores_the_concepts_of_its_synthetic_notes(tmp_path):
    from osler.pipelines.demo import run_demo
    from osler.store import open_store

    result = run_demo(tmp_path / "demo", n_patients=12, seed=3, train=False)
    assert any(line.startswith("notes: 12 synthetic notes -> ") for line in result.steps)
    with open_store(result.db, read_only=True) as store:
        rows = store.query("SELECT verification, category FROM condition_occurrence "
                           "WHERE source_record LIKE 'nlp:%'")
    assert {r["verification"] for r in rows} >= {"confirmed", "refuted"}
    assert {r["category"] for r in rows} <= {"note-mention", "note-mention-history"}
