"""Which patient a FHIR resource belongs to, and whose names its free text may mention.

The date shift and pseudonyms of a resource are its patient's (:func:`patient_of`); the names
its text is checked with are those of the people its Bundle or export holds
(:func:`known_names`, :class:`KnownNames`).
"""

from __future__ import annotations

import re
from typing import Any

from osler.privacy.deid.clinicians import NAME_WORD
from osler.privacy.deid.visible import visible
from osler.privacy.deid.vocab import ADDRESS_WORDS
from osler.record import IdentifierIndex, conditional_identifiers

__all__ = ["KnownNames", "NO_PATIENT", "PatientLinks", "Unresolved", "embedded_patients",
           "encounter_key", "encounter_links", "entry_patient_id", "identifier_of_key",
           "known_names", "name_words", "patient_links", "patient_of", "staff_words",
           "unresolved_reason", "uuid_of"]

# A literal reference as a URL: relative or absolute (the server's base kept out of the
# output), optionally versioned.
_URL_REFERENCE = re.compile(r"^(?:https?://[^\s?#]+/)?(?P<type>[A-Z][A-Za-z]+)/"
                            r"(?P<id>[A-Za-z0-9\-.]{1,64})"
                            r"(?:/_history/(?P<version>[A-Za-z0-9\-.]{1,64}))?$")
_UUID_REF = re.compile(r"^(?i:urn:uuid:)(?P<id>[0-9a-fA-F-]{36})$")


def uuid_of(url: object) -> str | None:
    """The uuid of a ``urn:uuid:`` url in lower case, or None: UUIDs are case-insensitive
    (RFC 4122), so an entry's "urn:uuid:3F2A..." fullUrl is what "urn:uuid:3f2a..." names.

    >>> uuid_of("urn:uuid:3F2A0C1E-0000-4000-8000-00000000000A")
    '3f2a0c1e-0000-4000-8000-00000000000a'
    """
    m = _UUID_REF.match(url) if isinstance(url, str) else None
    return m["id"].lower() if m else None

#: Elements that link a resource to its patient: a Reference, a list of them (Account.subject,
#: Provenance.target, Schedule.actor, Communication.recipient, Observation.focus) or, in
#: Appointment.participant, their ``actor``. Only a reference to a Patient counts.
_PATIENT_LINKS = ("subject", "patient", "beneficiary", "for", "target", "participant",
                  "focus", "actor", "recipient", "sender", "individual")


class Unresolved(str):
    """What :func:`patient_of` gives for a conditional reference
    (``Patient?identifier=SYSTEM|VALUE``) that finds no one Patient: no patient's id, but
    why (``reason``, no PHI) and the ``criteria`` it searched by. Such a resource is refused,
    as ingest quarantines it, since any other key would shift its dates by another patient's
    offset, or by one of its own, silently; keyed by the MRN, criteria naming the MRN key it
    (:meth:`~.fhir_keys.PatientKeys.conditional_key`)."""

    reason: str
    criteria: tuple[tuple[str | None, str], ...]
    #: The ids of the Patients it found, when it found several.
    candidates: tuple[str, ...]

    def __new__(cls, reason: str, criteria: tuple[tuple[str | None, str], ...] = (),
                candidates: tuple[str, ...] = ()) -> Unresolved:
        self = super().__new__(cls, "\x00unresolved")
        self.reason, self.criteria, self.candidates = reason, criteria, candidates
        return self


def unresolved_reason(pid: str | None) -> str | None:
    """Why :func:`patient_of`'s answer ``pid`` names no patient, or None when it names one."""
    return pid.reason if isinstance(pid, Unresolved) else None


