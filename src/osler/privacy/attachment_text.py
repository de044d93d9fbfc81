"""The text inside a FHIR Attachment's base64 ``data``, read in the charset it was written in.

Ingest stores it as a note; de-identification scrubs it and writes it back in the same codec,
after the same byte-order mark. Both read it here, so that they agree on what is text: this
module sits in ``privacy`` because that is the lowest layer both may import
(docs/architecture.md).

The codec is the byte-order mark's, else the ``contentType``'s charset, else UTF-8. Bytes that
start like a binary format (a PDF is mostly ASCII), or that decode to a NUL, are not text.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from dataclasses import dataclass

__all__ = ["AttachmentText", "UnreadableAttachment", "attachment_bytes", "decode_text",
           "is_media_type", "media_type"]

_MIME = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*")
# Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark), and the codec
# that reads what follows them.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# Binary formats that can pass for text, named for messages.
_BINARY = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
           b"GIF8": "a GIF image", b"PK\x03\x04": "a zip archive", b"II*\x00": "a TIFF image",
           b"MM\x00*": "a TIFF image"}


class UnreadableAttachment(ValueError):
    """Why attachment data is not text; never holds any of the data.

    ``reason`` is one of ``'base64'``, ``'binary'``, ``'charset'`` (not a known codec) or
    ``'decode'`` (bytes not valid in ``codec``); ``binary`` names the format found, if any.
    """

    def __init__(self, reason: str, *, codec: str | None = None,
                 binary: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.codec, self.binary = reason, codec, binary


@dataclass(frozen=True)
class AttachmentText:
    """Decoded text, the codec that wrote it and the byte-order mark before it (to write the
    text back as it came)."""

    text: str
    codec: str
    bom: bytes = b""


def media_type(content_type: object) -> tuple[str | None, str | None]:
    """(media type in lower case, charset) of a ``contentType``; (None, None) when none is
    given.

    >>> media_type("Text/Plain; charset=ISO-8859-1")
    ('text/plain', 'ISO-8859-1')
    """
    if not isinstance(content_type, str) or not content_type.strip():
        return None, None
    mime, *params = (p.strip() for p in content_type.split(";"))
    charset = next((value.strip().strip('"') for name, _, value in
                    (p.partition("=") for p in params) if name.strip().lower() == "charset"), None)
    return mime.lower(), charset or None


def is_media_type(mime: str | None) -> bool:
    """Whether ``mime`` is shaped like a media type (and so may be quoted in a message)."""
    return bool(mime) and bool(_MIME.fullmatch(mime))


def attachment_bytes(data: str) -> bytes:
    """The bytes of base64 ``data`` (line breaks allowed); raises :class:`UnreadableAttachment`
    (``'base64'``)."""
    try:
        return base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        raise UnreadableAttachment("base64") from None


def decode_text(raw: bytes, charset: str | None, *, guess_latin1: bool = False
                ) -> AttachmentText:
    """``raw`` read as text: after its byte-order mark in the mark's codec, else in
    ``charset``, else UTF-8; raises :class:`UnreadableAttachment` saying why it is not text.

    With ``guess_latin1``, bytes that are not UTF-8 when no charset is named are read as
    Latin-1 (every byte is a Latin-1 character) instead of being refused.

    >>> decode_text(b"\\xef\\xbb\\xbfOk", None)
    AttachmentText(text='Ok', codec='utf-8', bom=b'\\xef\\xbb\\xbf')
    """
    binary = next((what for magic, what in _BINARY.items() if raw.startswith(magic)), None)
    if binary:
        raise UnreadableAttachment("binary", binary=binary)
    bom, codec = next(((b, c) for b, c in _BOMS if raw.startswith(b)), (b"", charset or "utf-8"))
    try:
        codec = codecs.lookup(codec).name
        text = raw[len(bom):].decode(codec)
    except LookupError:
        raise UnreadableAttachment("charset") from None
    except UnicodeDecodeError:
        if not (guess_latin1 and not bom and charset is None):
            raise UnreadableAttachment("decode", codec=codec) from None
        codec, text = "latin-1", raw.decode("latin-1")
    if "\x00" in text:
        raise UnreadableAttachment("binary")
    return AttachmentText(text, codec, bom)
