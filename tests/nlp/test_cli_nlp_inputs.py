"""``osler nlp`` on awkward inputs: short rows, quotes, non-UTF-8 bytes, a missing out folder.

All inputs are made up here.
"""

from __future__ import annotations

import pytest
from cli_run import run_osler

pytestmark = pytest.mark.slow




def _context(tmp_path, capsys, body: bytes, out: str = "out.tsv"):
    """``osler nlp context`` on ``body`` written to pairs.tsv: (code, stderr, input, output)."""
    src, dst = tmp_path / "pairs.tsv", tmp_path / out
    src.write_bytes(body)
    code, err = run_osler(["nlp", "context", "--in", str(src), "--out", str(dst)], capsys)
    return code, err, src, dst


def test_nlp_context_writes_sentences_back_byte_for_byte_into_a_new_folder(
        tmp_path, capsys, attributor):
    sentences = ['No "acute" distress.', "Pt's mother: \\ no 'rash', \"fever\" x2",
                 "Denies chest pain; “smart” quotes"]
    body = "id\tconcept\tsentence\n" + "".join(
        f"{i}\t{c}\t{s}\n" for i, (c, s) in enumerate(zip(["distress", "rash", "chest pain"],
                                                          sentences)))
    src = tmp_path / "pairs.tsv"
    src.write_bytes(body.encode("utf-8"))
    out = tmp_path / "new" / "deeper" / "out.tsv"
    code, err = run_osler(["nlp", "context", "--in", str(src), "--out", str(out)], capsys)
    assert code == 0, err
    rows = [ln.split("\t") for ln in out.read_bytes().decode("utf-8").split("\n")[:-1]]
    assert rows[0] == ["id", "concept", "sentence", "negation", "temporality", "experiencer"]
    assert [r[2] for r in rows[1:]] == sentences
    assert rows[1][3] == "Negated"


def test_nlp_context_skips_short_rows_naming_the_line(tmp_path, capsys, attributor):
    code, err, src, out = _context(tmp_path, capsys, (
        "id\tconcept\tsentence\n1\tedema\tNo edema.\n2\tcough\n\n"
        "3\tfever\tFever to 39.\textra\n4\trash\tNo rash.\n").encode("utf-8"))
    assert code == 3, err
    assert f"file {src}, line 3: 2 tab-separated fields, the header has 3" in err
    assert f"file {src}, line 5: 4 tab-separated fields" in err
    assert "2 concepts attributed, 2 rows skipped" in err
    assert "Traceback" not in err and "cough" not in err and "Fever" not in err
    # skipped rows stay in their place, with empty attributes (they used to vanish)
    rows = [ln.split("\t") for ln in out.read_text(encoding="utf-8").splitlines()]
    assert [r[0] for r in rows] == ["id", "1", "2", "3", "4"]
    assert [r[3:] for r in rows[2:4]] == [["", "", ""], ["", "", ""]]


@pytest.mark.parametrize("row", ["\tNo edema.", "edema\t", "  \tNo edema."],
                         ids=["no-concept", "no-sentence", "blank-concept"])
def test_nlp_context_skips_a_row_with_an_empty_cell_naming_the_line(tmp_path, capsys,
                                                                     attributor, row):
    code, err, src, out = _context(tmp_path, capsys, (
        f"concept\tsentence\nrash\tNo rash.\n{row}\ncough\tCough since May.\n"
    ).encode("utf-8"))
    assert code == 3, err
    assert f"file {src}, line 3: empty " in err and "cell; each row needs a concept" in err
    assert "2 concepts attributed, 1 rows skipped" in err
    assert "edema" not in err and "line 3: the concept is not in its sentence" not in err
    rows = [ln.split("\t") for ln in out.read_text(encoding="utf-8").splitlines()]
    assert [r[0] for r in rows[:2]] + [rows[3][0]] == ["concept", "rash", "cough"]
    assert rows[2][2:] == ["", "", ""]   # the skipped row, in its place


def test_nlp_context_names_file_line_and_offset_of_a_non_utf8_byte(tmp_path, capsys,
                                                                     attributor):
    code, err, src, out = _context(tmp_path, capsys, (
        b"id\tconcept\tsentence\n1\tedema\tNo edema.\n"
        b"2\tfever\tSeen by Dr. Qu\xefmby.\n3\trash\tNo rash.\n"))
    assert code == 3, err
    offset = len(b"id\tconcept\tsentence\n1\tedema\tNo edema.\n2\tfever\tSeen by Dr. Qu")
    assert f"file {src}, line 3: not UTF-8 (undecodable byte at byte offset {offset})" in err
    assert "mby" not in err and "Traceback" not in err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and lines[2] == "\t".join([""] * 6)   # kept in place, blank