class PatientLinks(dict[str, str]):
    """What references to patients may name instead of their ids -> their ids (see
    :func:`patient_links`), and the patients by identifier, so that a conditional reference
    (``Patient?identifier=SYSTEM|VALUE``) finds its Patient as ingest finds it
    (:class:`osler.record.IdentifierIndex`)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.identifiers = IdentifierIndex()

    def add_patient(self, patient: dict[str, Any], full_url: str | None = None) -> None:
        """Take the links of the Patient resource ``patient``."""
        self.update(patient_links(patient, full_url))
        pid = entry_patient_id(patient, full_url)
        if pid is not None:
            self.identifiers.add(pid, patient)

    def copy(self) -> PatientLinks:
        out = PatientLinks(self)
        out.identifiers = self.identifiers.copy()
        return out


def patient_of(resource: dict[str, Any], links: dict[str, str] | None = None) -> str | None:
    """The source id of the patient a resource belongs to (``Patient.id`` or its reference).

    ``links`` maps ``urn:uuid`` ids and ``identifier:system|value`` keys to Patient ids (see
    :func:`patient_links`); a reference by identifier that it does not resolve keys the
    patient by that identifier, which is still that one patient's. A conditional reference
    (``Patient?identifier=SYSTEM|VALUE``) resolves through a :class:`PatientLinks` to the one
    Patient with that identifier, as ``Patient/<id>`` would; when it finds none or several,
    the answer is an :class:`Unresolved` that says why (:func:`unresolved_reason`)."""
    if resource.get("resourceType") == "Patient":
        return resource.get("id")
    for field in _PATIENT_LINKS:
        value = resource.get(field)
        refs = value if isinstance(value, list) else [value]
        for ref in refs:
            if isinstance(ref, dict) and field == "participant":
                ref = ref.get("actor")
            found = _patient_reference(ref, links) if isinstance(ref, dict) else None
            if found:
                return found
    return _patient_by_encounter(resource, links or {})


def encounter_key(ref: object) -> str | None:
    """``Encounter/<id>`` for a reference to an Encounter (relative, absolute or by its
    ``urn:uuid``), the key :func:`encounter_links` files its patient under."""
    text = ref.get("reference") if isinstance(ref, dict) else None
    if not isinstance(text, str):
        return None
    m = _URL_REFERENCE.match(text)
    if m and m["type"] == "Encounter":
        return f"Encounter/{m['id']}"
    uuid = uuid_of(text)
    return f"Encounter/{uuid}" if uuid else None


def encounter_links(encounter: dict[str, Any], links: dict[str, str],
                    full_url: str | None = None) -> dict[str, str]:
    """``Encounter/<id>`` (and its ``urn:uuid``) -> the patient of ``encounter``, so that a
    resource linked to its patient only through its encounter finds that patient."""
    patient = patient_of(encounter, links)
    if not patient or encounter.get("resourceType") != "Encounter":
        return {}
    out = {}
    if isinstance(encounter.get("id"), str) and encounter["id"]:
        out[f"Encounter/{encounter['id']}"] = patient
    uuid = uuid_of(full_url)
    if uuid:
        out[f"Encounter/{uuid}"] = patient
    return out


def _patient_by_encounter(resource: dict[str, Any], links: dict[str, str]) -> str | None:
    """The patient of the encounter ``resource`` names (``encounter``, or a
    DocumentReference's ``context.encounter``), when ``links`` knows it."""
    holder = resource.get("context")
    refs = [resource.get("encounter")] + (holder.get("encounter") or [] if isinstance(
        holder, dict) and isinstance(holder.get("encounter"), list) else [holder])
    for ref in refs:
        key = encounter_key(ref)
        if key and key in links:
            return links[key]
    return None


def _patient_reference(ref: dict[str, Any], links: dict[str, str] | None) -> str | None:
    """The patient a Reference points to, if it points to one."""
    text = ref.get("reference", "")
    try:
        conditional = conditional_identifiers(text)
    except ValueError as exc:
        return Unresolved(str(exc)) if text.split("?")[0].endswith("Patient") else None
    if conditional is not None:
        if conditional.resource_type != "Patient":
            return None
        index = links.identifiers if isinstance(links, PatientLinks) else IdentifierIndex()
        try:
            return index.resolve(conditional)
        except ValueError as exc:
            return Unresolved(str(exc), conditional.criteria,
                              tuple(sorted(index.matches(conditional))))
    m = _URL_REFERENCE.match(text) if isinstance(text, str) else None
    if m and m["type"] == "Patient":
        return m["id"]
    uuid = uuid_of(text)
    if uuid and (links and uuid in links or ref.get("type") in (None, "Patient")):
        # a patient linked by its uuid; outside a Bundle (separate files of one export)
        # the uuid itself keys the patient, so that its resources share one shift
        return (links or {}).get(uuid, uuid)
    ident = ref.get("identifier")
    if isinstance(ident, dict) and ident.get("value") and ref.get("type") in (None, "Patient"):
        key = _identifier_key(ident)
        return (links or {}).get(key, key)
    return None


_IDENTIFIER_KEY = "identifier:"


def _identifier_key(ident: dict[str, Any]) -> str:
    return f"{_IDENTIFIER_KEY}{ident.get('system') or ''}|{ident.get('value')}"


def identifier_of_key(key: str) -> tuple[str | None, str] | None:
    """``(system, value)`` of a patient key that :func:`patient_of` made from a reference by
    identifier (its Patient not read), else None.

    >>> identifier_of_key("identifier:urn:mrn|A-1"), identifier_of_key("p1")
    (('urn:mrn', 'A-1'), None)
    """
    if not key.startswith(_IDENTIFIER_KEY):
        return None
    system, _, value = key.removeprefix(_IDENTIFIER_KEY).partition("|")
    return system or None, value


def patient_links(patient: dict[str, Any], full_url: str | None = None) -> dict[str, str]:
    """What references to ``patient`` may name instead of its id -> its id: the uuid of its
    ``urn:uuid`` fullUrl and its identifiers (as :func:`patient_of` keys them)."""
    pid = entry_patient_id(patient, full_url)
    uuid = uuid_of(full_url)
    if pid is None:
        return {}
    out = {uuid: pid} if uuid else {}
    for ident in patient.get("identifier") or []:
        if isinstance(ident, dict) and ident.get("value"):
            out[_identifier_key(ident)] = pid
    return out


def entry_patient_id(patient: dict[str, Any], full_url: str | None = None) -> str | None:
    """The id that keys a Patient entry: its ``id``, else the uuid of its ``urn:uuid``
    fullUrl, else the id at the end of an absolute fullUrl (``.../Patient/123``): what the
    references of its resources resolve to."""
    pid = patient.get("id")
    if isinstance(pid, str) and pid:
        return pid
    uuid = uuid_of(full_url)
    if uuid:
        return uuid
    m = _URL_REFERENCE.match(full_url or "")
    return m["id"] if m and m["type"] == "Patient" else None


def _own_key(resource: dict[str, Any]) -> str:
    """The date-shift key of a resource whose patient cannot be told: its own ``Type/id``, so
    that unlinked resources do not all share the one offset of the empty patient id."""
    rid = resource.get("id")
    if not isinstance(rid, str) or not rid:   # no id: its content tells it from the others
        import hashlib
        import json

        rid = "#" + hashlib.sha256(json.dumps(resource, sort_keys=True, default=str)
                                   .encode()).hexdigest()[:16]
    return f"{resource.get('resourceType')}/{rid}"


#: The reason under which resources of no known patient are counted.
NO_PATIENT = "resources of no known patient (each shifted by its own offset)"


def known_names(entries: list[dict[str, Any]]) -> dict[str, str]:
    """The words of every person's name in a Bundle (patient, relatives, practitioners), as
    :func:`~osler.privacy.deid.detect.detect_phi` takes them: a note in the Bundle that
    mentions one is naming that person, even where no rule would have found it."""
    words: dict[str, str] = {}
    for e in entries:
        words.update(name_words(e.get("resource") or {}))
    return words


_PEOPLE = ("Patient", "RelatedPerson", "Practitioner", "Person")
#: People who are no patient's: practitioners. Their names' stand-ins are the same for every
#: patient, where patients' and relatives' are each patient's own.
_STAFF = ("Practitioner",)


def staff_words(resources: list[Any]) -> frozenset[str]:
    """Lower-case words of the practitioners' names among ``resources`` (contained ones
    too), less any word of a patient's or relative's name there ("Brown" both a doctor's
    and a patient's name stays the patient's)."""
    staff: dict[str, str] = {}
    others: dict[str, str] = {}
    stack: list[Any] = list(resources)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            rtype = node.get("resourceType")
            for name in _as_list(node.get("name")) if rtype in _PEOPLE else []:
                _add_name_words(name, staff if rtype in _STAFF else others)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(staff.keys() - others.keys())


def name_words(resource: dict[str, Any]) -> dict[str, str]:
    """Lower-case words of the people's names a resource holds -> "NAME", and of the
    patient's own addresses -> "LOCATION".

    A person resource's own names, and every HumanName inside any resource: a Patient's or
    an Organization's contacts, contained resources (a RelatedPerson), extensions'
    ``valueHumanName``, FHIR resources in an attachment's JSON data; a Patient's (or a
    RelatedPerson's) address: its city, postal code and the words of its street ("12
    Juniper Lane" -> "juniper"), which its notes may repeat ("walks to Juniper Lane",
    "Kodiak 99615"). Empty for a resource that names no one."""
    words: dict[str, str] = {}
    if not isinstance(resource, dict):
        return words
    if resource.get("resourceType") in _PEOPLE:
        for name in resource.get("name") or []:
            _add_name_words(name, words)
    stack: list[Any] = [resource]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("resourceType") in _ADDRESSED:
                for address in _as_list(node.get("address")):
                    _add_address_words(address, words)
            for k, v in node.items():
                for name in (v if isinstance(v, list) else [v]):
                    if (k in ("name", "valueHumanName") and isinstance(name, dict)
                            and {"family", "given"} & name.keys()):
                        _add_name_words(name, words)
            stack.extend(node.values())
            stack.extend(_embedded_resources(node))
        elif isinstance(node, list):
            stack.extend(node)
    return words


#: Resources whose addresses are the patient's (its own, its family's): their words are PHI
#: wherever the record repeats them; a practitioner's or a hospital's address is not added
#: (its street words would be redacted from every note that references it).
_ADDRESSED = ("Patient", "RelatedPerson")
# Words of a street line that name no place: the street's type, a direction, a unit, and the
# shortened types and building words a structured Address line may hold.
_MORE_STREET_WORDS = frozenset("av aly alley row loop rte fl floor bldg building".split())
_STREET_WORDS = ADDRESS_WORDS | _MORE_STREET_WORDS
# A word of an address line or city ("Juniper", "Saint-Paul"), or a postal code ("99615",
# "99615-1234", "SW1A 1AA" as its two parts).
_ADDRESS_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]+")
_POSTAL_CODE = re.compile(r"[A-Za-z0-9]{2,10}")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# Town and street words that are clinical or everyday words the lexicons do not list: a
# patient of "Normal, IL" would otherwise lose every "Normal exam" of their notes.
_EVERYDAY_PLACE_WORDS = frozenset({"normal", "reading", "mobile", "orange"})


