"""De-identify DICOM headers with the PS3.15 Basic Application Level Confidentiality Profile.

Actions come from ``resources/deid/dicom_basic_profile.tsv`` (Table E.1-1, cited there), with
the Retain Longitudinal Temporal Information with Modified Dates option: dates move by the
same per-patient offset as the patient's notes and FHIR resources, and UIDs are remapped with
the same key, so studies, series and references stay linked. Pixel data are not inspected:
files where burned-in text is common are flagged instead (:func:`burned_in_risk`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from osler._extras import require
from osler.errors import DataError
from osler.privacy.deid.ages import over_89_birth_year
from osler.privacy.deid.dicom_fileset import (DICOMDIR, FileSetError, file_id_target,
                                              file_set_roots, is_dicomdir, original_file_ids,
                                              relinked_dicomdir, root_of)
from osler.privacy.deid.dicom_names import (_PATIENT_NAMES, NO_PATIENT_RECORD, _name_words,
                                            _names_patient, _patient_ids, _staff_words,
                                            _surrogate_person_name, no_patient_key,
                                            study_patient)
from osler.privacy.deid.dicom_text import clean_header_text
from osler.privacy.deid.fhir_dates import shift_date, valid_part
from osler.privacy.deid.text import PROFILES
from osler.privacy.keys import DeidKey, patient_key
from osler.resources import load_tsv

__all__ = ["BURNED_IN_MODALITIES", "DEID_METHOD_CODES", "DicomResult", "INVALID_DATE",
           "SYSTEM_FILES", "burned_in_risk", "deidentify_dataset", "deidentify_dicom_dir",
           "dicom_input_files", "profile_actions"]

#: Modalities whose pixels often carry burned-in identifying text (ultrasound, secondary
#: capture, other, endoscopy, photography, scanned documents, ...).
BURNED_IN_MODALITIES = frozenset({"US", "SC", "OT", "XC", "ES", "GM", "SM", "DOC", "IVUS",
                                  "OP", "XA", "RF", "ECG"})
_ACTIONS = frozenset("DZXKUSC")
# Table E.1-1's compound actions ("X unless Z or D is required to maintain IOD conformance")
# -> the one applied to an attribute the input has: the least removal any IOD allows, as
# Osler does not look up the IOD's module types (the profile file's header says why).
# "U*": a sequence kept with its instance UIDs replaced (its items cleaned by their rows).
_COMPOUND = {"X/Z": "Z", "X/D": "D", "Z/D": "D", "X/Z/D": "D", "X/Z/U*": "U*"}
_PATIENT_AGE = 0x00101010
_BIRTH_DATE = 0x00100030
_PATIENT_ID = 0x00100020
# Secondary Capture Image Storage and its multi-frame kinds (1.2.840.10008.5.1.4.1.1.7.1-4):
# screenshots and scanned pages, where a name or an MRN is often part of the pixels.
_SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
# ImageType values of screen captures ("DERIVED\SECONDARY", GE's "SCREEN SAVE").
_CAPTURED_IMAGE_TYPES = frozenset({"SECONDARY", "SCREEN SAVE", "SCREENSHOT", "CAPTURE"})
# UIDs the standard defines (SOP classes, transfer syntaxes, coding schemes, well-known
# frames of reference): the same in every file of every patient, never remapped.
_DICOM_DEFINED = "1.2.840.10008."
# A D (dummy) value for an attribute the profile wants present but not as written
# (ContrastBolusAgent 'Omnipaque for Mr Quixmoor'), by VR; other VRs get an empty value.
# A VR with no dummy here (a number, a binary value, a URL) is emptied instead.
_DUMMY = {"LO": "ANONYMIZED", "SH": "ANONYMIZED", "CS": "ANONYMIZED", "LT": "ANONYMIZED",
          "ST": "ANONYMIZED", "UT": "ANONYMIZED", "UC": "ANONYMIZED", "AE": "ANONYMIZED"}
# VRs whose value is bytes (FlowIdentifier OB, a hanging protocol's SelectorUNValue): their
# zero-length value is b"", not "".
_BINARY_VRS = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "UN"})
_TIMEZONE_OFFSET = 0x00080201
# PS3.3 C.12.1.1.8: "&ZZXX", an offset from -1200 to +1400 hours and minutes
_OFFSET_FROM_UTC = re.compile(r"^(?P<sign>[+-])(?P<h>\d{2})(?P<m>[0-5]\d)$")
#: PS3.16 CID 7050 "De-identification Method" codes (scheme DCM) for what Osler applies:
#: the Basic Profile with the Retain Longitudinal Temporal Information Modified Dates Option.
#: Descriptions (StudyDescription ...) are cleaned, not removed: the Clean Descriptors Option;
#: PatientSex, PatientAge (90 and over aggregated), PatientSize and PatientWeight are kept:
#: the Retain Patient Characteristics Option.
DEID_METHOD_CODES = (("113100", "Basic Application Confidentiality Profile"),
                     ("113104", "Clean Structured Content Option"),
                     ("113105", "Clean Descriptors Option"),
                     ("113107", "Retain Longitudinal Temporal Information Modified Dates Option"),
                     ("113108", "Retain Patient Characteristics Option"))
_AGE_STRING = re.compile(r"^\s*(?P<n>\d{1,3})\s*(?P<unit>[DWMY]?)\s*$")


@lru_cache(maxsize=1)
def profile_actions() -> dict[int, tuple[str, str]]:
    """Tag (as int) -> (keyword, action) from the versioned profile table, each action as
    the table writes it (a compound "X/Z/D" too: :func:`_resolved` says what is applied)."""
    rows = load_tsv("deid/dicom_basic_profile.tsv", {"tag", "keyword", "action"})
    out = {}
    allowed = sorted(_ACTIONS) + sorted(_COMPOUND)
    for row in rows:
        if row["action"] not in _ACTIONS and row["action"] not in _COMPOUND:
            raise DataError(f"dicom_basic_profile.tsv: action for {row['keyword']} must be one of "
                            f"{allowed}; got {row['action']!r}")
        out[int(row["tag"], 16)] = (row["keyword"], row["action"])
    return out


@dataclass(frozen=True)
class DicomResult:
    """What happened to one file: where it went and whether pixels need a human look."""

    #: The input's path under IN_DIR, for the caller's own use: its folders are often the
    #: patient's name or MRN, so messages name the file by position and ``output`` instead.
    source: str
    output: str | None
    modality: str | None
    burned_in_risk: bool
    error: str | None = None
    #: True when an earlier file in the run had the same SOP Instance UID, so this one was
    #: written under a suffixed name instead of overwriting it.
    duplicate_uid: bool = False
    #: How many DA/DT values were not valid dates (emptied or cut to a valid DT precision).
    invalid_dates: int = 0
    #: True when the input was marked de-identified by another tool (PatientIdentityRemoved
    #: YES without an Osler DeidentificationMethod): de-identified again all the same, as its
    #: profile may have kept what this one removes and its dates were not shifted by this key.
    marked_by_other_tool: bool = False
    #: True when the input had no PatientID: of no known patient, its study keyed its date
    #: shift, so its dates keep no interval with any patient's notes and FHIR.
    no_patient: bool = False
    #: In a DICOMDIR: how many PATIENT records had no PatientID (each study below keyed by
    #: its own StudyInstanceUID, as its files of no PatientID are).
    no_patient_records: int = 0


#: The reason under which DA and DT values that are not valid dates are counted.
INVALID_DATE = ("DICOM dates that are not valid dates (a 30 February, a month 13): a DA "
                "emptied, a DT kept to the month or year that is valid")
_DICOM_DATE = re.compile(r"^(?P<y>\d{4})(?:(?P<m>\d{2})(?P<d>\d{2})?)?")


def _shift_da(value: str, shift: timedelta, vr: str = "DA") -> tuple[str, bool]:
    """A DA or DT value moved by ``shift``, and whether it was not a valid date.

    A whole date moves (a DT keeps its time of day). A DA that is not a whole valid date is
    emptied (PS3.15's zero-length value: a DA has no shorter form); a DT keeps the month or
    year that is valid ("20210230101500" -> "202102", moved as a FHIR partial date is), and
    is emptied when not even its year is one. A date that could not move never stays.

    Examples
    --------
    >>> from datetime import timedelta
    >>> _shift_da("20210228", timedelta(days=1)), _shift_da("20210230", timedelta(days=1))
    (('20210301', False), ('', True))
    >>> _shift_da("20210230101500", timedelta(days=1), "DT")
    ('202102', True)
    """
    m = _DICOM_DATE.match(value)
    if m and m["d"]:
        try:
            moved = date(int(m["y"]), int(m["m"]), int(m["d"])) + shift
            return moved.strftime("%Y%m%d") + value[8:], False
        except (ValueError, OverflowError):
            pass
    if vr != "DT" or not m:
        return "", True
    written = "-".join(part for part in m.groups() if part)
    valid = valid_part(written)
    moved = None if valid is None else shift_date(valid, shift)
    return ("", True) if moved is None else (moved.replace("-", ""), valid != written)


def _safe_harbor_age(value: str) -> str:
    """A DICOM Age String (``nnnD/W/M/Y``) with ages over 89 years aggregated to ``090Y``
    (HIPAA Safe Harbor); a value that is not an Age String is emptied, being unchecked text.

    Examples
    --------
    >>> _safe_harbor_age("092Y"), _safe_harbor_age("089Y"), _safe_harbor_age("011M")
    ('090Y', '089Y', '011M')
    """
    m = _AGE_STRING.match(value)
    if not m:
        return ""
    # a bare number is read as years; D, W and M cannot reach 90 years in three digits
    if m["unit"] in ("", "Y") and int(m["n"]) > 89:
        return "090Y"
    return value


@dataclass(frozen=True)
class _Patient:
    """Whose file it is, as each action needs it: pseudonym, surrogates, date shift, and the
    words of the names in its headers (which its free-text headers may repeat), with the
    profile its free text is de-identified with."""

    key: DeidKey
    id: str
    shift: timedelta
    known: dict[str, str]
    #: What could not be kept as it was, by reason (:data:`INVALID_DATE`).
    dropped: Counter = field(default_factory=Counter)
    #: The patient's identifiers in the headers (PatientID, OtherPatientIDs ...): free text
    #: that repeats one, labelled or not, names the patient.
    identifiers: tuple[str, ...] = ()
    #: Lower-case words of the patient's own names (PatientName, OtherPatientNames ...).
    own_names: frozenset[str] = frozenset()
    #: Lower-case words of the clinicians' names in the headers (no patient's): free text
    #: gives them the key's stand-ins alone, as the names' own attributes do.
    staff: frozenset[str] = frozenset()
    #: How free text is de-identified: "surrogate" (as ``deid text``'s default) or "tag".
    profile: str = "surrogate"


def _apply(ds: Any, elem: Any, action: str, run: _Patient) -> None:
    key, patient, shift = run.key, run.id, run.shift
    if action == "K" and int(elem.tag) == _PATIENT_AGE and elem.value:
        elem.value = _safe_harbor_age(str(elem.value))
    elif action == "X":
        del ds[elem.tag]
    elif action == "Z":
        elem.value = _empty(elem)
    elif action == "D" and elem.VR == "PN" and _names_patient(ds, elem, run):
        elem.value = _surrogate_person_name(key, str(elem.value or ""), patient)
    elif action == "D" and elem.VR == "PN":   # a verifying observer, a report's observer
        # a clinician's: the stand-in of no one patient, as FHIR's Practitioner.name
        elem.value = _surrogate_person_name(key, str(elem.value or ""), None) or "Anon"
    elif action == "D" and int(elem.tag) == _PATIENT_ID:
        elem.value = key.pseudonym(patient, "patient")
    elif action == "D":
        elem.value = _DUMMY.get(elem.VR, _empty(elem))
    elif action == "U" and elem.value:
        values = elem.value if elem.VM > 1 else [elem.value]
        mapped = [str(v) if str(v).startswith(_DICOM_DEFINED) else key.uid(str(v))
                  for v in values]
        elem.value = mapped if elem.VM > 1 else mapped[0]
    elif action == "S" and elem.value:
        aggregated = (over_89_birth_year(str(elem.value), reference_year=key.reference_year)
                      if int(elem.tag) == _BIRTH_DATE
                      else None)   # Safe Harbor: one birth year for "90 or older"
        if aggregated:
            elem.value = f"{aggregated}0101"
        else:   # each value of a multi-valued date moves on its own
            values = list(elem.value) if elem.VM > 1 else [elem.value]
            moved = [_shift_da(str(v), shift, elem.VR) for v in values]
            run.dropped[INVALID_DATE] += sum(invalid for _, invalid in moved)
            elem.value = [v for v, _ in moved] if elem.VM > 1 else moved[0][0]
    elif action == "C" and int(elem.tag) == _TIMEZONE_OFFSET:
        if elem.value and not _is_offset_from_utc(str(elem.value)):
            del ds[elem.tag]   # not an offset: free text, which could say where or who
    elif action == "C" and elem.value:
        elem.value = clean_header_text(str(elem.value), run.key, run.id, vr=elem.VR,
                                       profile=run.profile, known=run.known,
                                       identifiers=run.identifiers, staff=run.staff,
                                       laypeople=run.own_names)


def _is_offset_from_utc(value: str) -> bool:
    """Whether ``value`` is a well-formed TimezoneOffsetFromUTC (``+0100``, ``-0500``).

    >>> [_is_offset_from_utc(v) for v in ("+0100", "-1200", "+1400", "+1500", "CET", "0100")]
    [True, True, True, False, False, False]
    """
    m = _OFFSET_FROM_UTC.match(value.strip())
    if not m:
        return False
    minutes = (int(m["h"]) * 60 + int(m["m"])) * (-1 if m["sign"] == "-" else 1)
    return -12 * 60 <= minutes <= 14 * 60


def deidentify_dataset(ds: Any, key: DeidKey, *, dropped: Counter | None = None,
                       profile: str = "surrogate", fallback: str | None = None) -> Any:
    """De-identify a pydicom ``Dataset`` in place (and nested sequences); returns it.

    The patient is ``PatientID``: the same id gets the same pseudonym and date shift as its
    notes (``patient``) and its FHIR ``Patient.id``, or, when FHIR is de-identified with
    ``patient_identifier``, the FHIR patient whose MRN it is (whose MRN then becomes this
    PatientID's pseudonym). The key is the PatientID value with its surrounding spaces
    stripped, case-sensitive ("mrn-1" and "MRN-1" are two patients), IssuerOfPatientID not
    part of it (two issuers' same PatientID are one patient: the FHIR identifier's system is
    not part of its key either). ``dropped``: a Counter that counts, by
    reason, what could not be kept as it was (dates that are not dates: :data:`INVALID_DATE`).

    Free text the profile cleans (StudyDescription ..., a report's TEXT items) is
    de-identified as ``deid text`` de-identifies the patient's notes under the same key and
    ``profile`` (:mod:`osler.privacy.deid.dicom_text`): "surrogate", the default, gives a name
    the stand-in the patient's notes and FHIR give it and moves a date by the patient's
    offset; "tag" writes ``[NAME]``, ``[DATE]`` ...

    A dataset with no PatientID is of no known patient: its StudyInstanceUID keys its
    pseudonym and date shift (its SOPInstanceUID without one, ``fallback`` without either,
    else a random key), so files of one study stay together and two studies share nothing.
    A DICOMDIR's PATIENT record with no PatientID is keyed by its first study, each STUDY
    record below it by its own, as their files are; ``dropped`` counts such records under
    :data:`NO_PATIENT_RECORD`.
    """
    _check_profile(profile)
    # LO pads with spaces ("MRN7781234 "): the id FHIR and notes key the patient by has none
    patient = patient_key(ds.get("PatientID"))
    if patient is None:   # no patient: its study keys the shift, not one offset for every such file
        patient = no_patient_key(ds, fallback)
    own = frozenset(_name_words(ds, _PATIENT_NAMES))
    run = _Patient(key, patient, key.date_shift(patient), _name_words(ds),
                   Counter() if dropped is None else dropped, _patient_ids(ds), own,
                   frozenset(_staff_words(ds) - own), profile)
    ds.remove_private_tags()
    records = ds.pop(_DIRECTORY_RECORDS, None)
    _clean_item(ds, run, profile_actions())
    if records is not None:
        ds[_DIRECTORY_RECORDS] = records
        _clean_directory_records(records.value, run)
    ds.PatientIdentityRemoved = "YES"
    ds.LongitudinalTemporalInformationModified = "MODIFIED"
    # LO, 64 characters a value: one value per profile and option (VM 1-n)
    ds.DeidentificationMethod = ["Osler PS3.15 Basic Profile", "Clean Structured Content",
                                 "Clean Descriptors", "Retain Longitudinal Modified Dates",
                                 "Retain Patient Characteristics"]
    ds.DeidentificationMethodCodeSequence = _method_codes()
    meta = getattr(ds, "file_meta", None)
    if meta is not None:
        _clean_file_meta(ds, meta, key)
    if getattr(ds, "preamble", None) is not None:
        ds.preamble = b"\0" * 128     # free for any use, so it can hold a name or an MRN
    return ds


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise DataError(f"The 'profile' parameter must be one of {set(PROFILES)}; "
                        f"got {profile!r}")


def _method_codes() -> list[Any]:
    """Items of DeidentificationMethodCodeSequence (0012,0064): :data:`DEID_METHOD_CODES`."""
    from pydicom.dataset import Dataset

    items = []
    for value, meaning in DEID_METHOD_CODES:
        item = Dataset()
        item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, "DCM", meaning
        items.append(item)
    return items


# File meta elements PS3.10 7.1 requires, the only ones written; the others name the sending
# application and its site (SourceApplicationEntityTitle, Sending/Receiving AE titles and
# presentation addresses) or carry private bytes (PrivateInformation and its creator UID).
_REQUIRED_META = frozenset({0x00020001, 0x00020002, 0x00020003, 0x00020010, 0x00020012,
                            0x00020013})
# Written as the implementation that wrote the file (PS3.10 7.1): Osler, not the source.
_IMPLEMENTATION_VERSION = "OSLER_DEID"


def _clean_file_meta(ds: Any, meta: Any, key: DeidKey) -> None:
    from pydicom.uid import PYDICOM_IMPLEMENTATION_UID

    for elem in list(meta):
        if int(elem.tag) not in _REQUIRED_META:
            del meta[elem.tag]
    if "MediaStorageSOPInstanceUID" in meta:
        # The file meta header repeats the instance UID; remap it the same way.
        meta.MediaStorageSOPInstanceUID = (ds.SOPInstanceUID if "SOPInstanceUID" in ds
                                           else key.uid(str(meta.MediaStorageSOPInstanceUID)))
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    meta.ImplementationVersionName = _IMPLEMENTATION_VERSION


# UIDs that name a kind of thing (an SOP class, a transfer syntax), never an instance; a
# DICOMDIR record names them "...InFile" (ReferencedSOPClassUIDInFile).
# SOPClassesInStudy (0008,0062) and its kin list classes, as ContextUID names a context group.
_CLASS_UIDS = ("ClassUID", "TransferSyntaxUID", "CodingSchemeUID", "MappingResourceUID",
               "ContextGroupExtensionCreatorUID", "ClassUIDInFile", "TransferSyntaxUIDInFile",
               "SOPClassesInStudy", "SOPClassesInSeries", "SOPClassesSupported", "ContextUID")
_DIRECTORY_RECORDS = 0x00041220
# DICOMDIR (PS3.3 F.5) attributes naming the file-set or its files: a disc labelled, or
# folders named, after the patient. FileSetID is type 2, so emptied. A record's file ID goes
# with the rest, and dicom_fileset points it at the file as written.
_FILE_SET_ACTIONS = {0x00041130: "Z", 0x00041141: "X", 0x00041500: "X"}


def _clean_directory_records(records: Any, run: _Patient) -> None:
    """Clean a DICOMDIR's records, each as its patient's: a PATIENT record's PatientID and
    the records after it (its studies, series and images, in the depth-first order media
    creators write) get that patient's pseudonym, surrogate name and date shift, as in the
    patient's own images."""
    actions = profile_actions()
    base, no_patient = run, False
    for n, record in enumerate(records):
        kind = str(record.get("DirectoryRecordType", "")).strip()
        if kind == "PATIENT":
            patient = patient_key(record.get("PatientID", None))
            no_patient = patient is None
            if no_patient:   # as its files are: by its (first) study, not the empty id
                run.dropped[NO_PATIENT_RECORD] += 1
                patient = _record_study(records, n) or no_patient_key(record)
            # its own ids (and the file-set's), not those of the patient before it
            idents = tuple(sorted({*base.identifiers, *_patient_ids(record)}))
            run = replace(base, id=patient, shift=base.key.date_shift(patient),
                          identifiers=idents)
        elif kind == "STUDY" and no_patient:   # each study of no known patient: its own
            patient = (study_patient(record.get("StudyInstanceUID", None))
                       or no_patient_key(record))
            run = replace(run, id=patient, shift=base.key.date_shift(patient))
        _clean_item(record, run, actions)


def _record_study(records: Any, at: int) -> str | None:
    """The key of the first STUDY record after the PATIENT record ``at`` and before the
    next PATIENT record (depth-first order, as media creators write them), or None."""
    for record in list(records)[at + 1:]:
        kind = str(record.get("DirectoryRecordType", "")).strip()
        if kind == "PATIENT":
            return None
        if kind == "STUDY":
            return study_patient(record.get("StudyInstanceUID", None))
    return None


# Attributes of a code item (PS3.3 Table 8.8-1): the coded concept, its scheme and context,
# never a person. Kept inside a concept sequence (_CONCEPT_SEQUENCES), so that a structured
# report's concept names and units, and procedure, anatomy and view codes, survive.
_CODE_ITEM = frozenset({"CodeValue", "CodingSchemeDesignator", "CodingSchemeVersion",
                        "LongCodeValue", "URNCodeValue", "ContextIdentifier",
                        "ContextGroupVersion", "ContextGroupLocalVersion",
                        "ContextGroupExtensionFlag", "MappingResource", "MappingResourceName",
                        "MappingResourceUID", "ContextUID"})
# Coding schemes whose code meanings are published terms (PS3.16 Table 8-1), kept as written;
# a local scheme's meaning is free text a site wrote, so it is cleaned as text.
_PUBLISHED_SCHEMES = frozenset({"DCM", "SCT", "SRT", "LN", "UCUM", "FMA", "RADLEX", "NCIt",
                                "UMLS", "I10", "I9C", "ICD10", "ICD10CM", "RXNORM", "MSH",
                                "99SDM", "BI", "ACR", "NEU", "UBERON"})
# Structured-report content (PS3.3 C.17.3): a TEXT item's value is cleaned as free text, as
# PS3.15's Clean Structured Content option does, rather than the whole report being lost.
_TEXT_VALUE = 0x0040A160


# Sequences whose items are coded concepts (what was measured or seen, its unit, anatomy,
# procedure, view), never a person or a place: only there is a code item kept. A code in any
# other sequence may identify someone (a staff member's id, an institution's code).
_CONCEPT_SEQUENCES = frozenset({
    "ConceptNameCodeSequence", "ConceptCodeSequence", "MeasurementUnitsCodeSequence",
    "AnatomicRegionSequence", "AnatomicRegionModifierSequence",
    "PrimaryAnatomicStructureSequence", "PrimaryAnatomicStructureModifierSequence",
    "ProcedureCodeSequence", "RequestedProcedureCodeSequence", "PerformedProtocolCodeSequence",
    "ScheduledProtocolCodeSequence", "ViewCodeSequence", "ViewModifierCodeSequence",
    "ModifierCodeSequence", "DerivationCodeSequence", "PurposeOfReferenceCodeSequence",
    "QuantitySequence", "MeasurementMethodCodeSequence", "FindingSiteSequence",
    "ContentTemplateSequence", "ReasonForPerformedProcedureCodeSequence",
    "ReasonForRequestedProcedureCodeSequence", "PatientOrientationCodeSequence",
    "PatientGantryRelationshipCodeSequence", "InterventionDrugCodeSequence",
    "ContrastBolusAgentSequence", "AcquisitionContextSequence", "CodingSchemeIdentificationSequence",
    "DeidentificationMethodCodeSequence", "SegmentedPropertyCategoryCodeSequence",
    "SegmentedPropertyTypeCodeSequence"})


# VRs of free text: what a person typed, in whatever group (0028,4000 too).
_FREE_TEXT = ("LT", "ST", "UT")


def _default_action(elem: Any, item: Any = None, parent: str = "") -> str:
    """The action for an attribute the profile table does not list: text that could name or
    place someone, or an AE title (a site's machine, at any depth), is removed, an instance
    UID remapped, a URL, an unknown value, an overlay (burned-in text) or an encapsulated
    document (a PDF of the report) removed, the rest kept.

    Under the Retain Longitudinal Temporal Information with Modified Dates option every date
    moves, at any depth (a multi-frame image's FrameAcquisitionDateTime, a report item's
    DateTime), rather than being removed. A code item (``item``) keeps its code, and its
    meaning when the scheme is a published one; a report's TEXT value is cleaned.
    Groups 0002 and 7FE0 (file meta, pixels) are kept; group 0028 (pixel description) is
    kept but for its free text (ImagePresentationComments, listed X in Table E.1-1), URLs
    and UIDs (PaletteColorLookupTableUID: U). Overlays (60xx) and the retired curves
    (50xx, Curve Data: X) go."""
    group = int(elem.tag) >> 16
    keyword = elem.keyword or ""
    if int(elem.tag) in _FILE_SET_ACTIONS:
        return _FILE_SET_ACTIONS[int(elem.tag)]
    if group in (0x0002, 0x7FE0) or group == 0x0028 and elem.VR not in _FREE_TEXT + (
            "UR", "UC", "UN", "UI"):
        return "K"
    if (0x6000 <= group <= 0x60FF or 0x5000 <= group <= 0x50FF or group == 0x0042
            or elem.VR in ("UR", "UC", "UN")):
        return "X"
    if keyword in _CODE_ITEM and parent in _CONCEPT_SEQUENCES:
        return "K"
    if keyword == "CodeMeaning" and parent in _CONCEPT_SEQUENCES:
        scheme = str(item.get("CodingSchemeDesignator", "") if item is not None else "")
        return "K" if scheme.strip() in _PUBLISHED_SCHEMES else "C"
    if elem.VR == "UI":
        return "K" if keyword.endswith(_CLASS_UIDS) else "U"
    if elem.VR in ("DA", "DT"):
        return "S"
    if int(elem.tag) == _TEXT_VALUE:
        return "C"
    return "X" if elem.VR in _FREE_TEXT + ("PN", "LO", "SH", "AE") else "K"


def burned_in_risk(ds: Any) -> bool:
    """Whether ``ds``'s pixels may carry burned-in identifying text, read before it is
    de-identified: a modality where it is common (ultrasound, fluoroscopy ...), a Secondary
    Capture (a screenshot, a scanned page: SOP class 1.2.840.10008.5.1.4.1.1.7 and .7.x), an
    ImageType of a capture ("DERIVED\\SECONDARY", "SCREEN SAVE"), BurnedInAnnotation "YES",
    or overlay graphics."""
    modality = str(ds.get("Modality", "") or "").strip()
    sop_class = str(ds.get("SOPClassUID", "") or "").strip()
    meta = getattr(ds, "file_meta", None)
    if not sop_class and meta is not None:
        sop_class = str(meta.get("MediaStorageSOPClassUID", "") or "").strip()
    image_type = ds.get("ImageType", None)   # "DERIVED\\SECONDARY": a MultiValue, or one str
    types = {str(v).strip().upper() for v in (
        [image_type or ""] if image_type is None or isinstance(image_type, str)
        else image_type)}
    return (modality in BURNED_IN_MODALITIES
            or sop_class == _SECONDARY_CAPTURE or sop_class.startswith(_SECONDARY_CAPTURE + ".")
            or bool(types & _CAPTURED_IMAGE_TYPES)
            or str(ds.get("BurnedInAnnotation", "") or "").strip().upper() == "YES"
            or has_overlay(ds))


def has_overlay(ds: Any) -> bool:
    """Whether ``ds`` holds overlay data (60xx,3000): graphics often carry burned-in text."""
    return any(0x6000 <= (int(e.tag) >> 16) <= 0x60FF and (int(e.tag) & 0xFFFF) == 0x3000
               for e in ds)


def _empty(elem: Any) -> Any:
    """The zero-length value of ``elem``'s VR."""
    return b"" if elem.VR in _BINARY_VRS else ""


def _resolved(action: str) -> str:
    """The action applied for a table action: a compound one's least removal (``_COMPOUND``).

    >>> [_resolved(a) for a in ("X", "X/Z", "X/D", "Z/D", "X/Z/D", "X/Z/U*")]
    ['X', 'Z', 'D', 'D', 'D', 'U*']
    """
    return _COMPOUND.get(action, action)


def _clean_item(item: Any, run: _Patient, actions: dict[int, tuple[str, str]],
                parent: str = "", dummies: bool = False) -> None:
    """Clean ``item`` in place; ``parent``: the keyword of the sequence holding it.
    ``dummies``: the item is one of a sequence under D, whose attributes that have no row
    of their own and would be removed get a dummy instead, so that the item stays whole."""
    for elem in list(item):
        listed = actions.get(int(elem.tag), (None, None))[1]
        action = _resolved(listed) if listed else _default_action(elem, item, parent)
        if (dummies and not listed and action == "X"
                and (elem.VR in _DUMMY or elem.VR == "PN")):
            action = "D"
        # a sequence the table lists as X (OtherPatientIDsSequence) goes whole, one it lists
        # as Z (VerifyingObserverIdentificationCodeSequence) is kept with no items; others
        # (D: VerifyingObserverSequence; U*: SourceImageSequence) are cleaned item by item
        if elem.VR == "SQ" and action == "Z":
            elem.value = []
        elif elem.VR == "SQ" and action != "X":
            for sub in elem.value:
                _clean_item(sub, run, actions, elem.keyword or "", dummies=action == "D")
        else:
            _apply(item, elem, "U" if action == "U*" else action, run)


_DEFLATED = "1.2.840.10008.1.2.1.99"   # Deflated Explicit VR Little Endian


def _truncation(ds: Any, size: int) -> str | None:
    """Why the file of ``size`` bytes that pydicom read as ``ds`` (just read, its elements
    still raw) is cut short, or None when its data set ends where the file does. pydicom
    reads what is there and keeps quiet: a file of its meta alone reads as an empty data set,
    and a value cut short (pixel data) as a shorter value."""
    tags = list(ds.keys())
    if not tags:
        return "file meta only, no data set (truncated?)"
    meta = getattr(ds, "file_meta", None)
    if meta is not None and meta.get("TransferSyntaxUID") == _DEFLATED:
        return None   # positions are in the inflated data set, not the file
    last = ds.get_item(tags[-1])
    start, length = getattr(last, "value_tell", None), getattr(last, "length", None)
    if start is None or length is None:
        return None
    if length == 0xFFFFFFFF:   # undefined length: its value runs to an 8-byte delimiter
        if not isinstance(last.value, bytes):
            return None   # a sequence pydicom parsed itself: no end to compare
        end = start + len(last.value) + 8
    else:
        end = start + length
    if end > size:
        return f"truncated: its last element {tags[-1]} ends past the end of the file"
    if end < size:
        return f"truncated: {size - end} bytes after element {tags[-1]} are no whole element"
    return None


#: Why a file marked de-identified (PatientIdentityRemoved YES) is skipped: run again, it
#: would be shifted and pseudonymised a second time, and no longer match its FHIR records.
ALREADY_DEIDENTIFIED = ("already de-identified by Osler (PatientIdentityRemoved YES): "
                        "de-identifying it again would shift its dates and pseudonymise its ids "
                        "a second time; use --again to do so")


def _marked_deidentified(ds: Any) -> str | None:
    """Who marked ``ds`` de-identified: "osler" when PatientIdentityRemoved (0012,0062) is
    "YES" with a DeidentificationMethod (0012,0063) of Osler's, as :func:`deidentify_dataset`
    writes them; "other" for a "YES" without one; None when not marked. Another tool's "YES"
    is de-identified as any file is: its profile may have kept what this one removes, and its
    dates were never shifted by this key."""
    if str(ds.get("PatientIdentityRemoved", "") or "").strip().upper() != "YES":
        return None
    method = ds.get("DeidentificationMethod", "") or ""
    methods = [method] if isinstance(method, str) else list(method)   # LO, multi-valued
    return "osler" if any(str(m).startswith("Osler ") for m in methods) else "other"


#: Names (lower case) of files an operating system or file manager leaves beside the images
#: (Finder, Explorer): never DICOM, so never read, as files named with a leading "." are not.
SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini"})


def dicom_input_files(in_dir: str | Path) -> tuple[list[Path], list[Path]]:
    """``(read, ignored)``: the files under ``in_dir`` that :func:`deidentify_dicom_dir`
    reads, and the hidden or system ones it does not (a name starting with "." such as
    ``.DS_Store`` or macOS's ``._IM1``, anything in a hidden folder, :data:`SYSTEM_FILES`),
    each sorted. A stray ``Thumbs.db`` is not a DICOM file that failed."""
    in_dir = Path(in_dir)
    read: list[Path] = []
    ignored: list[Path] = []
    for path in sorted(p for p in in_dir.rglob("*") if p.is_file()):
        parts = path.relative_to(in_dir).parts
        system = (path.name.lower() in SYSTEM_FILES
                  or any(part.startswith(".") for part in parts))
        (ignored if system else read).append(path)
    return read, ignored


def deidentify_dicom_dir(in_dir: str | Path, out_dir: str | Path, key: DeidKey,
                         *, again: bool = False, profile: str = "surrogate"
                         ) -> list[DicomResult]:
    """De-identify every DICOM file under ``in_dir`` into ``out_dir``.

    Output files are named by their new SOP Instance UID, in folders named by their new Study
    and Series Instance UIDs: the input's folder names are not kept (they are often the
    patient's name or MRN). Files that share a SOP Instance UID
    never overwrite each other: the second and later are named ``<uid>_2.dcm``, ``<uid>_3.dcm``
    ... (in sorted input order) and marked ``duplicate_uid``. A file that cannot be read, or
    that is cut short (its meta alone, pixel data truncated), is reported with its error and
    skipped, nothing written for it; the others continue. A file this tool de-identified
    (PatientIdentityRemoved "YES", an Osler DeidentificationMethod) is skipped with
    :data:`ALREADY_DEIDENTIFIED`, unless ``again``: its second shift would part it from the
    FHIR and notes of its patient, which are de-identified once. A file another tool marked
    de-identified is de-identified as any other, and marked ``marked_by_other_tool``.

    A folder holding a DICOMDIR is a file-set (PS3.10): its files are named by valid File
    IDs instead (``STxxxxxx/SExxxxxx/IMxxxxxx``, keyed from the new UIDs) under ``out_dir``
    (``out_dir/FILESET<n>`` for a folder below ``in_dir``), and its de-identified DICOMDIR,
    written there last, points at them (:mod:`osler.privacy.deid.dicom_fileset`); one whose
    records cannot be linked again is left out, with its reason.

    ``profile``: how free text kept in headers is de-identified, as in
    :func:`deidentify_dataset` (use the one the patients' notes were de-identified with).

    Hidden and system files (:func:`dicom_input_files`) are not read and have no result.
    """
    require("pydicom", "imaging")
    _check_profile(profile)   # before the files: a wrong one would fail each file alone
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    paths, _ = dicom_input_files(in_dir)
    run = _DirRun(key, again, in_dir, out_dir, file_set_roots(paths, in_dir, out_dir),
                  profile)
    # a DICOMDIR last: its records point at the files as written
    done = {path: _deidentify_file(path, run) for path in
            [p for p in paths if not is_dicomdir(p)] + [p for p in paths if is_dicomdir(p)]}
    return [done[path] for path in paths]


@dataclass
class _DirRun:
    """One directory's run: what was written where, for names and DICOMDIR records."""

    key: DeidKey
    again: bool
    in_dir: Path
    out_dir: Path
    #: Input folders holding a DICOMDIR -> their file-set's root in the output.
    roots: dict[Path, Path]
    #: How free text is de-identified (:func:`deidentify_dataset`).
    profile: str = "surrogate"
    taken: set[Path] = field(default_factory=set)
    uids: set[str] = field(default_factory=set)
    #: Input path -> output path of each file written.
    written: dict[Path, Path] = field(default_factory=dict)
    #: (input file-set root, new SOP Instance UID) -> the first output written for it.
    by_uid: dict[tuple[Path, str], Path] = field(default_factory=dict)


def _deidentify_file(path: Path, run: _DirRun) -> DicomResult:
    import pydicom

    rel = str(path.relative_to(run.in_dir))
    try:
        ds = pydicom.dcmread(path)
        meta = getattr(ds, "file_meta", None)
        cut = (_truncation(ds, path.stat().st_size)
               if "SOPClassUID" in ds or (meta and "MediaStorageSOPClassUID" in meta)
               else "no SOP Class UID: truncated or not a DICOM object")
        if cut is not None:
            # pydicom reads a truncated file or a bare preamble as a near-empty dataset,
            # without a word: written out, it would count as de-identified
            return DicomResult(rel, None, None, False, f"unreadable: {cut}")
        modality = str(ds.get("Modality", "") or "") or None
        marked = _marked_deidentified(ds)
        if not run.again and marked == "osler":
            return DicomResult(rel, None, modality, False, ALREADY_DEIDENTIFIED)
        root = root_of(path, run.roots)
        if root is not None and is_dicomdir(path) and _DIRECTORY_RECORDS in ds:
            return _deidentify_dicomdir(ds, rel, root, run)
        burned = burned_in_risk(ds)
        dropped: Counter = Counter()
        no_patient = patient_key(ds.get("PatientID")) is None
        deidentify_dataset(ds, run.key, dropped=dropped, profile=run.profile,
                           fallback=rel)
        name = ds.SOPInstanceUID if "SOPInstanceUID" in ds else run.key.uid(rel)
        if root is not None:   # in a file-set: a File ID its DICOMDIR can name
            target = file_id_target(run.key, run.roots[root], ds, run.taken)
        else:
            folder = run.out_dir.joinpath(*(str(ds.get(tag, "") or "unknown") for tag in
                                            ("StudyInstanceUID", "SeriesInstanceUID")))
            target, n = folder / f"{name}.dcm", 1
            while target in run.taken:
                n += 1
                target = folder / f"{name}_{n}.dcm"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            ds.save_as(target)
        except OSError as exc:   # the output's fault, not the input's
            return DicomResult(rel, None, modality, False, f"not written ({type(exc).__name__}"
                               f"): cannot write in OUT_DIR ({exc.strerror or 'no reason'})")
        duplicate = name in run.uids
        run.taken.add(target)
        run.uids.add(name)
        run.written[path] = target
        if root is not None:
            run.by_uid.setdefault((root, str(name)), target)
        return DicomResult(rel, str(target), modality, burned, duplicate_uid=duplicate,
                           invalid_dates=dropped[INVALID_DATE],
                           marked_by_other_tool=marked == "other", no_patient=no_patient)
    except Exception as exc:  # pydicom raises many types for malformed files
        return DicomResult(rel, None, None, False, f"unreadable ({type(exc).__name__}): "
                           "truncated or not a DICOM file")


def _deidentify_dicomdir(ds: Any, rel: str, root: Path, run: _DirRun) -> DicomResult:
    """A file-set's DICOMDIR de-identified, its records pointing at the files written."""
    originals = original_file_ids(ds[_DIRECTORY_RECORDS].value)
    dropped: Counter = Counter()
    deidentify_dataset(ds, run.key, dropped=dropped, profile=run.profile, fallback=rel)
    out_root = run.roots[root]
    by_uid = {uid: out for (where, uid), out in run.by_uid.items() if where == root}
    try:
        data = relinked_dicomdir(ds, originals, root, out_root, run.written, by_uid)
    except Exception as exc:  # FileSetError says why; pydicom's own errors name their type
        why = str(exc) if isinstance(exc, FileSetError) else (
            f"its records could not be written again ({type(exc).__name__})")
        return DicomResult(rel, None, None, False, f"DICOMDIR left out: {why}; the files it "
                           "listed are written, named by File ID, without it")
    target = out_root / DICOMDIR
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return DicomResult(rel, str(target), None, False, invalid_dates=dropped[INVALID_DATE],
                       no_patient_records=dropped[NO_PATIENT_RECORD])
