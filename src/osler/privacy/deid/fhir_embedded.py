"""FHIR resources in an attachment's JSON data, de-identified as top-level ones are.

Each embedded resource is keyed by its own patient, gets the PSEUDED security label
(:data:`~osler.privacy.deid.fhir_labels.DEID_LABEL`) as a top-level resource does, and one
that already carries it is left out and counted unless ``again``, as a top-level one is
refused: walking it again would shift its dates a second time (parting it from the images
and notes de-identified once), and trusting the label to write it as it came would let
anyone's PHI through under a copied label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from osler.errors import IngestError
from osler.privacy.deid.fhir_attachments import DataLeftOut
from osler.privacy.deid.fhir_entries import patient_or_own
from osler.privacy.deid.fhir_ids import identifier_values
from osler.privacy.deid.fhir_labels import EMBEDDED_DEIDENTIFIED, label, labelled
from osler.privacy.deid.fhir_patients import (PatientLinks, encounter_links, entry_patient_id,
                                              name_words, staff_words)
from osler.privacy.deid.fhir_schema import ShapeError

__all__ = ["DROPPED", "ONLY_DEIDENTIFIED", "EmbeddedResources"]

#: What a walker gives for a value that is left out of the output.
DROPPED = object()
#: Why an attachment's data is dropped when every resource in it was left out.
ONLY_DEIDENTIFIED = "only resources already de-identified (meta.security PSEUDED)"
#: Why an attachment's data is dropped when a resource in it contradicts its R4 types.
MALFORMED = "FHIR JSON whose elements contradict their R4 types"


class EmbeddedResources:
    """The part of FHIR de-id's walker that reads an attachment's FHIR JSON (a mixin: the
    walker gives ``key``, ``patient``, ``known``, ``identifiers``, ``links``, ``keys``,
    ``staff``, ``dropped``, ``again`` and ``walk``; ``child`` makes a walker of the same
    record for another patient)."""

    def child(self, patient: str | None, **changes: Any) -> Any:   # pragma: no cover
        raise NotImplementedError

    def embedded(self, value: Any) -> Any:
        """FHIR resources (one, a list, or a Bundle) found in an attachment's JSON data
        (``application/fhir+json``), de-identified as top-level ones are: each by the key of
        its own patient (the Patient it is, or that its subject names, resolved as a Bundle
        entry's is), falling back to the holder's patient when it names none; their own names,
        address words and identifiers known to their free text. Patient B's Observation in
        patient A's attachment then gets B's date shift and stand-ins, as B's own records do
        (A's shift would give it another date, and the gap would tell the two shifts apart).
        Read as plain text, '"city": "Kodiak"' or another patient's MRN would stay.

        Each resource written carries the PSEUDED label; one that already does is left out
        (unless ``again``) and counted under :data:`EMBEDDED_DEIDENTIFIED`, and when nothing
        is left the data is dropped (:class:`DataLeftOut`)."""
        items = value if isinstance(value, list) else [value]
        known = {**(self.known or {})}
        for item in items:
            known.update(name_words(item))
        idents = tuple(sorted({*self.identifiers, *identifier_values(
            *(item.get("identifier") for item in items if isinstance(item, dict)))}))
        links, keys = self._embedded_links(items)
        staff = self.staff | staff_words(items)

        def inner(patient: str | None) -> Any:
            return self.child(patient, known=known or None, identifiers=idents, staff=staff,
                              links=links, keys=keys)

        try:
            walked = [w for w in (self._embedded_item(item, links, inner, keys)
                                  for item in items) if w is not DROPPED]
        except ShapeError:   # what its elements hold cannot be told: none of it is written
            raise DataLeftOut(MALFORMED) from None
        if not walked:
            raise DataLeftOut(ONLY_DEIDENTIFIED)
        return walked if isinstance(value, list) else walked[0]

    def _left_out(self, resource: Any) -> bool:
        """Whether an embedded ``resource`` already carries the PSEUDED label and is left out
        (never under ``again``); counted when it is."""
        if self.again or not labelled(resource):
            return False
        self.dropped[EMBEDDED_DEIDENTIFIED] += 1
        return True

    def _embedded_links(self, items: list[Any]) -> tuple[PatientLinks, Any]:
        """The holder's patient links (and keys, under ``patient_identifier``) with those of
        the Patients (and Encounters) in an attachment's resources, so that "Patient/pat-b"
        there finds the Patient pat-b (and its MRN)."""
        links = (self.links.copy() if isinstance(self.links, PatientLinks)
                 else PatientLinks(self.links or {}))
        pairs = [(item, None) for item in items if isinstance(item, dict)]
        for item in items:
            if isinstance(item, dict) and item.get("resourceType") == "Bundle":
                pairs += [(e.get("resource"), e.get("fullUrl")) for e in item.get("entry") or []
                          if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
        keys = self.keys.child() if self.keys is not None else None
        for res, url in pairs:
            if res.get("resourceType") == "Patient":
                links.add_patient(res, url if isinstance(url, str) else None)
                if keys is not None:
                    keys.add(res, url if isinstance(url, str) else None)
        for res, url in pairs:
            if res.get("resourceType") == "Encounter":
                links.update(encounter_links(res, links, url if isinstance(url, str) else None))
        return links, keys

    def _embedded_item(self, item: Any, links: PatientLinks, inner: Callable[[str | None], Any],
                       keys: Any) -> Any:
        """One resource of an attachment's JSON by its own patient's walker, labelled; a
        Bundle's own elements by the holder's patient, each of its entries by its resource's
        (an entry already labelled left out, as in a top-level Bundle)."""
        if self._left_out(item):
            return DROPPED
        entries = item.get("entry") if isinstance(item, dict) else None
        if not (isinstance(item, dict) and item.get("resourceType") == "Bundle"
                and isinstance(entries, list)):
            return label(inner(self._embedded_patient(item, links, keys)).walk(item))
        own = inner(self.patient).walk({k: v for k, v in item.items() if k != "entry"})
        walked = [w for w in (inner(self._embedded_patient(e.get("resource"), links, keys,
                                                             e.get("fullUrl"))).walk(
                                  e, "", "BundleEntry")
                              if isinstance(e, dict) else inner(self.patient).walk(
                                  e, "", "BundleEntry")
                              for e in entries
                              if not (isinstance(e, dict) and self._left_out(e.get("resource"))))
                  if w is not DROPPED]
        for entry in walked:
            if isinstance(entry, dict):
                label(entry.get("resource"))
        return label({k: walked if k == "entry" else own[k]
                      for k in item if k == "entry" or k in own})

    def _embedded_patient(self, res: Any, links: PatientLinks, keys: Any,
                          url: Any = None) -> str | None:
        """The key of the patient of a resource in an attachment's JSON; the holder's when it
        names none, or one whose key cannot be told (it is not refused: its holder was not)."""
        url = url if isinstance(url, str) else None
        if not isinstance(res, dict):
            return self.patient
        try:
            if res.get("resourceType") == "Patient" and keys is None:
                return entry_patient_id(res, url) or self.patient
            return patient_or_own(res, links, Counter(), self.patient or "", keys=keys,
                                   full_url=url) or self.patient
        except (IngestError, ValueError):
            return self.patient
