"""Person names and patient ids in a DICOM dataset, for :mod:`osler.privacy.deid.dicom`.

Which PN values name the patient (their stand-ins scoped by the patient) and which a clinician
(one stand-in for every patient, as a FHIR Practitioner's); the stand-in of a PN value; the
words of a dataset's names, for text de-identification's ``known``; the patient's ids. Split
out of :mod:`osler.privacy.deid.dicom`, which imports them back.
"""

from __future__ import annotations

from typing import Any

from osler.privacy.deid.clinicians import NAME_WORD, name_words_of
from osler.privacy.deid.detect import everyday_words
from osler.privacy.deid.surrogates import surrogate_name
from osler.privacy.deid.visible import visible
from osler.privacy.keys import DeidKey


# PN attributes naming the patient or the patient's family: their stand-ins are the patient's.
_PATIENT_NAMES = frozenset({"PatientName", "OtherPatientNames", "PatientBirthName",
                            "PatientMotherBirthName", "ResponsiblePerson"})
# Concepts (DCM) of a structured report's PNAME item that names the subject, not an observer:
# Subject Name (121029, TID 1007) and Mother of fetus (121036, TID 1008).
_SUBJECT_NAME_CONCEPTS = frozenset({"121029", "121036"})


def _names_patient(item: Any, elem: Any, run: Any) -> bool:
    """Whether a PN value names the patient (or the patient's family), whose stand-in is
    scoped by the patient; any other (a VerifyingObserverName, a report's Person Observer
    Name) names a clinician, whose stand-in is the same for every patient, as a FHIR
    Practitioner.name's is and as that clinician's name in any other patient's files.
    A report's PNAME item names the patient when its concept is the subject's name, or when
    every word of it is a word of the patient's own name."""
    if elem.keyword in _PATIENT_NAMES or _names_subject(item, elem):
        return True
    words = {w.lower() for w in NAME_WORD.findall(visible(str(elem.value or "")))}
    return bool(words) and words <= run.own_names


def _names_subject(item: Any, elem: Any) -> bool:
    """Whether ``elem`` is a report's PNAME item naming the subject (its concept)."""
    concept = (item.get("ConceptNameCodeSequence") or []) if elem.keyword == "PersonName" else []
    return any(str(c.get("CodeValue", "")).strip() in _SUBJECT_NAME_CONCEPTS
               and str(c.get("CodingSchemeDesignator", "")).strip() == "DCM" for c in concept)


def _staff_words(item: Any) -> set[str]:
    """Lower-case words of every name in ``item`` (at any depth) that is no patient's: a
    referring physician's, an operator's, a verifying observer's, a report's observer's."""
    words: set[str] = set()
    for elem in item:
        if elem.VR == "SQ":
            for sub in elem.value:
                words |= _staff_words(sub)
        elif (elem.VR == "PN" and elem.value and elem.keyword not in _PATIENT_NAMES
              and not _names_subject(item, elem)):
            for value in (elem.value if elem.VM > 1 else [elem.value]):
                for group in str(value).split("="):
                    words.update(name_words_of(" ".join(group.split("^")[:3])))
    return words


def _surrogate_person_name(key: DeidKey, value: str, patient: str | None) -> str:
    """A PN value's stand-in: family^given^middle as the notes' and FHIR's stand-ins for the
    same words (prefix and suffix gone), in one alphabetic group. The ideographic and
    phonetic groups after "=" ("Yamada^Tarou=山田^太郎=やまだ^たろう") spell the same person
    and are dropped; when the alphabetic group is empty, the first group written stands in.

    >>> k = DeidKey(b"k" * 32)
    >>> _surrogate_person_name(k, "Yamada^Tarou=山田^太郎=やまだ^たろう", "p") == (
    ...     _surrogate_person_name(k, "Yamada^Tarou", "p"))
    True
    """
    group = next((g for g in value.split("=") if g.strip(" ^")), "")
    parts = group.split("^")[:3]
    return "^".join(surrogate_name(key, p, patient) for p in parts).rstrip("^")


# Elements that hold an identifier of the patient (also inside OtherPatientIDsSequence).
_PATIENT_ID_KEYWORDS = ("PatientID", "OtherPatientIDs")


def _patient_ids(ds: Any) -> tuple[str, ...]:
    """The values of every patient identifier in ``ds`` (PatientID, OtherPatientIDs, the
    OtherPatientIDsSequence's), for :func:`~osler.privacy.deid.text.identifier_mentions`."""
    values: set[str] = set()
    for elem in ds.iterall():
        if elem.keyword in _PATIENT_ID_KEYWORDS and elem.value:
            for v in (elem.value if elem.VM > 1 else [elem.value]):
                if str(v).strip():
                    values.add(str(v).strip())
    return tuple(sorted(values))


def _name_words(ds: Any, only: frozenset[str] | None = None) -> dict[str, str]:
    """Lower-case words of every person name in ``ds`` (the patient, other names, mother's
    birth name, physicians, observers ...) -> "NAME", for :func:`detect_phi`'s ``known``.

    Each of a name's groups (alphabetic, ideographic, phonetic) counts; of its components,
    family, given and middle (a prefix such as "Dr" or a suffix is no one's name). Words of
    two letters, and everyday words in names other than the patient's, do not count: an
    operator 'CT^TECH' or a referrer 'EMERGENCY^DEPARTMENT' would wipe 'CT HEAD EMERGENCY'.
    ``only``: the keywords of the names to read (all by default)."""
    everyday = everyday_words()
    words: dict[str, str] = {}
    for elem in ds.iterall():
        if elem.VR != "PN" or not elem.value or only is not None and elem.keyword not in only:
            continue
        own = elem.keyword in ("PatientName", "OtherPatientNames", "PatientBirthName")
        for value in (elem.value if elem.VM > 1 else [elem.value]):
            for group in str(value).split("="):
                for part in visible(group).split("^")[:3]:   # "JO\u200bHN" is one word
                    words.update((w.lower(), "NAME") for w in NAME_WORD.findall(part)
                                 if len(w) > 2 and (own or w.lower() not in everyday))
    return words


#: What :func:`deidentify_dataset`'s ``dropped`` counts a DICOMDIR PATIENT record of no
#: PatientID under: each study below it keyed by its own StudyInstanceUID.
NO_PATIENT_RECORD = "DICOMDIR patient records with no PatientID"


def study_patient(uid: object) -> str | None:
    """The key of a DICOM object of no PatientID: its StudyInstanceUID's (``None`` for none),
    so that the files of one study share a pseudonym and a date shift, and two studies of
    no known patient do not, as would every such file were they keyed by the empty id.

    >>> study_patient("1.2.3"), study_patient(" "), study_patient(None)
    ('study:1.2.3', None, None)
    """
    uid = str(uid or "").strip()
    return f"study:{uid}" if uid else None


def no_patient_key(ds: Any, fallback: str | None = None) -> str:
    """The pseudonym and date-shift key of a dataset with no PatientID: its study's
    (:func:`study_patient`), else its own SOPInstanceUID's, else ``fallback``'s (a key the
    caller gives the file, e.g. its place under the input folder), else a random one of
    this call alone, so that no two objects of no known patient and no UID share one."""
    import secrets

    key = (study_patient(ds.get("StudyInstanceUID", None))
           or study_patient(ds.get("SOPInstanceUID", None)))
    if key is None and fallback:
        key = f"file:{fallback}"
    return key or f"random:{secrets.token_hex(16)}"
