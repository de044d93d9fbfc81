"""De-identify the text inside a FHIR ``Attachment.data``, in the charset it was written in.

Text (``text/*``, JSON, XML) is decoded with the ``contentType``'s charset, or the byte-order
mark, or UTF-8; de-identified; and encoded back in the same charset. JSON that holds FHIR
resources (any JSON type: ``application/fhir+json``, ``text/json``; or text of another
type, ``text/plain``, that parses as a FHIR resource) is de-identified as FHIR, element by
element: as plain text its city, postal code or another person's identifier would read as no
PHI. What cannot be read as text (PDFs, images, invalid base64, bytes that are not in the
stated charset, JSON of a JSON type that does not parse) cannot be checked for PHI: it is
dropped, and the reason (never the content) is returned so that the caller can count and
report it.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

from osler.privacy.attachment_text import (UnreadableAttachment, attachment_bytes, decode_text,
                                           is_media_type, media_type)
from osler.privacy.deid.markup import is_markup

__all__ = ["NOT_JSON", "DataLeftOut", "decode_plain_references", "scrub_attachment_data"]

_CHARSET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,39}$")
_TEXT_APPLICATIONS = re.compile(r"^application/(?:[a-z0-9.-]+\+)?(?:x-)?(?:json|xml)$")
# JSON media types of any top type ("application/json", "application/fhir+json",
# "text/json", "application/x-json"), read as JSON.
_JSON = re.compile(r"^[a-z]+/(?:[a-z0-9.-]+\+)?(?:x-)?json$")
#: Why JSON data was dropped: it cannot be parsed, so no element of it can be told apart.
NOT_JSON = "JSON that cannot be parsed"


class DataLeftOut(Exception):
    """Raised by a ``scrub_fhir`` to leave the whole data out; its message, the reason, holds
    no PHI (every resource in it was already de-identified, and is not walked twice)."""


# A numeric character reference, or the one named reference that hides a space.
_CHAR_REF = re.compile(r"&#(?:[xX](?P<hex>[0-9a-fA-F]{1,6})|(?P<dec>[0-9]{1,7}));|&nbsp;")


def decode_plain_references(text: str) -> str:
    """``text`` with the character references of letters, digits and spaces decoded
    (``Zeb&#117;lon`` -> ``Zebulon``, ``&nbsp;`` -> a space), which hide words from the PHI
    rules; markup-significant ones (``&lt;``, ``&amp;``, ``&#60;``) are kept, so the markup
    stays as it was.

    Examples
    --------
    >>> decode_plain_references("Zeb&#117;lon&nbsp;Q &lt;b&gt; &#60;")
    'Zebulon Q &lt;b&gt; &#60;'
    """
    def plain(m: re.Match[str]) -> str:
        if m.group() == "&nbsp;":
            return " "
        code = int(m["hex"], 16) if m["hex"] else int(m["dec"])
        if code > 0x10FFFF:
            return m.group()
        char = chr(code)
        if char.isspace():
            return " "
        return char if char.isalnum() else m.group()

    return _CHAR_REF.sub(plain, text) if "&" in text else text


def _is_text(mime: str | None) -> bool:
    # no contentType: try it as text, as before; the binary signatures still stop a PDF
    return mime is None or mime.startswith("text/") or bool(_TEXT_APPLICATIONS.match(mime))


def _is_fhir(value: Any) -> bool:
    """Whether parsed JSON is a FHIR resource (an object with a string ``resourceType``) or
    a list of them."""
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(isinstance(v, dict) and isinstance(v.get("resourceType"), str)
                               for v in items)


def _text_fhir(text: str, mime: str | None) -> Any:
    """The parsed FHIR resources of data of a text type that is not a JSON type
    (``text/plain`` holding '{"resourceType": "Bundle", ...}'); None when it is not FHIR
    JSON (it is then read as text, as before). Read as prose, its identifiers, ids and a
    birth date of someone over 89 would stay."""
    if mime is None or not mime.startswith("text/") or _JSON.match(mime):
        return None
    if text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if _is_fhir(value) else None


def _scrub_json(text: str, mime: str | None, scrub: Callable[[str], str],
                scrub_fhir: Callable[[Any], Any]) -> str | None:
    """JSON ``text`` de-identified: FHIR resources by ``scrub_fhir``, other JSON as text;
    None when a JSON type's data cannot be parsed (it is dropped: '{"city": "Kodiak"' cut
    short would otherwise be read as prose, its city unseen). Data of no type is JSON only
    when it parses as FHIR."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return scrub(text) if mime is None else None
    if not _is_fhir(value):
        return scrub(text)   # '{"note": "..."}': not FHIR, its strings as text as before
    return json.dumps(scrub_fhir(value), ensure_ascii=False)


def scrub_attachment_data(data: str, content_type: object, scrub: Callable[[str], str],
                          scrub_markup: Callable[[str], str] | None = None,
                          scrub_fhir: Callable[[Any], Any] | None = None
                          ) -> tuple[str | None, str | None]:
    """De-identify base64 ``data`` of an Attachment whose contentType is ``content_type``.

    Parameters
    ----------
    data : str
        The attachment's base64 ``data``.
    content_type : str or None
        Its ``contentType`` (``text/plain; charset=ISO-8859-1``); a missing charset means the
        byte-order mark's, else UTF-8.
    scrub : callable
        De-identifies the decoded text.
    scrub_markup : callable, optional
        De-identifies XML or HTML (by its type, or when it has none by how it starts) keeping
        its markup (:mod:`osler.privacy.deid.markup`); without it, ``scrub`` reads markup too.
    scrub_fhir : callable, optional
        De-identifies a parsed FHIR resource (or a list of them) found in JSON data
        (``application/fhir+json``, ``application/json``, ``text/json``, or data of no type
        or another text type that parses as one); JSON of a JSON type that cannot be parsed
        is then dropped (:data:`NOT_JSON`). Without it, JSON is read as text. It may raise
        :class:`DataLeftOut` to have the data dropped for the reason it gives.

    Returns
    -------
    (str, None) or (None, str)
        The new base64 data, or None and why the data was dropped (no PHI in the reason).
    """
    mime, charset = media_type(content_type)
    if not _is_text(mime):
        return None, f"not text ({mime if is_media_type(mime) else 'unknown type'})"
    try:
        read = decode_text(attachment_bytes(data), charset)
    except UnreadableAttachment as exc:
        return None, _REASONS[exc.reason].format(
            codec=exc.codec, charset=charset if _CHARSET.match(charset or "") else "unknown")
    text = read.text
    if mime is None or "html" in mime or "xml" in mime:
        text = decode_plain_references(text)   # "Zeb&#117;lon" is Zebulon to a reader
    try:
        scrubbed = _scrub_text(text, mime, scrub, scrub_markup, scrub_fhir)
    except DataLeftOut as exc:
        return None, str(exc)
    if scrubbed is None:
        return None, NOT_JSON
    # a stand-in the charset cannot hold (a surrogate name outside Latin-1) becomes '?'
    encoded = read.bom + scrubbed.encode(read.codec, errors="replace")
    return base64.b64encode(encoded).decode("ascii"), None


def _scrub_text(text: str, mime: str | None, scrub: Callable[[str], str],
                scrub_markup: Callable[[str], str] | None,
                scrub_fhir: Callable[[Any], Any] | None) -> str | None:
    """Decoded attachment ``text`` de-identified as FHIR, markup or prose (see
    :func:`scrub_attachment_data`); None when JSON of a JSON type cannot be parsed."""
    fhir = _text_fhir(text, mime) if scrub_fhir is not None else None
    if fhir is not None:   # "text/plain" data that is a FHIR Bundle: its MRN is an identifier
        return json.dumps(scrub_fhir(fhir), ensure_ascii=False)
    if scrub_fhir is not None and (mime is None and text.lstrip()[:1] in ("{", "[")
                                   or mime is not None and _JSON.match(mime)):
        return _scrub_json(text, mime, scrub, scrub_fhir)
    if scrub_markup is not None and is_markup(text, mime):
        return scrub_markup(text)
    return scrub(text)


#: Why data was dropped, by :class:`UnreadableAttachment` reason (what is counted).
_REASONS = {"base64": "not valid base64", "binary": "binary content under a text type",
            "charset": "unknown charset ({charset})", "decode": "not valid {codec}"}
