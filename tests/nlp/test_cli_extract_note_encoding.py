"""``osler nlp extract NOTE_FILE`` decodes a note as ``osler ingest`` does (decode_note), so
the two agree on Windows-1252 and UTF-16 files, and spans index the decoded text."""
from __future__ import annotations

import gzip
import json

import pytest

from osler.cli import main
from osler.ingest.notes import decode_note

pytestmark = pytest.mark.slow

_TEXT = "Caf\u00e9 owner. Denies chest pain.\r\nHistory of diabetes.\n"


def _extract(tmp_path, capsys, raw: bytes) -> tuple[int, list[dict], str]:
    note = tmp_path / "note.txt"
    note.write_bytes(raw)
    try:
        main(["nlp", "extract", str(note)])
        code = 0
    except SystemExit as exc:
        code = exc.code
    cap = capsys.readouterr()
    return code, [json.loads(line) for line in cap.out.splitlines()], cap.err


@pytest.mark.parametrize("raw", [
    _TEXT.encode("cp1252"),                  # no mark, not UTF-8: Latin-1
    _TEXT.encode("utf-16"),                  # UTF-16 with its byte-order mark
    _TEXT.encode("utf-8-sig"),               # UTF-8 with a mark
    _TEXT.encode("utf-8"),
    gzip.compress(_TEXT.encode("cp1252")),   # gzip is still read
], ids=["cp1252", "utf16", "utf8-bom", "utf8", "gzip-cp1252"])
def test_extract_spans_index_the_text_ingest_would_store(tmp_path, capsys, extractor, raw):
    code, rows, err = _extract(tmp_path, capsys, raw)
    assert code == 0 and "Traceback" not in err
    assert {r["text"] for r in rows} == {"chest pain", "diabetes"}
    for r in rows:
        assert _TEXT[r["start"]:r["end"]] == r["text"]
    if not raw.startswith(b"\x1f\x8b"):
        assert decode_note(raw) == _TEXT   # the very text ingest would store


def test_extract_binary_note_is_a_clear_error_without_content(tmp_path, capsys):
    code, rows, err = _extract(tmp_path, capsys, b"\x00\x01secretword\x00\xff" * 20)
    assert code == 2 and rows == []
    assert "note.txt: cannot read text: it is binary, not text" in err
    assert "secretword" not in err and "Traceback" not in err


def test_extract_mark_only_utf16_note_has_no_text(tmp_path, capsys):
    code, rows, err = _extract(tmp_path, capsys, "".encode("utf-16") + " \n".encode("utf-16-le"))
    assert code == 2 and rows == [] and "no text" in err
