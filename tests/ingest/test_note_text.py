"""Note text from attachments: HTML to plain text, charsets, no-break spaces, what is refused."""

from __future__ import annotations

import base64

import pytest

from osler.ingest._note_text import decode_attachment, html_to_text, normalise_spaces


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_html_becomes_plain_text_with_line_breaks_and_no_markup():
    markup = ("<html><head><title>Progress note</title><style>p {color: red}</style>"
              "<script>var x = '<p>hidden</p>';</script></head><body>\n"
              "  <h2>Assessment</h2>\n  <p>No&nbsp;fever, cough &amp; wheeze.<br>Sats 95%.</p>"
              "<ul><li>Asthma</li><li>Rhinitis</li></ul><div>Plan:</div><div>Inhaler</div>"
              "</body></html>")
    assert html_to_text(markup) == ("Progress note\n\nAssessment\n\nNo fever, cough & wheeze.\n"
                                    "Sats 95%.\n\nAsthma\nRhinitis\nPlan:\nInhaler")


def test_xhtml_self_closing_breaks_are_one_line_break():
    assert html_to_text("<div>A<br/>B</div>") == "A\nB"


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=utf-8",
                                          "application/xhtml+xml"])
def test_html_attachments_are_converted_and_stored_as_plain_text(content_type):
    doc = decode_attachment(_b64(b"<p>No&nbsp;fever.</p>"), content_type)
    assert (doc.text, doc.content_type) == ("No fever.", "text/plain")
    assert doc.source_type == content_type.split(";")[0]


def test_no_break_spaces_in_plain_text_become_spaces_without_moving_offsets():
    text = "BP\u00a0120/80, HR\u202f88 bpm"
    doc = decode_attachment(_b64(text.encode()), "text/plain")
    assert doc.text == "BP 120/80, HR 88 bpm" and len(doc.text) == len(text)
    assert doc.text.index("88") == text.index("88")
    assert normalise_spaces("a\u00a0b") == "a b"


def test_charsets_and_byte_order_marks_are_honoured():
    assert decode_attachment(_b64("Fièvre".encode("latin-1")), "text/plain; charset=ISO-8859-1"
                             ).text == "Fièvre"
    assert decode_attachment(_b64(b"\xef\xbb\xbfOk"), "text/plain").text == "Ok"
    assert decode_attachment(_b64(b"\xff\xfe" + "Ok".encode("utf-16-le")), "text/plain").text == "Ok"


@pytest.mark.parametrize("data, content_type, reason", [
    (_b64(b"%PDF-1.4 ..."), "application/pdf",
     "content type is 'application/pdf', which is not text; only text/plain"),
    (_b64(b"%PDF-1.4 ..."), "text/plain", "attachment says text/plain but holds a PDF document"),
    ("!!!", "text/plain", "not valid base64"),
    (_b64(b"Ok"), "text/plain; charset=no-such-thing", "charset is not a known text encoding"),
    (_b64(b"\xc3\x28"), "text/plain; charset=utf-8", "not valid utf-8 text"),
])
def test_what_cannot_be_read_says_why(data, content_type, reason):
    with pytest.raises(ValueError) as info:
        decode_attachment(data, content_type)
    assert reason in str(info.value)
    if "only" in reason:
        assert "text/html" in str(info.value)
