"""Pipelines shared by the NLP tests: medspaCy takes ~10 s to import, so build them once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def attributor():
    pytest.importorskip("medspacy")
    from osler.nlp.context import ContextAttributor

    return ContextAttributor("osler")


@pytest.fixture(scope="session")
def extractor():
    pytest.importorskip("medspacy")
    from osler.nlp.concepts import ConceptExtractor

    return ConceptExtractor("osler")
