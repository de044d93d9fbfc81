"""De-identify the text inside a FHIR ``Attachment.data``, in the charset it was written in.

Text (``text/*``, JSON, XML) is decoded with the ``contentType``'s charset, or the byte-order
mark, or UTF-8; de-identified; and encoded back in the same charset. What cannot be read as
text (PDFs, images, invalid base64, bytes that are not in the stated charset) cannot be
checked for PHI: it is dropped, and the reason (never the content) is returned so that the
caller can count and report it.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Callable

__all__ = ["decode_plain_references", "scrub_attachment_data"]

_MIME = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$")
_CHARSET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,39}$")
_TEXT_APPLICATIONS = re.compile(r"^application/(?:[a-z0-9.-]+\+)?(?:json|xml)$")
# Signatures of binary formats that may still decode as text (a PDF is mostly ASCII).
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"II*\x00",
                 b"MM\x00*")
# Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark), and the codec
# that reads what follows them.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


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


def _content_type(value: object) -> tuple[str | None, str | None]:
    """(mime type, charset) of a ``contentType`` such as ``text/plain; charset=ISO-8859-1``."""
    if not isinstance(value, str) or not value.strip():
        return None, None
    mime, *params = (p.strip() for p in value.split(";"))
    charset = None
    for param in params:
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip('"') or None
    return mime.lower(), charset


def _is_text(mime: str | None) -> bool:
    # no contentType: try it as text, as before; the binary signatures still stop a PDF
    return mime is None or mime.startswith("text/") or bool(_TEXT_APPLICATIONS.match(mime))


def scrub_attachment_data(data: str, content_type: object, scrub: Callable[[str], str]
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

    Returns
    -------
    (str, None) or (None, str)
        The new base64 data, or None and why the data was dropped (no PHI in the reason).
    """
    mime, charset = _content_type(content_type)
    if not _is_text(mime):
        return None, f"not text ({mime if _MIME.match(mime or '') else 'unknown type'})"
    try:
        raw = base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return None, "not valid base64"
    if raw.startswith(_BINARY_MAGIC):
        return None, "binary content under a text type"
    bom, codec = next(((b, c) for b, c in _BOMS if raw.startswith(b)), (b"", charset or "utf-8"))
    try:
        codec = codecs.lookup(codec).name
        text = raw[len(bom):].decode(codec)
    except LookupError:
        label = charset if _CHARSET.match(charset or "") else "unknown"
        return None, f"unknown charset ({label})"
    except UnicodeDecodeError:
        return None, f"not valid {codec}"
    if "\x00" in text:
        return None, "binary content under a text type"
    if mime is None or "html" in mime or "xml" in mime:
        text = decode_plain_references(text)   # "Zeb&#117;lon" is Zebulon to a reader
    # a stand-in the charset cannot hold (a surrogate name outside Latin-1) becomes '?'
    encoded = bom + scrub(text).encode(codec, errors="replace")
    return base64.b64encode(encoded).decode("ascii"), None
