"""What a FHIR element is, by its name and value, for :mod:`osler.privacy.deid.fhir`.

Identifier and Attachment elements under names of their own, the shapes of a value that the
walker de-identifies by a rule of its own rather than refuses, codes shaped as identifiers,
and an Address down to its state. Split out of :mod:`osler.privacy.deid.fhir`, which imports
them back.
"""

from __future__ import annotations

import re
from typing import Any

from osler.privacy.deid.fhir_patients import _PEOPLE

# Elements of type Identifier (or a business id) under names other than "identifier".
_IDENTIFIER = re.compile(r"^(?:[a-z][A-Za-z]*Identifier|requisition|preAuthRef|subscriberId|"
                         r"serialNumber|lotNumber|deviceIdentifier|carrierHRF|carrierAIDC|altId|"
                         r"accession|valueIdentifier|businessArrangement)$")
# Elements of type Attachment (DocumentReference.content.attachment, Observation's
# valueAttachment, DiagnosticReport.presentedForm, Communication's contentAttachment ...).
_ATTACHMENTS = re.compile(r"^(?:attachment|presentedForm|photo|[a-z][A-Za-z]*Attachment)$")


def _is_attachment(name: str, node: dict[str, Any]) -> bool:
    # Media.content is an Attachment too; DocumentReference.content is not (it holds one)
    return bool(_ATTACHMENTS.match(name)) or (
        name == "content" and "attachment" not in node
        and bool({"data", "contentType", "url"} & node.keys()))


def _handled_shape(owner: str, k: str, v: Any) -> bool:
    """Whether ``v``, of a shape R4 does not give ``owner``'s element ``k``, is one that
    :meth:`_Walker.element` de-identifies by a rule of its own rather than refuses: an
    identifier or contact point of any shape (pseudonymised, redacted), an address as one
    string (dropped), a person's name as one string (a stand-in), an extension list's
    items that are no extension (dropped)."""
    return (k in ("identifier", "telecom", "valueContactPoint") or bool(_IDENTIFIER.match(k))
            or isinstance(v, str) and (k.endswith(("Address", "address"))
                                       or k == "name" and owner in _PEOPLE)
            or k in ("extension", "modifierExtension") and isinstance(v, list))


_BIRTH_URL = re.compile(r"birth|born", re.I)
_IDENTIFYING_TYPES = frozenset({"EMAIL", "URL", "IP", "PHONE", "ID"})
#: What codes look like: digits (and dots), or one letter before digits (a UMLS CUI).
_CODE_SHAPE = re.compile(r"[A-Za-z]?\d+(?:\.\d+)*")


def _holds_identifier(value: str) -> bool:
    """Whether a code or id found in an extension is shaped like an identifier (SSN, phone,
    medical record number ...), by the text rules' patterns alone."""
    from osler.privacy.deid.detect import detect_phi

    if _CODE_SHAPE.fullmatch(value):
        return False   # a clinical code or OID (SNOMED 248152002, CUI C0011849, 1.2.840...)
    return any(s.type in _IDENTIFYING_TYPES for s in detect_phi(value, tagger=None))


def _state_only(address: dict[str, Any]) -> dict[str, Any]:
    """An Address down to its state and country (Safe Harbor)."""
    return {k: address[k] for k in ("state", "country") if k in address}
