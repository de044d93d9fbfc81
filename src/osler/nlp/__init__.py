"""Clinical NLP: sentences, sections, concepts and their assertions (negation, temporality,
experiencer), on medspaCy with rules kept as versioned data.

spaCy and medspaCy are imported only when a pipeline is built (extra ``nlp``).
"""

from osler.nlp.concepts import ConceptExtractor, Mention
from osler.nlp.context import Assertion, ContextAttributor, assertion_of, build_pipeline
from osler.nlp.timeline import annotate_record, concept_features, mention_events

__all__ = [
    "Assertion",
    "ConceptExtractor",
    "ContextAttributor",
    "Mention",
    "annotate_record",
    "assertion_of",
    "build_pipeline",
    "concept_features",
    "mention_events",
]