def test_nlp_context_non_utf8_header_is_a_clear_error(tmp_path, capsys):
    src = tmp_path / "pairs.tsv"
    src.write_bytes(b"id\tconc\xe9pt\tsentence\n")
    code, err = run_osler(["nlp", "context", "--in", str(src), "--out", str(tmp_path / "o.tsv")],
                     capsys)
    assert code == 2 and f"osler: error: file {src}, line 1: not UTF-8" in err
    assert "Traceback" not in err


def test_nlp_extract_non_utf8_note_is_read_as_latin1_as_ingest_reads_it(tmp_path, capsys,
                                                                       extractor):
    # Once a strict-UTF-8 error; now decoded as `osler ingest` and FHIR attachments decode a
    # plain-text note (decode_note): not UTF-8 and no byte-order mark -> Latin-1.
    note = tmp_path / "note.txt"
    note.write_bytes(b"Denies chest pain.\nSeen by Dr. Qu\xefmby.\n")
    code, err = run_osler(["nlp", "extract", str(note)], capsys)
    assert code == 0
    assert "not UTF-8" not in err and "Traceback" not in err


def test_nlp_context_says_what_a_missing_concept_got(tmp_path, capsys, attributor):
    # The stand-in's attributes are kept (the NegEx set's convention) and the warning names
    # them; it used to claim the defaults while the row came out Negated / Other.
    code, err, _src, out = _context(tmp_path, capsys, (
        "concept\tsentence\nxyz\tMother denies fever.\nchest pains\tNo chest pain.\n"
        "rash\tNo rash.\n").encode("utf-8"))
    assert code == 0, err
    rows = [ln.split("\t") for ln in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert rows[0][2:] == ["Negated", "Recent", "Other"]
    assert ("pairs.tsv line 2: the concept is not in its sentence; its attributes are those of "
            "the sentence's last word, which stands for it; the row got Negated, Recent, Other"
            ) in err
    assert rows[1][2:] == ["Negated", "Recent", "Patient"]
    assert "line 3: the concept is not in its sentence; its attributes are those of its first " \
           "word there; the row got Negated, Recent, Patient" in err
    assert "line 4" not in err and "defaults" not in err


def test_nlp_context_an_unwritable_out_is_a_clear_error(tmp_path, capsys, attributor):
    (tmp_path / "a_file").write_text("x")
    code, err, _, dst = _context(tmp_path, capsys, b"concept\tsentence\nfever\tNo fever.\n",
                                 out="a_file/out.tsv")
    assert code == 2 and "cannot write --out" in err and "Traceback" not in err


def test_nlp_context_says_when_it_replaces_an_input_column(tmp_path, capsys, attributor):
    code, err, _, dst = _context(tmp_path, capsys,
                                 b"concept\tsentence\tnegation\nfever\tNo fever.\tAffirmed\n")
    assert code == 0 and "['negation'] are replaced" in err
    assert dst.read_text().splitlines()[1].split("\t") == ["fever", "No fever.", "Negated",
                                                            "Recent", "Patient"]


def test_nlp_context_reads_and_writes_quoted_tsv_fields(tmp_path, capsys, attributor):
    # as pandas and spreadsheets write TSV: a field with a tab or opening with a quote is quoted
    src, out = tmp_path / "q.tsv", tmp_path / "q.out.tsv"
    src.write_text('concept\tsentence\n"chest pain"\t"Pt said ""no chest pain"" today."\n'
                   'fever\t"No fever\tnoted."\ncough\tDenies cough; he said "no" to all.\n',
                   encoding="utf-8")
    code, err = run_osler(["nlp", "context", "--in", str(src), "--out", str(out)], capsys)
    assert code == 0 and "not in its sentence" not in err
    import csv

    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert [(r["concept"], r["negation"]) for r in rows] == [
        ("chest pain", "Negated"), ("fever", "Negated"), ("cough", "Negated")]
    assert rows[0]["sentence"] == 'Pt said "no chest pain" today.'
    assert rows[1]["sentence"] == "No fever\tnoted."


def test_only_a_field_quoted_whole_is_unquoted():
    from osler.cli.nlp import _tsv_fields

    assert _tsv_fields('chest pain\t"I have chest pain," pt says') == [
        "chest pain", '"I have chest pain," pt says']
    assert _tsv_fields('fever\t"no fever\tx') == ["fever", '"no fever', "x"]
    assert _tsv_fields('a\t"b\tc"\td') == ["a", "b\tc", "d"]
