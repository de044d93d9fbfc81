"""Note text from what sources hand over: attachment bytes, HTML, and odd spaces.

Offsets into a stored note count characters of the stored text. Turning a no-break space into
a space replaces one character with one, so it moves no offset. HTML is converted to plain text
and the markup is not kept: offsets then count characters of the converted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from osler.privacy.attachment_text import (UnreadableAttachment, attachment_bytes, decode_text,
                                           is_media_type, media_type)

__all__ = ["NoteText", "READ_TYPES", "decode_attachment", "html_to_text", "normalise_spaces"]

#: Content types read as notes, most plain first: when a document comes in several formats,
#: the first of these is the one kept.
READ_TYPES = ("text/plain", "text/markdown", "text/html", "application/xhtml+xml")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


@dataclass(frozen=True)
class NoteText:
    """Decoded note text, the type it came as, and the type of ``text`` as stored."""

    text: str
    source_type: str
    content_type: str


def normalise_spaces(text: str) -> str:
    """No-break spaces (U+00A0, U+202F) as ordinary spaces; one character for one.

    >>> normalise_spaces("No\\u00a0fever")
    'No fever'
    """
    return text.translate(_NO_BREAK_SPACES)


class _PlainText(HTMLParser):
    """Collects the text of an HTML document, with line breaks where blocks begin and end."""

    _LINE = frozenset({"br", "div", "li", "tr", "dt", "dd", "ul", "ol", "table", "hr"})
    _PARAGRAPH = frozenset({"title", "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                            "blockquote", "section", "article", "header", "footer"})
    _HIDDEN = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities arrive unescaped in handle_data
        self.parts: list[str] = []
        self._breaks = 0      # line breaks owed before the next text (adjacent blocks share them)
        self._hidden = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._boundary(tag)
        self._hidden += tag in self._HIDDEN
        self._pre += tag == "pre"

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._boundary(tag)  # XHTML <br/>: one break, not the two of a start and an end tag

    def handle_endtag(self, tag: str) -> None:
        self._hidden = max(0, self._hidden - (tag in self._HIDDEN))
        self._pre = max(0, self._pre - (tag == "pre"))
        self._boundary(tag)
        if tag in ("td", "th"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        text = data if self._pre else re.sub(r"[ \t\r\n\f]+", " ", data)
        if self._breaks and not self._pre:
            text = text.lstrip(" ")
        if not text:
            return
        if self._breaks:
            if self.parts:
                self.parts[-1] = self.parts[-1].rstrip(" ")
                self.parts.append("\n" * self._breaks)
            self._breaks = 0
        self.parts.append(text)

    def _boundary(self, tag: str) -> None:
        if br := 2 if tag in self._PARAGRAPH else 1 if tag in self._LINE else 0:
            self._breaks = max(self._breaks, br) if tag != "br" else self._breaks + 1


def html_to_text(markup: str) -> str:
    """Plain text of HTML or XHTML: tags and script/style dropped, blocks on their own lines,
    entities unescaped, no-break spaces as spaces.

    >>> html_to_text("<p>No&nbsp;fever.</p><ul><li>Cough</li><li>Rash</li></ul>")
    'No fever.\\n\\nCough\\nRash'
    """
    parser = _PlainText()
    parser.feed(markup)
    parser.close()
    return normalise_spaces("".join(parser.parts)).strip(" ")


def _decode(data: str, mime: str, charset: str | None) -> str:
    try:
        # no charset named: bytes that are not UTF-8 are Latin-1
        return decode_text(attachment_bytes(data), charset, guess_latin1=True).text
    except UnreadableAttachment as exc:
        if exc.reason == "base64":
            raise ValueError("attachment data is not valid base64") from None
        if exc.reason == "binary":
            raise ValueError(f"attachment says {mime} but holds {exc.binary or 'binary data'}"
                             ) from None
        if exc.reason == "charset":
            raise ValueError("attachment charset is not a known text encoding; use e.g. utf-8 "
                             "or iso-8859-1") from None
        raise ValueError(f"attachment data is not valid {exc.codec} text, the "
                         "charset it names") from None


def decode_attachment(data: str, content_type: str | None) -> NoteText:
    """The note text of an Attachment's base64 ``data``; raises ``ValueError`` saying why not.

    HTML and XHTML are converted to plain text (stored as ``text/plain``); plain text and
    Markdown are kept as written, with no-break spaces made ordinary spaces.

    >>> decode_attachment("Tm8gZmV2ZXIu", "text/plain").text
    'No fever.'
    """
    mime, charset = media_type(content_type)
    mime = mime or "text/plain"   # none given means text/plain
    if mime not in READ_TYPES:
        shown = repr(mime) if is_media_type(mime) else "not a media type"
        raise ValueError(f"attachment content type is {shown}, which is not text; only "
                         f"{', '.join(READ_TYPES)} are read")
    text = _decode(data, mime, charset)
    if mime in _HTML_TYPES:
        return NoteText(html_to_text(text), mime, "text/plain")
    return NoteText(normalise_spaces(text), mime, mime)
