"""De-identify FHIR R4 resources and Bundles (JSON dicts) with the shared key.

- Resource ids and references become keyed pseudonyms; a Patient's id becomes the same
  pseudonym its notes and DICOM studies get when they carry that id. When they carry the MRN
  instead, ``patient_identifier`` keys each patient's pseudonyms and date shift by that
  identifier's value, and its pseudonymised MRN keeps its system: the DICOM PatientID's
  pseudonym (:mod:`.fhir_keys`).
- Names, telecoms and identifiers are replaced; addresses keep only state and country.
- Dates and date-times move by the patient's offset, so intervals are kept; a value shaped
  like a date that is not one ("2021-02-30") keeps the day, month or year that is valid; a
  date element holding anything else ("14/03/2021 Marigold") is dropped and counted.
- Default deny: each element's R4 type is known (:mod:`.fhir_schema`); a string is kept
  only when its type is positively safe (code, uri, id ...), and an element whose JSON
  contradicts its type refuses the resource (:class:`~.fhir_schema.ShapeError`).
- Free text (every other string: narrative, notes, descriptions, displays, any element R4
  does not have, attachments' text in their own charset) goes through text de-id, with the
  names of the record's people and its patients' address words known; attachment data
  that cannot be read as text is dropped; FHIR JSON in an attachment
  (``application/fhir+json``) is de-identified as FHIR, as its owner's patient.
- Names get stand-ins scoped by patient (two patients' "Smith" differ), but a practitioner's
  are the same for every patient of the record.
- Ages over 89 become "90 or older" (HIPAA Safe Harbor).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from osler.errors import IngestError
from osler.privacy.deid.ages import over_89_birth_year
from osler.privacy.deid.clinicians import clinician_words, name_scope
from osler.privacy.deid.fhir_ages import cap_age
from osler.privacy.deid.fhir_attachments import decode_plain_references, scrub_attachment_data
from osler.privacy.deid.fhir_elements import (_BIRTH_URL, _IDENTIFIER, _handled_shape,
                                              _holds_identifier, _is_attachment,
                                              _state_only)
from osler.privacy.deid.fhir_embedded import DROPPED as _DROPPED
from osler.privacy.deid.fhir_embedded import EmbeddedResources
from osler.privacy.deid.fhir_dates import (INVALID_DATE, NOT_A_DATE, is_date_element, shift_date,
                                           valid_part)
from osler.privacy.deid.fhir_entries import entry_patient, only_patient, patient_or_own
from osler.privacy.deid.fhir_ids import (entry_url, identifier_values, patient_identifier_values,
                                         pseudo_id, record_name, shown_patient)
from osler.privacy.deid.fhir_keys import PatientKeys, mrn_identifier
from osler.privacy.deid.fhir_labels import ALREADY_DEIDENTIFIED, DEID_LABEL, label, labelled
from osler.privacy.deid.fhir_patients import (_PEOPLE, _URL_REFERENCE, NO_PATIENT,
                                              KnownNames, PatientLinks, _own_key,
                                              embedded_patients, encounter_links,
                                              entry_patient_id, known_names, name_words,
                                              patient_links, patient_of, staff_words,
                                              uuid_of)
from osler.privacy.deid.fhir_schema import (UNTYPED_RESOURCE, ShapeError, child_type,
                                            own_resource_type, string_rule, typed)
from osler.privacy.deid.surrogates import surrogate_name
from osler.privacy.deid.visible import visible
from osler.privacy.keys import DeidKey
from osler.record import PatientIdentifier

__all__ = ["DEID_LABEL", "KnownNames", "NO_PATIENT", "PatientKeys", "deidentify_bundle",
           "deidentify_resource", "name_words", "patient_links", "patient_of"]

_RESOURCE_TYPE = re.compile(r"[A-Z][A-Za-z]+")
#: Resources of people who are no patient's: their names' stand-ins are the same for every
#: patient (a Practitioner.name and a note's "Dr. Brackenridge" in any patient's Bundle).
_STAFF = ("Practitioner",)
#: The base of de-identified fullUrls: no server's (the ``.invalid`` domain is reserved).
DEID_BASE = "https://osler.invalid/fhir/"
# Element names whose string value is free text written by people.
_FREE_TEXT = {"text", "div", "comment", "note", "description", "conclusion", "display_text",
              "title", "patientInstruction", "contentString", "disposition", "instruction",
              "administrationInstruction", "statusReason", "summary", "mitigation",
              "diagnostics"}
# URIs that are data, not structure (extension.url, system, profile and canonicals stay): by
# element name, or (parent, name); a FHIR reference among them is pseudonymised, any other
# dropped and counted (a link elsewhere may name the patient and cannot be followed).
_DATA_URIS = {"valueUri", "valueUrl"}
_DATA_URIS_IN = {("meta", "source"), ("policy", "uri")}
_DATA_URIS_OF = {("Device", "url")}
# Values that cannot be checked for PHI, dropped and counted: base64 of anything.
_UNCHECKABLE = {"valueBase64Binary"}
# A ContactPoint wherever it sits (Device.contact, an extension ...), told by its system.
_CONTACT_SYSTEMS = frozenset({"phone", "email", "fax", "pager", "url", "sms"})
# Elements dropped wherever they are: a signature (its data), an audit query (base64 of a
# search that names the patient).
_DROP_ANYWHERE = {"signature", "query"}
# Choice elements of type string or markdown (valueString, onsetString, abatementString, an
# answer's valueString ...) hold whatever a person typed.
_FREE_TEXT_CHOICE = re.compile(r"^[a-z][A-Za-z]*(?:String|Markdown)$")
# Elements dropped, by resource type: Patient.photo and Patient.contact carry direct
# identifiers; Location.position is a geocode (Safe Harbor: smaller than a state).
_DROP = {"Patient": frozenset({"photo", "contact"}), "Location": frozenset({"position"})}
_NO_DROP: frozenset[str] = frozenset()
# Extensions that name or place the patient's family (US Core / FHIR core patient extensions).
_IDENTIFYING_EXTENSIONS = ("mothersMaidenName", "birthPlace", "patient-nationality",
                           "us-core-genderIdentity")
_NARRATIVE = '<div xmlns="http://www.w3.org/1999/xhtml">[de-identified]</div>'
_NAMED_RESOURCES = {"Organization", "Location", "HealthcareService", "Endpoint", "Group",
                    "Practitioner", "PractitionerRole", "RelatedPerson", "Device", "Account",
                    "CareTeam"}


#: Free text de-identified, by value and context (:meth:`_Walker.text`), emptied when full.
_TEXT_MEMO: dict[Any, str] = {}
_TEXT_MEMO_SIZE = 20_000

#: The day of a partial date's span that moves: a period's start its first day, its end its
#: last, so that the period stays ordered (see :mod:`osler.privacy.deid.fhir_dates`).
_BOUND = {"start": "lower", "end": "upper"}
#: What a group of element rules answers when none of them takes the element.
_PASS = object()


class _Walker(EmbeddedResources):
    def __init__(self, key: DeidKey, patient: str | None, uuid_types: dict[str, str],
                 known: dict[str, str] | None = None, dropped: Counter | None = None,
                 full_urls: dict[str, str] | None = None,
                 rule: PatientIdentifier | None = None,
                 identifiers: tuple[str, ...] = (),
                 staff: frozenset[str] = frozenset(),
                 links: Mapping[str, str] | None = None,
                 keys: PatientKeys | None = None, again: bool = False) -> None:
        self.key, self.patient, self.uuid_types = key, patient, uuid_types
        self._memo_context: Any = None   # what free text's output depends on (:meth:`text`)
        #: Whether resources in attachments that carry the PSEUDED label are walked again.
        self.again = again
        #: How references name patients, and the keys of patients (``patient_identifier``):
        #: a resource in an attachment's JSON is keyed by its own patient (:meth:`embedded`).
        self.links, self.keys = links, keys
        #: Words of practitioners' names (no patient's nor relative's): their stand-ins are
        #: the same for every patient of the Bundle (:meth:`name_scope`).
        self.staff = staff
        #: The patients' own identifier values (MRN ...): every mention in free text is PHI.
        self.identifiers = identifiers
        #: The identifier that keys patients (``patient_identifier``): it keeps its system.
        self.rule = rule
        #: Bundle fullUrls of no standard form ('urn:uuid:1') -> what their entry became.
        self.full_urls = full_urls or {}
        self.shift = key.date_shift(patient)
        self.known = known
        #: What was dropped from attachments because it could not be checked for PHI, by
        #: reason ("data: not text (application/pdf)", "url: not a FHIR reference" ...).
        self.dropped: Counter = Counter() if dropped is None else dropped
        #: Contained resources' ids -> their type, for "#id" references.
        self.contained: dict[str, str | None] = {}

    def child(self, patient: str | None, **changes: Any) -> _Walker:
        """A walker of the same record for ``patient``, with its names, identifiers, staff,
        links and keys (``changes``): an attachment's resources (:meth:`embedded`)."""
        return _Walker(self.key, patient, self.uuid_types, dropped=self.dropped,
                       full_urls=self.full_urls, rule=self.rule, again=self.again, **changes)

    def text(self, value: str) -> str:
        """``value`` de-identified as free text (:meth:`scrub_text`), remembered with what
        the output depends on (key, patient, names, identifiers, staff): every string is
        free text unless known safe, and records repeat their codes' displays and units."""
        if self._memo_context is None:
            self._memo_context = (self.key, self.patient,
                                  frozenset((self.known or {}).items()), self.identifiers,
                                  self.staff)
        found = _TEXT_MEMO.get((value, self._memo_context))
        if found is None:
            if len(_TEXT_MEMO) >= _TEXT_MEMO_SIZE:
                _TEXT_MEMO.clear()
            found = _TEXT_MEMO[(value, self._memo_context)] = self.scrub_text(value)
        return found

    def scrub_text(self, value: str) -> str:
        # character references ("Zeb&#117;lon") would hide a name from the rules
        from osler.privacy.deid.detect import detect_phi
        from osler.privacy.deid.spans import merge_spans
        from osler.privacy.deid.text import identifier_mentions, replace_phi

        # as deidentify_text does, a practitioner's name's stand-in scoped by no patient
        value = decode_plain_references(value)
        spans = detect_phi(value, known=self.known)
        if self.identifiers:
            spans = merge_spans([*spans, *identifier_mentions(value, self.identifiers)])
        return replace_phi(value, spans, self.key, patient=self.patient,
                           scope_of=self._span_scope(value)).text

    def _span_scope(self, value: str) -> Callable[[Any, str], str | None] | None:
        """The scope of a stand-in in free text ``value``: a practitioner's name's is no
        patient's ("Dr. Hestia Brackenridge" in two patients' notes, and in ``deid text``'s
        output), any other the patient's. A practitioner is one of the record's, or one the
        text writes as a clinician's and the record names as no patient nor relative
        (:func:`~osler.privacy.deid.clinicians.clinician_words`)."""
        from osler.privacy.deid.text import clinician_scope

        laypeople = set(self.known or ()) - self.staff
        return clinician_scope(self.staff | (clinician_words([value]) - laypeople),
                               self.patient)

    def name_scope(self, name: str) -> str | None:
        """None (one stand-in for every patient) when every word of ``name`` is a word of a
        practitioner's name in the record, else the patient: a Practitioner.name, an
        authorString and a note's mention of the same person then agree."""
        return name_scope(name, self.staff, self.patient)

    def markup(self, value: str) -> str:
        """XML or HTML (a CDA document, an HTML report) de-identified in what a reader sees,
        its markup kept (:mod:`osler.privacy.deid.markup`)."""
        from osler.privacy.deid.detect import detect_phi
        from osler.privacy.deid.markup import markup_phi
        from osler.privacy.deid.spans import merge_spans
        from osler.privacy.deid.text import identifier_mentions, replace_phi

        def find(view: str) -> list:
            return merge_spans([*detect_phi(view, known=self.known),
                                *identifier_mentions(view, self.identifiers)])

        value = decode_plain_references(value)
        return replace_phi(value, markup_phi(value, find), self.key, patient=self.patient,
                           scope_of=self._span_scope(value)).text

    def _names_someone(self, value: str) -> bool:
        """Whether ``value`` holds a capitalised word of a person's name in the record (a
        coding's display is a code's meaning and is kept unless it names one)."""
        return bool(self.known) and any(
            w.lower() in self.known for w in re.findall(r"[A-Z][A-Za-z'-]+", visible(value)))

    def reference(self, ref: str) -> str:
        if ref.startswith("#"):   # a contained resource: its id was pseudonymised by its type
            local = ref[1:]
            return "#" + pseudo_id(self.key, self.contained.get(local), local) if local else ref
        return self.resolvable(ref) or self.full_urls.get(ref, "[REFERENCE]")

    def resolvable(self, ref: str) -> str | None:
        """``ref`` pseudonymised so that it still resolves in the output, when it is a
        literal reference (:meth:`fhir_reference`) or a conditional one by identifier
        (:meth:`conditional`); None otherwise."""
        return self.fhir_reference(ref) or self.conditional(ref)

    def fhir_reference(self, ref: str) -> str | None:
        """``ref`` pseudonymised, or None when it is not a reference to a FHIR resource."""
        m = _URL_REFERENCE.match(ref)
        if m:
            version = f"/_history/{m['version']}" if m["version"] else ""
            return f"{m['type']}/{pseudo_id(self.key, m['type'], m['id'])}{version}"
        uuid = uuid_of(ref)
        if uuid:
            return "urn:uuid:" + pseudo_id(self.key, self.uuid_types.get(uuid), uuid)
        return None

    def walk(self, node: Any, name: str = "", etype: str | None = None) -> Any:
        """``node`` de-identified; ``etype``: its R4 type (None: not known, so every string
        in it is free text)."""
        if isinstance(node, dict):
            return self.element(node, name, etype)
        if isinstance(node, list):
            return [w for w in (self.walk(v, name, etype) for v in node) if w is not _DROPPED]
        if isinstance(node, str):
            if name == "reference":
                return self.reference(node)
            if name in _FREE_TEXT or _FREE_TEXT_CHOICE.match(name):
                return self.text(node)
            if name == "birthDate" and self.aggregated(node):
                return self.aggregated(node)   # Safe Harbor: one year for "90 or older"
            return self.primitive(node, name, etype)
        return node

    def primitive(self, value: str, name: str, etype: str | None) -> Any:
        """A string by its R4 type, denied by default: kept only when its type is positively
        safe (a code, URI, id ...), a date moved, anything else (string, markdown, a code
        with spaces, a value of no known type) de-identified as free text."""
        rule = string_rule(etype, value)
        if rule == "drop":
            self.dropped[f"{name}: base64, cannot be checked"] += 1
            return _DROPPED
        if rule == "keep" and value.strip() in self.identifiers:
            return self.identifier(value)   # the patient's MRN written as a code
        moved = self.date(value, name, date_element=rule == "date")
        if rule != "text" or moved != value:
            return moved   # a full date in free text is moved as any element's is
        return self.text(value)

    def aggregated(self, birth: str) -> str | None:
        """The key's stand-in birth year when ``birth`` tells an age over 89, else None."""
        return over_89_birth_year(birth, reference_year=self.key.reference_year)

    def date(self, value: str, name: str, date_element: bool = False) -> str:
        """A string moved by the patient's shift if it is a date (any element's full date or
        date-time, a date element's partial date); one shaped like a date that is not one
        ("2021-02-30") kept to its valid month or year and counted (see
        :func:`~osler.privacy.deid.fhir_dates.valid_part`)."""
        date_element = date_element or is_date_element(name)
        valid = valid_part(value, date_element=date_element)
        moved = None if valid is None else shift_date(valid, self.shift,
                                                      _BOUND.get(name, "middle"))
        if moved is None:
            if not date_element:
                return value
            # a date element holding anything but a date is someone's free text ("14/03/2021
            # Marigold"): no rule can tell what in it is a name, so none of it is written
            self.dropped[NOT_A_DATE] += 1
            return _DROPPED
        if valid != value:
            self.dropped[INVALID_DATE] += 1
        return moved

    def element(self, node: dict[str, Any], name: str, etype: str | None = None
                ) -> dict[str, Any]:
        """A resource or complex element de-identified: an Attachment or a ContactPoint whole,
        anything else element by element (:meth:`_value`)."""
        owner = typed(node, etype, _handled_shape)
        if _is_attachment(name, node):
            return self.attachment(node, owner or "Attachment")
        if (node.get("system") in _CONTACT_SYSTEMS and isinstance(node.get("value"), str)
                and "code" not in node):   # a ContactPoint outside ``telecom``
            return {**{k: v for k, v in node.items() if k in ("system", "use", "rank")},
                    "value": "[REDACTED]"}
        node = cap_age(node, name)
        for inner in node.get("contained") or []:   # before "#id" references to them are met
            if isinstance(inner, dict) and isinstance(inner.get("id"), str):
                self.contained[inner["id"]] = inner.get("resourceType")
        left_out = _DROP.get(node.get("resourceType"), _NO_DROP)
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k not in left_out:
                value = self._value(node, name, owner, k, v)
                if value is not _DROPPED:
                    out[k] = value
        return out

    def _value(self, node: dict[str, Any], name: str, owner: str | None, k: str, v: Any
               ) -> Any:
        """What element ``k`` (value ``v``) of ``node`` becomes, ``_DROPPED`` for nothing: by
        the first group of rules that takes it, in order, else walked by its R4 type."""
        for rules in (self._link_value, self._unreadable_value, self._telling_value,
                      self._structure_value, self._name_value, self._contact_value):
            value = rules(node, name, owner, k, v)
            if value is not _PASS:
                return value
        return self.walk(v, k, child_type(owner, k))

    def _link_value(self, node: dict[str, Any], name: str, owner: str | None, k: str,
                    v: Any) -> Any:
        """An entry's fullUrl, and a Bundle's or entry's request, response or link url (a
        search); else ``_PASS``."""
        if k == "fullUrl" and isinstance(v, str):
            return self.full_url(v, node.get("resource"))
        if not (name in ("request", "response") and k in ("url", "location", "ifNoneExist")
                or name == "link" and k == "url"):
            return _PASS
        if not isinstance(v, str):
            return _DROPPED
        if k == "ifNoneExist":   # kept by its identifier only, pseudonymised
            kept = self.conditional(f"Resource?{v}")
            return kept.partition("?")[2] if kept else _DROPPED
        url = self.request_url(v)
        if ("?" in v and "?" not in url
                and str(node.get("method", "")).upper() in ("PUT", "PATCH", "DELETE")):
            # its criteria could not be kept: without them a conditional write or
            # delete would reach every resource of the type
            url = "[REFERENCE]"
        return url

    def _unreadable_value(self, node: dict[str, Any], name: str, owner: str | None, k: str,
                          v: Any) -> Any:
        """A Binary's data as an attachment's; base64 that cannot be checked, and a data URI
        that is no FHIR reference, dropped and counted; else ``_PASS``."""
        if k == "data" and node.get("resourceType") == "Binary":
            # A Binary's content is an attachment's: a note's text, PHI and all
            data, reason = (scrub_attachment_data(v, node.get("contentType"), self.text,
                                                self.markup, self.embedded)
                            if isinstance(v, str) else (None, "not base64 text"))
            if data is None:
                self.dropped[f"Binary data: {reason}"] += 1
                return _DROPPED
            return data
        if k in _UNCHECKABLE or (k == "data" and name == "valueSignature"):
            self.dropped[f"{name if k == 'data' else k}: cannot be checked"] += 1
            return _DROPPED
        if isinstance(v, str) and (k in _DATA_URIS or (name, k) in _DATA_URIS_IN
                                   or (node.get("resourceType"), k) in _DATA_URIS_OF):
            mapped = self.fhir_reference(v)
            if mapped is None:
                self.dropped[f"{k}: not a FHIR reference"] += 1
                return _DROPPED
            return mapped
        return _PASS

    def _telling_value(self, node: dict[str, Any], name: str, owner: str | None, k: str,
                       v: Any) -> Any:
        """A value that tells by what it holds: a birth date over 89, an identifier kept as a
        code, a display naming a person of the record, a FHIRPath; else ``_PASS``."""
        if (k in ("valueDate", "valueDateTime") and isinstance(v, str)
                and _BIRTH_URL.search(str(node.get("url", ""))) and self.aggregated(v)):
            return self.aggregated(v)   # birthTime, a relative's birth date: 90+
        if (k in ("valueId", "valueCode") and name == "extension" and isinstance(v, str)
                and _holds_identifier(v)):
            return self.identifier(v)   # a legacy id or an SSN kept as a code
        if k == "display" and isinstance(v, str) and self._names_someone(v):
            return self.text(v)   # a code's display that names a person of the record
        if name == "issue" and k in ("expression", "location") and isinstance(v, list):
            # OperationOutcome: a FHIRPath can hold a searched identifier or name
            return [self.text(x) if isinstance(x, str) else x for x in v]
        return _PASS

    def _structure_value(self, node: dict[str, Any], name: str, owner: str | None, k: str,
                         v: Any) -> Any:
        """A resource's type and id, extensions, the narrative, a Reference's display and what
        is dropped anywhere; else ``_PASS``."""
        if k == "resourceType" and own_resource_type(node, owner):
            return v   # a resource's own type, one of R4's (:func:`.fhir_schema.typed`)
        if k == "id" and "resourceType" in node:
            return pseudo_id(self.key, node["resourceType"], v)
        if k in ("extension", "modifierExtension") and isinstance(v, list):
            kept = [self.walk(x, k, "Extension") for x in v if isinstance(x, dict)
                    and not any(tag in str(x.get("url", "")) for tag in _IDENTIFYING_EXTENSIONS)]
            # an extension whose value was dropped (a URI, base64) goes whole: FHIR's
            # ext-1 wants a value or nested extensions
            kept = [x for x in kept if any(f.startswith("value") or f == "extension"
                                           for f in x)]
            return kept or _DROPPED
        if k == "div":
            return _NARRATIVE  # narratives repeat the resource's data, PHI included
        if k == "display" and ("reference" in node or not {"code", "system"} & node.keys()):
            # A Reference's display names its target (a practitioner, a hospital), with a
            # reference beside it or alone; a Coding's display (with a code) is kept.
            return _DROPPED
        if k in _DROP_ANYWHERE or (k == "site" and name == "source"):
            return _DROPPED   # Provenance.signature, AuditEvent.entity.query and source.site
        return _PASS

    def _name_value(self, node: dict[str, Any], name: str, owner: str | None, k: str,
                    v: Any) -> Any:
        """A name: of a named resource, a HumanName, a device, a plan, a person's as a bare
        string; else ``_PASS``."""
        rtype = node.get("resourceType")
        if k in ("name", "alias") and rtype in _NAMED_RESOURCES and (
                not isinstance(v, list) or (v and isinstance(v[0], str))):
            return f"{node['resourceType']} {self.key.pseudonym(str(v), 'name')[:8]}"
        if k == "name" and isinstance(v, list) and owner != UNTYPED_RESOURCE:
            # (MedicinalProduct's, SubstanceSpecification's names: walked untyped)
            return [self.human_name(n, rtype in _STAFF) for n in v if isinstance(n, dict)]
        if (k in ("name", "valueHumanName") and isinstance(v, dict)
                and {"family", "given", "text"} & v.keys()):
            return self.human_name(v)   # Organization.contact.name, an extension's name
        if not isinstance(v, str):
            return _PASS
        if k == "name" and name == "deviceName":
            return f"Device {self.key.pseudonym(v, 'name')[:8]}"   # "<patient>'s pump"
        if name == "class" and "code" not in node and k in ("value", "name"):
            # Coverage.class: a group number and its plan's name
            return (self.identifier(v) if k == "value"
                    else f"Plan {self.key.pseudonym(v, 'name')[:8]}")
        if (k == "authorString" or (k == "name" and name in (
                "agent", "entity", "participant", "contact", "valueContactDetail"))
                or (k == "name" and rtype == "FamilyMemberHistory")):
            # a person's name as a bare string (Annotation.authorString, AuditEvent's
            # agent.name): the whole value is a name, found or not by the text rules
            return surrogate_name(self.key, v, self.name_scope(v))
        if k == "name" and rtype in _PEOPLE:
            return surrogate_name(self.key, v, self.patient)   # a name as one string
        return _PASS

    def _contact_value(self, node: dict[str, Any], name: str, owner: str | None, k: str,
                       v: Any) -> Any:
        """Telecoms, UIDs, identifiers and addresses; else ``_PASS``."""
        if k in ("telecom", "valueContactPoint"):
            points = v if isinstance(v, list) else [v]
            redacted = [{"system": t.get("system"), "value": "[REDACTED]"}
                        for t in points if isinstance(t, dict)]
            return redacted if isinstance(v, list) else (redacted or [None])[0]
        if k == "uid" and isinstance(v, str):
            return self.key.uid(v)   # ImagingStudy's series and instances: as DICOM de-id
        if k == "identifier" or _IDENTIFIER.match(k):
            return self.identifier(v, dicom=node.get("resourceType") == "ImagingStudy")
        if not k.endswith(("Address", "address")):
            return _PASS
        if isinstance(v, str):
            return _DROPPED   # an address written as one string: nothing of it can be kept
        if not isinstance(v, dict | list):
            return _PASS
        # a list (Patient, Organization) or one (Location, Claim.accident's
        # locationAddress, an extension's valueAddress)
        kept = ([_state_only(a) for a in v if isinstance(a, dict)] if isinstance(v, list)
                else _state_only(v))
        return _DROPPED if kept is None else kept

    def identifier(self, value: Any, dicom: bool = False) -> Any:
        """An Identifier (or a list of them, or a bare business id string) as a keyed
        pseudonym: the value never leaves, the same value always maps the same way. A DICOM
        UID (``urn:dicom:uid``, or an ImagingStudy's ``urn:oid:``) becomes the ``2.25.`` UID
        DICOM de-id gives it with the same key, so the study is found in both. Under
        ``patient_identifier``, the identifier that keys patients keeps its system and becomes
        the pseudonym DICOM de-id gives a PatientID of its value."""
        if isinstance(value, list):
            return [self.identifier(v, dicom) for v in value]
        text = value.get("value") if isinstance(value, dict) else None
        if isinstance(text, str) and (value.get("system") == "urn:dicom:uid" or (
                dicom and text.startswith("urn:oid:"))):
            oid = text.removeprefix("urn:oid:")
            return {"system": value.get("system"), "value": "urn:oid:" + self.key.uid(oid)}
        if isinstance(value, dict) and self.rule is not None and self.rule.keys(value):
            # the MRN: as DICOM de-id pseudonymises a PatientID, under its own system
            return mrn_identifier(value, self.rule,
                                  self.key.pseudonym(value["value"].strip(), "patient"))
        if isinstance(value, dict):
            return {"system": "urn:osler:pseudonym", "value": self.key.pseudonym(
                f"{value.get('system')}|{value.get('value')}", "identifier")}
        return self.key.pseudonym(f"None|{value}", "identifier")

    def human_name(self, name: dict[str, Any], staff: bool = False) -> dict[str, Any]:
        """A HumanName with the keyed stand-ins the patient's notes use for the same words
        (prefix, suffix and text dropped); a name with neither part becomes "Anon". A
        practitioner's (``staff``) has the stand-ins of no one patient, as its mentions in
        every patient's text (:meth:`name_scope`)."""
        scope = None if staff else self.patient
        family = surrogate_name(self.key, str(name.get("family") or ""), scope)
        given = [surrogate_name(self.key, str(g), scope)
                 for g in name.get("given") or [] if str(g).strip()]
        if not family and not given:
            given = ["Anon"]
        out: dict[str, Any] = {"use": name.get("use", "official")}
        if family:
            out["family"] = family
        if given:
            out["given"] = given
        return out

    def full_url(self, url: str, resource: Any) -> str:
        """An entry's fullUrl: its resource's pseudonymised ``Type/id`` on Osler's neutral
        base (:data:`DEID_BASE`: a fullUrl must be absolute, and the relative references to
        it, ``Type/id``, resolve against that base), or ``urn:uuid:`` with the pseudonym its
        uuid gets."""
        mapped = self.fhir_reference(url)
        if mapped is not None:
            return mapped if mapped.startswith("urn:") else DEID_BASE + mapped
        return entry_url(self.key, url, resource)

    def request_url(self, url: str) -> str:
        """A transaction entry's request url or response location without the source id, nor
        a conditional search (``Patient?identifier=...``): ``Type`` or ``Type/pseudo-id``."""
        rtype = url.split("?", 1)[0]
        return self.resolvable(url) or (rtype if _RESOURCE_TYPE.fullmatch(rtype)
                                        else "[REFERENCE]")

    def conditional(self, url: str) -> str | None:
        """A conditional url or reference by identifier (``Patient?identifier=sys|MRN``) with
        the identifier as :meth:`identifier` pseudonymises it, so that it still finds the
        de-identified resource; its other search criteria are dropped. None otherwise."""
        from urllib.parse import parse_qsl, quote

        rtype, _, query = url.partition("?")
        if not query or not _RESOURCE_TYPE.fullmatch(rtype):
            return None
        idents = [v for k, v in parse_qsl(query) if k == "identifier" and v]
        if not idents:
            return None
        system, bar, value = idents[0].rpartition("|")
        pseudo = self.identifier({"system": system or None, "value": value} if bar
                                 else {"system": None, "value": idents[0]})
        return f"{rtype}?identifier={quote(pseudo['system'] + '|' + pseudo['value'], safe='|:')}"

    def attachment(self, node: dict[str, Any], etype: str = "Attachment") -> dict[str, Any]:
        """An Attachment: its text de-identified in its own charset; data that cannot be read
        as text, and a url that is not a FHIR reference, dropped and counted."""
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k in ("hash", "size"):
                continue  # they describe the original content, which is changed or gone
            if k == "data" and isinstance(v, str):
                data, reason = scrub_attachment_data(v, node.get("contentType"), self.text,
                                                    self.markup, self.embedded)
                if data is None:
                    self.dropped[f"data: {reason}"] += 1
                    continue
                out[k] = data
            elif k == "url" and isinstance(v, str):
                url = self.fhir_reference(v) or self.full_urls.get(v)   # or a bundle entry
                if url is None:  # a link elsewhere may name the patient and cannot be followed
                    self.dropped["url: not a FHIR reference"] += 1
                    continue
                out[k] = url
            else:
                walked = self.walk(v, k, child_type(etype, k))
                if walked is not _DROPPED:
                    out[k] = walked
        return out


