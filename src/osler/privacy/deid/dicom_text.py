"""Free text kept in DICOM headers, de-identified as ``deid text`` de-identifies a note.

The descriptions the Clean Descriptors Option keeps (StudyDescription, SeriesDescription,
ProtocolName ...), a structured report's TEXT values and a local code's meaning are read for
PHI with the file's own names known, and each mention is replaced as in the patient's notes
under the same key and profile: with the ``surrogate`` profile a name gets the stand-in the
patient's notes, FHIR and PatientName give it (a clinician's name the key's alone, as a FHIR
Practitioner's), a date moves by the patient's offset; with ``tag``, ``[TYPE]`` tags.

A header joins words with "^" and "_" ("QUIXMOOR^ZEBULON", "QUIXMOOR_HEAD"): the detector
reads a copy with them as spaces, and a name's stand-in is given word by word between them,
so that the joiners stay and each word reads as it does in PatientName. A stand-in is not the
length of what it replaces: a value longer than its VR allows (LO 64 characters ...) is cut to
the limit, which cuts a stand-in, never what was found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from osler.privacy.deid.clinicians import clinician_words
from osler.privacy.deid.detect import detect_phi
from osler.privacy.deid.spans import PhiSpan, merge_spans
from osler.privacy.deid.text import clinician_scope, identifier_mentions, replace_phi
from osler.privacy.keys import DeidKey

__all__ = ["clean_header_text", "fit_to_vr"]

# Words a name is joined to in codes and labels ("QUIXMOOR_HEAD", "QUIXMOOR^ZEBULON").
_JOINERS = re.compile(r"[_^]")
# PS3.5 Table 6.2-1: the most characters a value of each text VR may hold (UT, UC: no limit).
_MAX_LENGTH = {"SH": 16, "LO": 64, "ST": 1024, "LT": 10240}


def clean_header_text(value: str, key: DeidKey, patient: str, *, vr: str = "UT",
                      profile: str = "surrogate", known: dict[str, str] | None = None,
                      identifiers: Sequence[str] = (), staff: frozenset[str] = frozenset(),
                      laypeople: frozenset[str] = frozenset()) -> str:
    """``value`` with its PHI replaced as ``deid text`` replaces a note's.

    ``patient`` keys the stand-ins and the date shift (the file's PatientID, as a note's
    "patient"); ``known``: words of the file's names (see :func:`detect_phi`);
    ``identifiers``: the patient's identifiers, found wherever the text repeats them;
    ``staff``: lower-case words of the file's clinicians' names, whose stand-ins are the
    key's alone, as are those of a name the text itself writes as a clinician's ("Dr ...")
    unless its words are in ``laypeople`` (the patient's and family's names).

    >>> k = DeidKey(b"k" * 32)
    >>> clean_header_text("CT HEAD for QUIXMOOR^ZEBULON", k, "p1", vr="LO", profile="tag",
    ...                   known={"quixmoor": "NAME", "zebulon": "NAME"})
    'CT HEAD for [NAME]^[NAME]'
    >>> out = clean_header_text("QUIXMOOR_HEAD", k, "p1", known={"quixmoor": "NAME"})
    >>> out.endswith("_HEAD") and "QUIXMOOR" not in out
    True
    """
    spaced = _JOINERS.sub(" ", value)   # same offsets: the spans fit the original
    spans = detect_phi(spaced, known=known or None)
    if identifiers:
        spans = merge_spans([*spans, *identifier_mentions(value, identifiers)])
    if profile != "tag":
        spans = _split_at_joiners(value, spans)
    scope_of = clinician_scope(staff | (clinician_words([spaced]) - laypeople), patient)
    out = replace_phi(value, spans, key, patient=patient, profile=profile, scope_of=scope_of)
    return fit_to_vr(out.text, vr)


def _split_at_joiners(value: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with each name cut into its words between "^" and "_", so that
    "QUIXMOOR^ZEBULON" gets the stand-ins of "QUIXMOOR" and "ZEBULON" with its "^" kept."""
    out = []
    for span in spans:
        if span.type != "NAME" or not _JOINERS.search(value, span.start, span.end):
            out.append(span)
            continue
        for m in re.finditer(r"[^_^]+", value[span.start:span.end]):
            if m.group().strip():
                out.append(PhiSpan(span.start + m.start(), span.start + m.end(), span.type))
    return out


def fit_to_vr(value: str, vr: str) -> str:
    """``value`` cut to the most characters ``vr`` allows (a stand-in may be longer than what
    it replaced; pydicom would write the value over the limit, with a warning).

    >>> fit_to_vr("x" * 70, "LO") == "x" * 64, fit_to_vr("x" * 70, "UT") == "x" * 70
    (True, True)
    """
    limit = _MAX_LENGTH.get(vr)
    return value if limit is None or len(value) <= limit else value[:limit].rstrip()