def _add_address_words(address: Any, words: dict[str, str]) -> None:
    """The city, street words and postal code of one Address -> "LOCATION" (a word of a
    name already known stays "NAME"). Street, city and district words that are everyday
    words ("Main", "Park", a town "Mission" or "Normal") are left out: known words are
    redacted wherever written capitalised, and "Normal exam" or "Mission accomplished" are
    no one's address. Such a town is then redacted only where its address is (the
    structured Address keeps its state alone)."""
    if not isinstance(address, dict):
        return
    from osler.privacy.deid.detect import everyday_words

    everyday = everyday_words() | _EVERYDAY_PLACE_WORDS
    for part in [*_as_list(address.get("line")), address.get("city"), address.get("district")]:
        for w in _ADDRESS_WORD.findall(visible(str(part or ""))):
            if w.lower() not in _STREET_WORDS and w.lower() not in everyday:
                words.setdefault(w.lower(), "LOCATION")
    for code in _POSTAL_CODE.findall(visible(str(address.get("postalCode") or ""))):
        if len(code) >= 3:
            words.setdefault(code.lower(), "LOCATION")


# JSON media types, whose data may hold FHIR resources (application/fhir+json, text/json).
_JSON_TYPE = re.compile(r"^\s*[a-z]+/(?:[a-z0-9.-]+\+)?(?:x-)?json\s*(?:;|$)", re.I)
# Other text types, whose data is read as FHIR when it parses as a resource (text/plain).
_TEXT_TYPE = re.compile(r"^\s*text/", re.I)