def deidentify_resource(resource: dict[str, Any], key: DeidKey, *, patient: str | None = None,
                        uuid_types: dict[str, str] | None = None,
                        known: dict[str, str] | None = None,
                        dropped: Counter | None = None,
                        links: dict[str, str] | None = None,
                        patient_identifier: str | PatientIdentifier | None = None,
                        identifiers: Mapping[str, list[Any]] | None = None,
                        staff: frozenset[str] | None = None,
                        again: bool = False) -> dict[str, Any]:
    """A de-identified copy of one resource; ``patient`` (the key of its date shift and
    surrogates) defaults to :func:`patient_of` (with ``links``), or under
    ``patient_identifier`` to that patient's identifier value (:class:`PatientKeys`, with
    ``identifiers``: Patient id -> its ``identifier`` list, as
    :attr:`KnownNames.patient_identifiers`); a resource of no patient is shifted by its own
    offset and counted in ``dropped`` under :data:`NO_PATIENT`; ``known``: name words its free
    text may mention (:meth:`KnownNames.for_resource`); ``dropped``: a Counter that counts, by
    reason, what was dropped from attachments; ``staff``: words of practitioners' names, whose
    stand-ins are no one patient's (:func:`staff_words`, its own by default). The copy carries
    :data:`DEID_LABEL`, as do the resources in its attachments' FHIR JSON; a resource that
    already does is refused unless ``again``, and one in an attachment left out and counted
    in ``dropped`` (:mod:`~osler.privacy.deid.fhir_embedded`).

    Raises
    ------
    IngestError
        Its conditional reference to its patient finds no one Patient in ``links`` (a
        :class:`~.fhir_patients.PatientLinks`); under ``patient_identifier``, its patient's
        key cannot be told (see
        :mod:`~osler.privacy.deid.fhir_keys`); the message names the resource by the pseudonym
        its id gets (:func:`record_name`), never by its id nor a value.
    """
    dropped = Counter() if dropped is None else dropped
    if not again and labelled(resource):
        raise IngestError(ALREADY_DEIDENTIFIED, record=record_name(key, resource))
    keys = (PatientKeys(patient_identifier, identifiers, shown=shown_patient(key))
            if patient_identifier is not None else None)
    if patient is None:
        try:
            patient = patient_or_own(resource, links, dropped, keys=keys)
        except IngestError as exc:
            raise IngestError(exc.reason, record=record_name(key, resource)) from None
    walker = _Walker(key, patient, uuid_types or {}, known or None, dropped,
                     rule=keys.rule if keys else None, links=links, keys=keys,
                     identifiers=patient_identifier_values(resource, links, identifiers),
                     staff=staff_words([resource]) if staff is None else staff, again=again)
    try:
        return label(walker.walk(copy.deepcopy(resource)))
    except ShapeError as exc:
        raise ShapeError(exc.reason, record=record_name(key, resource)) from None


