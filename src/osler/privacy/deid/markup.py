"""PHI in XML and HTML (a CDA document, an HTML report): found in what a reader sees, replaced
without touching the markup.

The text is read through a same-length view in which tags are blanked (spaces; a newline for
the end of a row, paragraph or other block) while text content, comments' text and the values
of attributes that hold data (``value``, ``extension``, ``alt``, ``title`` ...) stay where they
are, so the detectors see "MRN 998877" in ``<td>MRN</td><td>998877</td>`` and every offset
found is an offset into the markup. Spans are cut at the markup, so a replacement never eats a
tag. CDA elements that are PHI by what they are, not by how they read, are PHI whatever the
detectors say: the parts of an address but its state and country, a ``telecom``'s value, an
``id``'s extension, the parts of a person's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from osler.privacy.deid.ages import over_89_birth_year
from osler.privacy.deid.spans import PhiSpan, merge_spans

__all__ = ["is_markup", "markup_phi", "markup_view"]

# A comment, a CDATA section, a processing instruction or declaration, or a tag.
_TOKEN = re.compile(r"<!--(?P<comment>.*?)(?:-->|\Z)|<!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)"
                    r"|<[?!][^>]*>?|<(?P<close>/)?(?P<name>[A-Za-z_][\w.:-]*)(?P<attrs>[^>]*)>?",
                    re.S)
_ATTR = re.compile(r"(?P<name>[A-Za-z_][\w.:-]*)\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'"
                   r"|(?P<uq>[^\s\"'>/=`<]+))")
# Attributes whose value is structure (codes, code systems, OIDs, classes, styles, layout):
# not read. Every other value (value, extension, alt, title, aria-label, data-*, placeholder,
# an unknown one) is data a person or a system wrote and is read as text: a name in an
# aria-label is a name.
_STRUCTURE_ATTRS = frozenset({
    "code", "codesystem", "codesystemname", "codesystemversion", "classcode", "moodcode",
    "typecode", "determinercode", "contextcontrolcode", "contextconductionind", "inversionind",
    "negationind", "nullflavor", "root", "assigningauthorityname", "use", "unit", "mediatype",
    "representation", "operator", "schemalocation", "type", "class", "style", "lang", "dir",
    "width", "height", "colspan", "rowspan", "align", "valign", "border", "cellpadding",
    "cellspacing", "rel", "charset", "http-equiv", "version", "encoding", "standalone",
    "xmlns", "xsi", "displayname"})
# Tags that end a line for a reader: the detectors must not join a row to the next.
_BLOCKS = frozenset({"br", "p", "div", "tr", "li", "table", "thead", "tbody", "ul", "ol", "h1",
                     "h2", "h3", "h4", "h5", "h6", "section", "paragraph", "item", "list",
                     "title", "text", "caption", "entry", "component", "hr", "pre", "dt", "dd",
                     "td", "th"})
_BLOCK_ENDS = frozenset({"td", "th"})   # a cell ends with a space, not a line
# CDA (and any XML) elements whose text is PHI by what they are.
_LOCATION_ELEMENTS = frozenset({"streetAddressLine", "deliveryAddressLine", "city", "postalCode",
                                "county", "precinct", "censusTract", "houseNumber",
                                "houseNumberNumeric", "streetName", "streetNameBase",
                                "additionalLocator", "unitID", "buildingNumberSuffix"})
_NAME_ELEMENTS = frozenset({"given", "family", "careOf"})
# HTML elements that are never closed.
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr",
                   "source", "embed", "param", "track"})
# A table's label cell, and what the cell after it holds: "<td>City</td><td>Springfield</td>".
_LABELS = {"city": "LOCATION", "town": "LOCATION", "address": "LOCATION",
           "street": "LOCATION", "street address": "LOCATION", "zip": "LOCATION",
           "zip code": "LOCATION", "postal code": "LOCATION", "postcode": "LOCATION",
           "county": "LOCATION", "name": "NAME", "patient": "NAME", "patient name": "NAME",
           "mrn": "ID", "medical record number": "ID", "patient id": "ID", "ssn": "ID",
           "phone": "PHONE", "telephone": "PHONE", "tel": "PHONE", "mobile": "PHONE",
           "fax": "PHONE", "email": "EMAIL", "e-mail": "EMAIL", "dob": "DATE",
           "date of birth": "DATE", "birth date": "DATE"}
# Elements whose ``value`` is a timestamp (HL7 TS, IVL_TS): a date of the patient's care.
_TIME_ELEMENTS = frozenset({"birthTime", "effectiveTime", "time", "low", "high", "center",
                            "deceasedTime"})
_STAMP = re.compile(r"\d{8}(?:\d{2,6}(?:\.\d+)?)?(?:[+-]\d{4})?")
_TELECOM_TYPES = (("tel:", "PHONE"), ("fax:", "PHONE"), ("mailto:", "EMAIL"),
                  ("http://", "URL"), ("https://", "URL"))


def is_markup(text: str, mime: str | None) -> bool:
    """Whether ``text`` of media type ``mime`` is XML or HTML: by its type, or when none is
    given, by how it starts."""
    if mime is not None:
        return "html" in mime or "xml" in mime
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return head.startswith(("<?xml", "<!doctype", "<html", "<clinicaldocument"))


def markup_view(text: str) -> tuple[str, list[bool], list[PhiSpan]]:
    """The same-length view of ``text`` the detectors read, which of its characters are
    content (text or a data attribute's value), and the spans that are PHI by their element
    (see the module's description)."""
    view = list(text)
    content = [True] * len(text)
    sure: list[PhiSpan] = []
    open_elements: list[str] = []
    text_start = 0
    label: str | None = None   # the type a row's label cell gives the cell after it

    def blank(start: int, end: int, newline: bool = False) -> None:
        for i in range(start, end):
            view[i] = "\n" if newline and i == start else " "
            content[i] = False

    for m in _TOKEN.finditer(text):
        start, end = m.span()
        if m["comment"] is not None or m["cdata"] is not None:
            inner = "comment" if m["comment"] is not None else "cdata"
            blank(start, m.start(inner))
            blank(m.end(inner), end)
            continue
        name = m["name"]
        if name is None:   # <?xml ...?>, <!DOCTYPE ...>
            blank(start, end)
            continue
        local = name.rpartition(":")[2]
        if m["close"]:
            if local in open_elements:
                while open_elements.pop() != local:
                    pass
                parent = open_elements[-1] if open_elements else ""
                _element_text(text, text_start, start, _named(local, parent), sure)
                if local.lower() in ("td", "th"):
                    label = _cell(text, text_start, start, label, sure)
            if local.lower() == "tr":
                label = None
            blank(start, end, newline=local.lower() in _BLOCKS - _BLOCK_ENDS)
            text_start = end
            continue
        blank(start, end, newline=local.lower() in _BLOCKS - _BLOCK_ENDS)
        attrs_at = m.start("attrs")
        for a in _ATTR.finditer(m["attrs"]):
            group = next(g for g in ("dq", "sq", "uq") if a[g] is not None)
            v_start, v_end = attrs_at + a.start(group), attrs_at + a.end(group)
            attr = a["name"].rpartition(":")[2]
            if (attr.lower() in _STRUCTURE_ATTRS or a["name"].lower().startswith("xmlns")
                    or v_start == v_end):
                continue
            for i in range(v_start, v_end):
                view[i], content[i] = text[i], True
            _attribute_value(text, v_start, v_end, local, attr, sure)
        self_closing = m["attrs"].rstrip().endswith("/")
        if not self_closing and local.lower() not in _VOID:
            open_elements.append(local)
        text_start = end
    return "".join(view), content, sure


# CDA elements whose <name> is a person's, and those whose <name> is an institution's; a
# <name> elsewhere (a drug's manufacturedMaterial, a code system's) is no PHI by what it is.
_PERSONS = frozenset({"patient", "assignedPerson", "guardianPerson", "relatedPerson",
                      "associatedPerson", "person", "informationRecipient", "maintainingPerson"})
_INSTITUTIONS = frozenset({"representedOrganization", "serviceProviderOrganization",
                           "providerOrganization", "wholeOrganization", "scopingOrganization",
                           "receivedOrganization", "representedCustodianOrganization",
                           "healthCareFacility", "location"})


def _named(element: str, parent: str) -> str:
    """A CDA ``<name>`` as what it names: ``given`` (a person's, plain text) under a person,
    ``city`` (a place smaller than a state) under an institution; any other element as it is."""
    if element != "name":
        return element
    return "given" if parent in _PERSONS else "city" if parent in _INSTITUTIONS else element


def _element_text(text: str, start: int, end: int, element: str,
                  sure: list[PhiSpan]) -> None:
    """The text of a closed ``element`` that holds only text, as PHI when it is by what it
    is."""
    phi_type = ("LOCATION" if element in _LOCATION_ELEMENTS
                else "NAME" if element in _NAME_ELEMENTS else None)
    if phi_type is None or "<" in text[start:end]:
        return
    value = text[start:end]
    left = len(value) - len(value.lstrip())
    right = len(value.rstrip())
    if right > left:
        sure.append(PhiSpan(start + left, start + right, phi_type))


def _cell(text: str, start: int, end: int, label: str | None,
          sure: list[PhiSpan]) -> str | None:
    """A table cell's text as PHI when the cell before it was a label ("City", "MRN"); the
    type its own text gives the next cell when it is one."""
    value = text[start:end]
    if "<" in value:
        return None
    left, right = len(value) - len(value.lstrip()), len(value.rstrip())
    if label is not None and right > left:
        sure.append(PhiSpan(start + left, start + right, label))
        return None
    return _LABELS.get(re.sub(r"\s+", " ", value.strip(" \t\r\n:#.")).lower())


def _attribute_value(text: str, start: int, end: int, element: str, attr: str,
                     sure: list[PhiSpan]) -> None:
    """A ``telecom``'s value, an ``id``'s extension and a timestamp as PHI."""
    value = text[start:end]
    if element == "id" and attr == "extension" and value.strip():
        sure.append(PhiSpan(start, end, "ID"))
    elif element in _TIME_ELEMENTS and attr == "value" and _STAMP.fullmatch(value):
        # a birth date of someone over 89 is an age (Safe Harbor), not a date to move
        old = element == "birthTime" and over_89_birth_year(value[:8]) is not None
        sure.append(PhiSpan(start, end, "AGE" if old else "DATE"))
    elif element == "telecom" and attr == "value" and value.strip():
        low = value.lower()
        for scheme, phi_type in _TELECOM_TYPES:
            if low.startswith(scheme):
                if phi_type == "URL":
                    sure.append(PhiSpan(start, end, phi_type))
                elif end > start + len(scheme):
                    sure.append(PhiSpan(start + len(scheme), end, phi_type))
                return
        sure.append(PhiSpan(start, end, "ID"))


def markup_phi(text: str, find: Callable[[str], list[PhiSpan]]) -> list[PhiSpan]:
    """PHI spans of XML or HTML ``text``: what ``find`` (a detector) finds in its
    :func:`markup_view`, and what is PHI by its element, cut at the markup (offsets into
    ``text``, never covering a character of a tag)."""
    view, content, sure = markup_view(text)
    # what an element says it is wins over what its text looks like ("20210305" an id)
    found = [s for s in find(view)
             if not any(s.start < t.end and t.start < s.end for t in sure)]
    spans = merge_spans([*found, *sure])
    out: list[PhiSpan] = []
    for span in spans:
        i = span.start
        while i < span.end:
            while i < span.end and not content[i]:
                i += 1
            j = i
            while j < span.end and content[j]:
                j += 1
            piece = text[i:j]
            left, right = len(piece) - len(piece.lstrip()), len(piece.rstrip())
            if right > left:
                out.append(PhiSpan(i + left, i + right, span.type))
            i = j
    return out