def embedded_patients(resource: Any) -> list[dict[str, Any]]:
    """The Patients inside ``resource``'s attachments' JSON data (a DocumentReference whose
    ``application/fhir+json`` attachment is another patient's record), whose identifiers its
    other attachments may repeat (a CSV row "...,QX-4471-ZZ")."""
    found: list[dict[str, Any]] = []
    stack: list[Any] = [resource]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            inner = _embedded_resources(node)
            found.extend(r for r in inner if r.get("resourceType") == "Patient")
            stack.extend(node.values())
            stack.extend(inner)
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _embedded_resources(node: dict[str, Any]) -> list[Any]:
    """The FHIR resources in an Attachment's JSON ``data`` (``application/fhir+json``), whose
    names (and a patient's address) the record's other text may mention; none when the data
    is not JSON that parses."""
    import base64
    import binascii
    import json

    data, ctype = node.get("data"), node.get("contentType")
    if not (isinstance(data, str) and isinstance(ctype, str)
            and (_JSON_TYPE.match(ctype) or _TEXT_TYPE.match(ctype))):
        return []
    try:
        value = json.loads(base64.b64decode("".join(data.split()), validate=True)
                           .decode("utf-8-sig"))
    except (binascii.Error, ValueError, RecursionError):
        return []
    found = [v for v in _as_list(value) if isinstance(v, dict)]
    if _JSON_TYPE.match(ctype):
        return found
    # "text/plain" data: FHIR only when every item is a resource, as the attachment reads it
    return found if found and all(isinstance(v.get("resourceType"), str) for v in found) else []