def deidentify_bundle(bundle: dict[str, Any], key: DeidKey, *, names: KnownNames | None = None,
                      dropped: Counter | None = None,
                      patient_identifier: str | PatientIdentifier | None = None,
                      on_refused: Callable[[IngestError], None] | None = None,
                      again: bool = False) -> dict[str, Any]:
    """A de-identified copy of a Bundle (or a single resource).

    Each entry uses the date shift (and pseudonyms) of the patient it belongs to
    (:func:`patient_of`: by reference, ``urn:uuid``, identifier or a conditional reference
    ``Patient?identifier=SYSTEM|VALUE``, resolved as ingest resolves it), so each patient's timeline
    keeps its intervals; an entry linked to no patient takes the Bundle's only Patient, or,
    when the Bundle has none or several, its own offset (counted under :data:`NO_PATIENT`).
    ``urn:uuid`` references are remapped consistently with entry ``fullUrl``s. Free text is
    checked with the names of every person in the Bundle and, for a single resource, with
    those ``names`` holds for it.

    Parameters
    ----------
    bundle : dict
        A FHIR R4 Bundle or any single resource, as parsed JSON.
    key : DeidKey
        The shared de-identification key.
    names : KnownNames, optional
        People's names (and patients' identifiers) from elsewhere in the export (bulk NDJSON).
    dropped : collections.Counter, optional
        Counts, by reason (never content), the attachment data and urls that were dropped
        because they could not be checked for PHI (PDFs, images, invalid base64 ...), and the
        resources of no known patient.
    patient_identifier : str or PatientIdentifier, optional
        Key each patient's pseudonyms and date shift by the value of its identifier of this
        ``Identifier.system`` URI or HL7 v2-0203 type code (``'MR'``), as DICOM de-id keys
        them by ``PatientID`` and notes by their ``patient``, instead of by ``Patient.id``;
        that identifier keeps its system, with the pseudonym a DICOM PatientID of its value
        gets (:mod:`~osler.privacy.deid.fhir_keys`). Resource ids stay pseudonyms of their
        own. A patient read from another file of the export comes from ``names``.
    on_refused : callable, optional
        Receives an :class:`~osler.errors.IngestError` (naming the entry by position and
        pseudonym, :func:`record_name`, never by its id nor a value)
        for each entry left out because its patient cannot be told: one that references its
        patient conditionally (``Patient?identifier=SYSTEM|VALUE``) when no Patient, or
        several, of the Bundle or ``names`` has that identifier (ingest quarantines it too);
        and under ``patient_identifier``, one whose patient's key cannot be told: a Patient
        without that identifier or with two values of it, and every resource of such a
        patient or of a Patient not read. Without it, the first is raised. A single resource
        so refused always raises. An entry (or a Bundle) that carries :data:`DEID_LABEL`, as
        this function's output does, is refused the same way (:data:`ALREADY_DEIDENTIFIED`).
    again : bool
        De-identify resources that carry :data:`DEID_LABEL` too (a second shift).

    The output Bundle and each entry's resource carry :data:`DEID_LABEL`, as do the resources
    in attachments' FHIR JSON; one of those that already does is left out unless ``again``,
    and counted in ``dropped`` under :data:`~.fhir_labels.EMBEDDED_DEIDENTIFIED`.

    Examples
    --------
    >>> from osler.privacy.keys import DeidKey
    >>> key = DeidKey(b"k" * 32)
    >>> mrn = {"system": "http://hospital.example.org/mrn", "value": "MRN-0001"}
    >>> patient = {"resourceType": "Patient", "id": "f81d4fae", "identifier": [mrn]}
    >>> out = deidentify_bundle(patient, key, patient_identifier=mrn["system"])
    >>> out["identifier"][0]["value"] == key.pseudonym("MRN-0001", "patient")  # = PatientID's
    True
    >>> out["id"] == key.pseudonym("f81d4fae", "patient")   # the resource id: its own
    True
    """
    dropped = Counter() if dropped is None else dropped
    if bundle.get("resourceType") != "Bundle":
        links = names.patient_links if names is not None else None
        known = {**(names.for_resource(bundle) if names is not None else {}),
                 **name_words(bundle)}
        return deidentify_resource(
            bundle, key, dropped=dropped, links=links, known=known,
            patient_identifier=patient_identifier,
            identifiers=names.patient_identifiers if names is not None else None,
            staff=staff_words([bundle]) | (names.staff_for(bundle) if names is not None
                                           else frozenset()), again=again)
    if not again and labelled(bundle):
        raise IngestError(ALREADY_DEIDENTIFIED, record=record_name(key, bundle))
    keys = (PatientKeys(patient_identifier, names.patient_identifiers if names else None,
                        shown=shown_patient(key))
            if patient_identifier is not None else None)
    entries = bundle.get("entry") or []
    uuid_types: dict[str, str] = {}
    full_urls: dict[str, str] = {}
    links = names.patient_links.copy() if names is not None else PatientLinks()
    patients: list[str] = []
    for e in entries:
        res = e.get("resource") or {}
        url = e.get("fullUrl", "")
        uuid = uuid_of(url)
        if uuid:
            uuid_types[uuid] = res.get("resourceType")
        elif isinstance(url, str) and url and not _URL_REFERENCE.match(url):
            full_urls.setdefault(url, entry_url(key, url, res))
        if res.get("resourceType") == "Patient":
            links.add_patient(res, url if isinstance(url, str) else None)
            pid = entry_patient_id(res, url if isinstance(url, str) else None)
            if pid and pid not in patients:
                patients.append(pid)
            if keys is not None:
                keys.add(res, url if isinstance(url, str) else None)
    for e in entries:   # then each Encounter's patient, for what names only its encounter
        res = e.get("resource") if isinstance(e, dict) else None
        if isinstance(res, dict) and res.get("resourceType") == "Encounter":
            url = e.get("fullUrl")
            links.update(encounter_links(res, links, url if isinstance(url, str) else None))
    only = only_patient(patients, keys)
    known = known_names(entries)
    staff = staff_words([e.get("resource") for e in entries if isinstance(e, dict)])
    # every Patient's identifier values in the Bundle, as its names: free text that repeats
    # one (an MRN with no "MRN" before it) is naming that patient
    bundle_idents = identifier_values(*(
        e["resource"].get("identifier") for e in entries
        if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        and e["resource"].get("resourceType") == "Patient"), *(
        p.get("identifier") for e in entries if isinstance(e, dict)
        for p in embedded_patients(e.get("resource"))))
    if names is not None:
        for pid in patients:
            known = {**names.for_resource({"resourceType": "Patient", "id": pid}), **known}

    def walker(patient: str, res: Any = None) -> _Walker:
        # the export's names for this entry too (--names-from), Patient in the Bundle or not
        extra = names.for_resource(res) if names is not None and isinstance(res, dict) else {}
        idents = bundle_idents
        if names is not None and names.patient_identifiers:
            idents = tuple(sorted({*idents, *patient_identifier_values(
                res, links, names.patient_identifiers)}))
        return _Walker(key, patient, uuid_types, {**extra, **known} if extra else known,
                       dropped, full_urls, rule=keys.rule if keys else None,
                       links=links, keys=keys, identifiers=idents, staff=staff | (
                           names.staff_for(res) if names is not None and isinstance(res, dict)
                           else frozenset()), again=again)

    # the Bundle's own elements (identifier, timestamp, link ...) as any element's
    own = {k: v for k, v in bundle.items() if k not in ("entry", "id", "resourceType")}
    bundle_walker = walker(only or _own_key(bundle))
    out: dict[str, Any] = {"resourceType": "Bundle"}
    if "id" in bundle:
        out["id"] = key.pseudonym(str(bundle["id"]), "fhir-id")
    try:
        out.update(bundle_walker.element(copy.deepcopy(own), "", "Bundle"))
    except ShapeError as exc:   # the Bundle's own elements: nothing of it is written
        raise ShapeError(exc.reason, record=record_name(key, bundle)) from None
    out["entry"] = []
    for index, e in enumerate(entries):
        res = e.get("resource") if isinstance(e, dict) else None
        url = e.get("fullUrl") if isinstance(e, dict) else None
        try:
            if not again and labelled(res):
                raise IngestError(ALREADY_DEIDENTIFIED)
            patient = entry_patient(res, url, bundle, links, dropped, only, keys)
            entry = walker(patient, res).walk(copy.deepcopy(e), "", "BundleEntry")
        except IngestError as exc:   # its patient cannot be told, or a ShapeError
            exc = IngestError(exc.reason, record=record_name(key, res, index))
            if on_refused is None:
                raise exc from None
            on_refused(exc)
            continue
        if isinstance(entry, dict):
            label(entry.get("resource"))
        out["entry"].append(entry)
    return label(out)
