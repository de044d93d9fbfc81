"""Ingest and de-identification read an Attachment's data as text the same way."""

from __future__ import annotations

import base64

import pytest

from osler.ingest._note_text import decode_attachment
from osler.privacy.attachment_text import (UnreadableAttachment, attachment_bytes, decode_text,
                                           media_type)
from osler.privacy.deid.fhir_attachments import scrub_attachment_data

NOTE = "Fièvre, no cough."


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize("raw, content_type", [
    (NOTE.encode(), "text/plain"),
    (NOTE.encode("latin-1"), "text/plain; charset=ISO-8859-1"),
    (b"\xef\xbb\xbf" + NOTE.encode(), "text/plain"),
    (b"\xff\xfe" + NOTE.encode("utf-16-le"), "text/plain"),
    (b"\xff\xfe\x00\x00" + NOTE.encode("utf-32-le"), "text/plain"),
    (NOTE.encode("utf-16-le"), "text/plain; charset=utf-16-le"),
], ids=["utf8", "latin1", "utf8-bom", "utf16-bom", "utf32-bom", "utf16-named"])
def test_ingest_and_deid_read_the_same_text(raw, content_type):
    assert decode_attachment(_b64(raw), content_type).text == NOTE
    seen = []
    data, reason = scrub_attachment_data(_b64(raw), content_type,
                                         lambda text: seen.append(text) or text)
    assert seen == [NOTE] and reason is None
    assert base64.b64decode(data) == raw   # written back as it came


@pytest.mark.parametrize("raw, charset, reason", [
    (b"%PDF-1.4", None, "binary"), (b"Ok\x00", None, "binary"),
    (b"Ok", "no-such-charset", "charset"), (b"\xc3\x28", "utf-8", "decode"),
    (b"\xc3\x28", None, "decode"),
])
def test_what_is_not_text_says_why_without_the_data(raw, charset, reason):
    with pytest.raises(UnreadableAttachment) as info:
        decode_text(raw, charset)
    assert info.value.reason == reason and "Ok" not in str(info.value)


def test_latin1_is_guessed_only_when_asked_and_no_charset_is_named():
    assert decode_text("é".encode("latin-1"), None, guess_latin1=True).text == "é"
    with pytest.raises(UnreadableAttachment):
        decode_text("é".encode("latin-1"), "utf-8", guess_latin1=True)


def test_media_type_and_base64():
    assert media_type(None) == media_type("  ") == (None, None)
    assert media_type('TEXT/HTML; Charset="utf-8"') == ("text/html", "utf-8")
    assert attachment_bytes("T2\ns=") == b"Ok"
    with pytest.raises(UnreadableAttachment):
        attachment_bytes("!!!")