def _add_name_words(name: Any, words: dict[str, str]) -> None:
    if not isinstance(name, dict):
        return
    for part in [name.get("family"), *(name.get("given") or []), name.get("text")]:
        # as a reader sees it: a zero-width character does not split "Jo\u200bhn" in two
        for w in NAME_WORD.findall(visible(str(part or ""))):
            words[w.lower()] = "NAME"


class KnownNames:
    """People's names met in FHIR resources outside a Bundle (bulk NDJSON: ``Patient.ndjson``
    beside ``DocumentReference.ndjson``), for the resources that concern them.

    A resource's free text is checked with the names of its patient (the Patient's own and
    its RelatedPersons') and of every person it references (``author``, ``performer``, ...).
    A practitioner's name is not applied to every note of a hospital's export: thousands of
    surnames ("White", "Young") would redact everyday words everywhere.
    """

    def __init__(self) -> None:
        self._of_patient: dict[str, dict[str, str]] = {}
        self._of_reference: dict[str, dict[str, str]] = {}
        #: Words of practitioners' names, by the keys references to them take.
        self._staff: dict[str, frozenset[str]] = {}
        #: Patients' uuids and identifiers -> their ids (:func:`patient_links`).
        self.patient_links = PatientLinks()
        #: Patients' ids -> their ``identifier`` lists, whose MRN keys the patient's
        #: de-identification under ``patient_identifier`` (:mod:`.fhir_keys`).
        self.patient_identifiers: dict[str, list[Any]] = {}
        #: Every patient's name words (built when first needed, see :meth:`for_resource`).
        self._any_patient: dict[str, str] | None = None

    def add(self, resource: dict[str, Any], full_url: str | None = None) -> None:
        """Take the names of ``resource`` (a person) under every form a reference to it may
        take: ``Type/id``, its Bundle ``fullUrl``, and ``Type?identifier=[system|]value``;
        a Patient's identifiers also link resources that reference it by identifier."""
        if resource.get("resourceType") == "Patient":
            self.patient_links.add_patient(resource, full_url)
            pid, idents = entry_patient_id(resource, full_url), resource.get("identifier")
            if pid is not None:
                self.patient_identifiers[pid] = idents if isinstance(idents, list) else []
        elif resource.get("resourceType") == "Encounter":
            self.patient_links.update(encounter_links(resource, self.patient_links, full_url))
        words = name_words(resource)
        if not words:
            return
        rtype, rid = resource.get("resourceType"), resource.get("id")
        if rtype in ("Patient", "RelatedPerson"):
            patient = patient_of(resource)
            if patient:
                self._of_patient.setdefault(patient, {}).update(words)
                self._any_patient = None
        keys = [f"{rtype}/{rid}"] if isinstance(rid, str) and rid else []
        if full_url:
            keys.append(_canonical(full_url))
        for ident in resource.get("identifier") or []:
            if isinstance(ident, dict) and ident.get("value"):
                keys.append(f"{rtype}?identifier={ident['value']}")
                if ident.get("system"):
                    keys.append(f"{rtype}?identifier={ident['system']}|{ident['value']}")
        staff = staff_words([resource])
        for key in keys:
            self._of_reference.setdefault(key, {}).update(words)
            if staff:
                self._staff[key] = self._staff.get(key, frozenset()) | staff

    def for_resource(self, resource: dict[str, Any]) -> dict[str, str]:
        """The name words that ``resource``'s free text may mention: its patient's, its
        references' and, for a resource of no patient (an AuditEvent that references none),
        the words of any patient's name that its strings hold (found word by word, so that
        an export of thousands of patients costs no more per resource)."""
        pid = patient_of(resource, self.patient_links)
        out = dict(self._of_patient.get(pid or "", {}))
        if pid is None and resource.get("resourceType") != "Patient" and self._of_patient:
            out.update(self._any_patient_words(resource))
        for ref in _references(resource):
            out.update(self._of_reference.get(ref, {}))
        return out

    def _any_patient_words(self, resource: dict[str, Any]) -> dict[str, str]:
        """The words of ``resource``'s strings that are words of some patient's name."""
        if self._any_patient is None:
            self._any_patient = {w: t for words in self._of_patient.values()
                                 for w, t in words.items() if t == "NAME"}
        found: dict[str, str] = {}
        stack: list[Any] = [resource]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str):
                for word in _WORD.findall(item):
                    low = word.lower()
                    if low in self._any_patient:
                        found[low] = self._any_patient[low]
        return found

    def staff_for(self, resource: dict[str, Any]) -> frozenset[str]:
        """Words of the names of the practitioners ``resource`` references, less its
        patient's: their stand-ins are no one patient's (:func:`staff_words`)."""
        words = frozenset().union(*(self._staff.get(ref, frozenset())
                                    for ref in _references(resource)))
        return words - self.for_resource(
            {"resourceType": "Patient", "id": patient_of(resource, self.patient_links) or ""}
        ).keys() if words else words

    def __len__(self) -> int:
        return len(self._of_reference)


_WORD = re.compile(r"[^\W\d_]+")   # letters: "Quenington's" holds "quenington"


def _canonical(url: str) -> str:
    """A url as :class:`KnownNames` keys it: a ``urn:uuid:`` in lower case (see
    :func:`uuid_of`)."""
    uuid = uuid_of(url)
    return f"urn:uuid:{uuid}" if uuid else url


def _references(node: Any) -> set[str]:
    """Every reference inside ``node``, as :meth:`KnownNames.add` keys them: ``Type/id`` (also
    from an absolute URL or a versioned one), ``urn:uuid:...``, ``Type?identifier=...``."""
    from urllib.parse import unquote

    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("reference")
            if isinstance(ref, str) and ref:
                if uuid_of(ref):
                    found.add(_canonical(ref))
                elif "?identifier=" in ref:
                    found.add(unquote(ref))
                else:
                    m = _URL_REFERENCE.match(ref)
                    if m:
                        found.add(f"{m['type']}/{m['id']}")
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
