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


@pytest.fixture(scope="session")
def attributes(attributor):
    """(negation, temporality, experiencer) of one concept in one sentence."""
    def three(concept, sentence):
        (a,) = attributor.attribute([(concept, sentence)])
        return a.negation, a.temporality, a.experiencer
    return three
