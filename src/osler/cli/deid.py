"""``osler deid``: de-identify notes, FHIR and DICOM with one shared key file."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import click

from osler.cli._common import (EXIT_FAILURE, exit_status, output_file, read_text,
                               refuse_overwrite, same_file, single_option, text_lines,
                               writable_folder)

__all__ = ["deid"]

_KEY_HELP = ("Key file (JSON with a hex 'secret'); created when absent. Use the same file for "
             "notes, FHIR and DICOM so pseudonyms and date shifts match (when FHIR's "
             "Patient.id is not the DICOM PatientID, see `deid fhir --patient-identifier`). "
             "A new key file records the year it was made, from which the birth year "
             "standing for ages over 89 is counted in every modality. "
             "Without it, a random key is used for this run only.")


def _key(path: Path | None):
    from osler.privacy.keys import load_key, new_key, write_key

    if path is None:
        click.echo("no --key-file: using a random key for this run only; pseudonyms and date "
                   "shifts are consistent within this run but not across runs", err=True)
        return new_key()
    if path.exists():
        key = load_key(path)
        if key.reference_year is None:
            _warn_no_reference_year(path)
        return key
    if not path.parent.is_dir():
        from osler.errors import DataError
        raise DataError(f"--key-file {path}: folder {path.parent} does not exist")
    key = write_key(path)
    click.echo(f"created a new key file {path}; keep it secret and out of the output", err=True)
    return key


def _warn_no_reference_year(path: Path) -> None:
    """Warn that an older key file's stand-in birth year for ages over 89 moves with the
    calendar (it has no ``reference_year``), and how to pin it."""
    from datetime import date

    year = date.today().year
    click.echo(f"warning: key file {path} has no 'reference_year' (it was written before "
               f"Osler stored one): the birth year standing for ages over 89 is this year's "
               f"minus 90 ({year - 90}) and will differ in outputs made in another year; to "
               f"keep it stable, add \"reference_year\": {year} to the file, or the year it "
               "was first used", err=True)


key_option = single_option("--key-file", default=None,
                           type=click.Path(dir_okay=False, path_type=Path), help=_KEY_HELP)


@click.group()
def deid() -> None:
    """De-identification (HIPAA Safe Harbor identifiers, PS3.15 Basic Profile) under one key."""


@deid.command()
@single_option("--in", "in_file", required=True,
               type=click.Path(exists=True, dir_okay=False, path_type=Path),
               help='JSON Lines: {"id", "text", "patient"?, "time"?, "encounter"?, "type"?, '
                    '"author_role"?} per line; consecutive lines of one patient are '
                    'de-identified together.')
@single_option("--out", "out_file", required=True,
               type=click.Path(dir_okay=False, path_type=Path))
@single_option("--profile", default="surrogate", show_default=True,
               type=click.Choice(["surrogate", "tag"]))
@single_option("--model", "model", default=None,
               type=click.Path(exists=True, dir_okay=False, path_type=Path),
               help="A PHI tagger trained by `osler deid train` (default: the bundled one).")
@click.option("--rules-only", is_flag=True,
              help="Patterns and dictionaries only, without the learned tagger.")
@click.option("--notes-alone", is_flag=True,
              help="De-identify each note alone, even beside notes of the same patient "
                   "(higher precision, lower recall: see docs/benchmarks.md).")
@click.option("--pseudonymise-ids", "pseudonymise_ids", is_flag=True,
              help="Write each note's 'id' as a keyed pseudonym instead of as it came (an id "
                   "can itself be an identifier, e.g. an accession number). Lines stay in "
                   "input order, so line N of the output is still line N of the input; but "
                   "joining the output back to the input by 'id' (to read 'phi' offsets "
                   "against the original text) then needs the key file.")
@key_option
def text(in_file: Path, out_file: Path, profile: str, model: Path | None, rules_only: bool,
         notes_alone: bool, pseudonymise_ids: bool, key_file: Path | None) -> None:
    """De-identify notes; output {"id", "text", "phi": [{start, end, type}]} per line, in input
    order, with offsets into the ORIGINAL text.

    Consecutive lines with the same "patient" are de-identified together: a name or place found
    in one of them is replaced in all (memory: one such run of notes). Sort the input by
    patient to share across all of a patient's notes; lines without "patient" stand alone, and
    so does every line with --notes-alone. "patient" also keys the date shift.

    \b
    So that the output joins the patient's de-identified FHIR and DICOM under the same key:
      "patient"    becomes the pseudonym `deid fhir` and `deid dicom` give that patient
      "time"       moves by the patient's date shift (dropped, and counted, when the line
                   has no "patient": no shift is shared with anything else)
      "encounter"  becomes the pseudonym `deid fhir` gives that Encounter's id
      "type", "author_role" are kept; any other field is left out.
    "id" is kept as it came, so callers can join the output back to their input on it; it
    may itself identify (an accession number): see --pseudonymise-ids.
    "patient" is keyed with its surrounding spaces stripped, as a DICOM PatientID is.
    The output is read by `osler ingest` as notes ("phi" is accepted there).

    A line that is not a note (bad JSON, no "id" or "text") is reported by its number and
    skipped. The output is written whole at the end: a run that fails leaves --out as it was.
    Exit status: 0 when every note was de-identified, 3 when some lines were skipped, 2 when
    none was de-identified, or on a usage error or a fatal one (an --out that is the --in or
    the --key-file, or cannot be written; a bad key file).
    """
    from collections import Counter

    from osler.privacy.deid import PhiTagger
    from osler.privacy.deid.note_fields import NOT_A_TIME, TIME_WITHOUT_PATIENT

    if model is not None and rules_only:
        raise click.UsageError("--model and --rules-only exclude each other")
    refuse_overwrite(out_file, "--out", [("--in", in_file), *([("--model", model)] if model
                                                               else [])], key_file)
    tagger = None if rules_only else PhiTagger.load(model) if model else "bundled"
    counts: Counter = Counter()
    with output_file(out_file, "--out") as fout:   # before the work: it may not be writable
        key = _key(key_file)
        notes = _notes(text_lines(in_file), in_file.name, counts)
        runs = ([note] for note in notes) if notes_alone else _patient_runs(notes, counts)
        for run in runs:
            _write_run(run, fout, key, profile, tagger, counts, pseudonymise_ids)
            counts["done"] += len(run)
    done, skipped = counts["done"], counts["skipped"]
    if counts["split"]:
        click.echo(f"{counts['split']} patients' notes were not on consecutive lines; each run "
                   "was de-identified on its own (sort the input by patient)", err=True)
    for reason in (TIME_WITHOUT_PATIENT, NOT_A_TIME):
        if counts[reason]:
            click.echo(f"{counts[reason]} {reason}", err=True)
    click.echo(f"{done} notes de-identified, {skipped} skipped -> {out_file}", err=True)
    raise SystemExit(exit_status(done, skipped))


def _notes(lines, name: str, counts):
    """(id, text, patient, line object) of each valid JSON line of ``(n, text, error)`` from
    :func:`text_lines`; invalid lines (bad JSON, not UTF-8) are reported and counted."""
    from osler.privacy.keys import patient_key

    first_line: dict[str, int] = {}
    for n, line, bad in lines:
        if bad is not None:
            click.echo(f"{name} line {n}: skipped ({bad.reason})", err=True)
            counts["skipped"] += 1
            continue
        if not line.strip():
            continue
        why = _note_problem(line)
        if why:
            click.echo(f"{name} line {n}: skipped ({why})", err=True)
            counts["skipped"] += 1
            continue
        obj = json.loads(line)
        note_text, note_id = obj["text"], obj["id"]
        seen = first_line.setdefault(str(note_id), n)
        if seen != n:   # kept, but output ids no longer name one note each (no id printed)
            click.echo(f"{name} line {n}: warning: the same 'id' as line {seen}", err=True)
        patient = patient_key(obj.get("patient"))   # " P001 " is P001, as in DICOM and FHIR
        # a note of no patient keys its own date shift: notes of unknown patients must not
        # share one offset (one known date would reveal it for all of them)
        yield note_id, note_text, (_NO_PATIENT + f"{note_id}:{n}" if patient is None
                                   else patient), obj


def _note_problem(line: str) -> str | None:
    """Why a JSON line is no note (``None`` when it is one); never quotes the line."""
    try:
        obj = json.loads(line, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        return str(exc)
    except ValueError as exc:
        return f"not valid JSON: {str(exc).split(':')[0]}"
    if not isinstance(obj, dict):
        return "not a JSON object"
    if obj.get("id") is None or isinstance(obj.get("id"), (dict, list, bool)):
        return "needs an 'id' (a string or a number)"
    if isinstance(obj["id"], float) and not math.isfinite(obj["id"]):
        # 1e400 reads as infinity, which JSON cannot write back (Python would write Infinity)
        return "its 'id' is a number too large to be written back as JSON; give it as a string"
    if not isinstance(obj.get("text"), str):
        return "needs a string 'text'"
    patient = obj.get("patient")
    if patient is not None and (isinstance(patient, bool) or not isinstance(patient, (str, int))):
        return "'patient', when given, must be a string or an integer (it keys the date shift)"
    return None


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class _DuplicateKey(ValueError):
    """A JSON object names one key twice: which value is meant cannot be told."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """The object of ``pairs``; json.loads would keep the last of two values of one key
    silently (a second "text" would replace the note that was checked)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        keys = [k for k, _ in pairs]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        from osler.ingest.notes import NOTE_FIELDS

        # key names only when they are the note's fields: any other key may itself be text
        shown = [repr(k) for k in repeated if k in NOTE_FIELDS]
        raise _DuplicateKey("a JSON object repeats the key "
                            + (", ".join(shown) if shown else "of a field")
                            + "; which value is meant cannot be told")
    return obj



#: The date-shift key of a note that names no patient starts with this (a control character:
#: no patient id holds one); the rest is its id and line, so it shares no offset with others.
_NO_PATIENT = "\x00note:"


def _patient_runs(notes, counts):
    """Runs of consecutive notes of one patient (a note without a patient is a run alone)."""
    run: list[tuple] = []
    seen: set[str] = set()
    for note in notes:
        patient = note[2]
        if run and (patient is None or patient != run[-1][2]):
            yield run
            run = []
        if patient is not None and not run:
            counts["split"] += patient in seen
            seen.add(patient)
        run.append(note)
    if run:
        yield run


def _write_run(run, fout, key, profile: str, tagger, counts, pseudonymise_ids: bool) -> None:
    from osler.privacy.deid import deidentify_notes
    from osler.privacy.deid.note_fields import deidentify_note_fields, note_id_pseudonym

    patient = run[0][2]
    patient = None if patient is None or patient.startswith(_NO_PATIENT) else patient
    # the patient's own id (often the MRN) is PHI wherever its notes repeat it, in any shape
    results = deidentify_notes([note[1] for note in run], key, patient=run[0][2],
                               profile=profile, tagger=tagger,
                               identifiers=() if patient is None else (patient,))
    # the patient's pseudonym, shifted time and encounter pseudonym (as FHIR and DICOM get
    # them under the same key) let the notes join the rest of the patient's record
    for (note_id, _text, _patient, obj), result in zip(run, results):
        fields, dropped = deidentify_note_fields(obj, key, patient)
        if dropped:
            counts[dropped] += 1
        out_id = note_id_pseudonym(key, note_id) if pseudonymise_ids else note_id
        fout.write(json.dumps({"id": out_id, "text": result.text,
                               "phi": [s.to_dict() for s in result.phi], **fields}) + "\n")


@deid.command()
@single_option("--data", required=True, type=click.Path(exists=True, path_type=Path),
               help="A PhysioNet deid gold-standard folder (id_*.text + id-phi_*.phrase).")
@single_option("--out", "out_file", required=True,
               type=click.Path(dir_okay=False, path_type=Path),
               help="Where to write the tagger (.json.gz), outside the repository.")
def train(data: Path, out_file: Path) -> None:
    """Train the PHI tagger on gold-standard notes; use it with `osler deid text --model`."""
    from osler.privacy.deid.learn import train_physionet_tagger

    path = train_physionet_tagger(data, out_file)
    click.echo(f"PHI tagger written to {path}", err=True)


@deid.command()
@click.argument("in_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out_path", type=click.Path(dir_okay=False, path_type=Path))
@key_option
@click.option("--names-from", "names_from", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Another .ndjson (or .json) of the same export whose Patient, "
                   "RelatedPerson and Practitioner names the free text may mention, e.g. "
                   "Patient.ndjson beside DocumentReference.ndjson (repeatable); with "
                   "--patient-identifier, also where each resource's Patient (its MRN) is "
                   "read from.")
@single_option("--patient-identifier", "patient_identifier", metavar="SYSTEM", default=None,
               help="Key each patient's pseudonyms and date shift by its identifier of this "
                    "Identifier.system URI (e.g. http://hospital.example.org/mrn) or HL7 "
                    "v2-0203 type code (MR) instead of Patient.id: use it when the DICOM "
                    "PatientID and the notes' 'patient' are the MRN. That identifier keeps its "
                    "system, with the pseudonym `deid dicom` gives a PatientID of its value, so "
                    "`osler ingest --patient-identifier SYSTEM` joins them. A Patient without "
                    "it (or with two values) is not written, nor are its resources.")
@click.option("--again", is_flag=True,
              help="Also de-identify resources already labelled de-identified (meta.security "
                   "PSEUDED, which every output resource gets, in attachments' FHIR JSON "
                   "too), which are otherwise skipped: "
                   "their dates would move a second time and no longer match the images and "
                   "notes de-identified once.")
def fhir(in_path: Path, out_path: Path, key_file: Path | None,
         names_from: tuple[Path, ...], patient_identifier: str | None, again: bool) -> None:
    """De-identify a FHIR JSON resource or Bundle (.json or .ndjson, one resource per line).

    Gzip input (.json.gz, .ndjson.gz, as Synthea ships) is read; an OUT_PATH ending in .gz is
    written gzip-compressed. In .ndjson, a line that is not a FHIR resource is reported with
    its line number and skipped; in a Bundle, an entry whose patient cannot be keyed (see
    --patient-identifier), or that is already de-identified (see --again), is reported and
    left out. A resource with an element whose JSON contradicts its FHIR R4 type (a string
    where a CodeableConcept belongs) is skipped or left out the same way: every string not of
    a safe R4 type (code, uri, id ...) is de-identified as free text, and a wrong shape hides
    what an element holds. A resource of no FHIR R4 or R4B type is skipped too; the R4
    resources R4B removed (MedicinalProduct ..., EffectEvidenceSynthesis,
    SubstanceSpecification ...) are written, all their strings free text but those of id,
    meta, language and extensions. Every resource written carries the security label
    PSEUDED (v3-ObservationValue) in meta.security. Exit status: 0 when everything was
    written, 3 when some lines or entries were skipped, 2 when none was written, or on a
    usage error or a fatal one (an OUT_PATH that is IN_PATH, a --names-from file or the
    --key-file, or cannot be written; a bad key file). OUT_PATH is written whole at the end:
    a run that fails leaves it as it was.

    A conditional reference (Patient?identifier=SYSTEM|VALUE, as transaction Bundles write
    it) is resolved to the Patient with that identifier, read from IN_PATH or --names-from,
    and keyed like a Patient/ID reference; one that finds no Patient, or two, is refused,
    unless --patient-identifier keys by the identifier it names (then its value keys it).

    People's names are PHI wherever the text mentions them, even where no rule would find
    them: a Bundle's own people are used for its notes; in .ndjson, each resource's text is
    checked with the names of its patient (Patient and RelatedPerson lines) and of the people
    it references, read from IN_PATH and every --names-from file first.

    \b
    When the images and notes carry the MRN, key by it here too, with one key:
      osler deid fhir --patient-identifier http://hospital.example.org/mrn \\
          --key-file KEY export.json out.json
      osler deid dicom --key-file KEY pacs/ pacs-deid/

    The patient key is Patient.id, or under --patient-identifier that identifier's value with
    its surrounding spaces stripped, case-sensitive, its system not part of the key (as a
    DICOM PatientID is keyed without IssuerOfPatientID).
    """
    from collections import Counter

    from osler.record import PatientIdentifier

    try:  # a bad value fails here, before anything is read or written
        rule = PatientIdentifier.parse(patient_identifier) if patient_identifier else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--patient-identifier'") from None
    refuse_overwrite(out_path, "OUT_PATH", [("IN_PATH", in_path),
                                            *(("--names-from", p) for p in names_from)],
                     key_file)
    dropped: Counter = Counter()
    refused: list = []   # Bundle entries of a patient that cannot be keyed
    ndjson = in_path.name.lower().removesuffix(".gz").endswith((".ndjson", ".jsonl"))
    # opened before the work, so that an output that cannot be written fails at once; it
    # replaces OUT_PATH only when written whole (a run that stops leaves it as it was)
    with output_file(out_path, "OUT_PATH", binary=True) as fout:
        key = _key(key_file)
        names = _known_names([in_path, *names_from] if ndjson else list(names_from))
        run = _fhir_ndjson if ndjson else _fhir_single
        text, done, skipped = run(in_path, key, names, dropped, rule, refused, again)
        data = text.encode("utf-8")
        fout.write(gzip.compress(data) if out_path.name.lower().endswith(".gz") else data)
    _report_dropped(dropped)
    _report_refused(refused)
    skipped += len(refused)
    click.echo(f"{done} resources de-identified, {skipped} skipped -> {out_path}" if ndjson
               else f"de-identified -> {out_path}", err=True)
    raise SystemExit(exit_status(done, skipped))


def _fhir_single(in_path: Path, key, names, dropped, rule, refused, again: bool
                 ) -> tuple[str, int, int]:
    """The text of the one resource or Bundle in ``in_path`` de-identified, how many resources
    it writes (a Bundle: its entries) and 0 skipped (the entries left out are in
    ``refused``). A resource alone of a patient that cannot be keyed ends the run, nothing
    written (exit 2)."""
    from osler.errors import IngestError

    resource = _fhir_resource(read_text(in_path), in_path, None)
    try:
        result = _deid_fhir(resource, key, in_path, None, names, dropped, rule, refused, again)
    except IngestError as exc:   # a single resource of a patient that cannot be keyed
        click.echo(f"skipped: {exc}; nothing written", err=True)
        raise SystemExit(EXIT_FAILURE) from None
    # a Bundle counts its entries: every one refused is a run that wrote nothing usable
    written = len(result.get("entry") or []) if result.get("resourceType") == "Bundle" else 1
    return json.dumps(result, indent=1), written, 0


def _fhir_ndjson(in_path: Path, key, names, dropped, rule, refused, again: bool
                 ) -> tuple[str, int, int]:
    """The lines of ``in_path`` de-identified, how many were written and how many skipped
    (each named on stderr by its line, never by its content)."""
    from osler.errors import IngestError

    done = skipped = 0
    parts = []
    for n, line, bad in text_lines(in_path):
        if bad is None and not line.strip():
            continue
        try:
            if bad is not None:
                raise bad
            resource = _fhir_resource(line, in_path, n)
            parts.append(json.dumps(_deid_fhir(resource, key, in_path, n, names, dropped,
                                               rule, refused, again)) + "\n")
        except IngestError as exc:
            click.echo(f"skipped: {exc}", err=True)
            skipped += 1
            continue
        done += 1
    return "".join(parts), done, skipped


def _report_refused(refused) -> None:
    """Say on stderr which Bundle entries were left out, and why (no values, no names)."""
    for exc in refused:
        click.echo(f"skipped: {exc}", err=True)


#: What a FHIR resource of the wrong shape inside (a string where an object belongs ...) raises.
_FHIR_SHAPE_ERRORS = (AttributeError, TypeError, KeyError, ValueError)


def _known_names(paths: list[Path]):
    """People's names in ``paths`` (.ndjson lines or one JSON resource / Bundle each); lines
    that are not resources are passed over here (the de-id pass reports them)."""
    from osler.privacy.deid.fhir import KnownNames

    names = KnownNames()
    for path in paths:
        if path.name.lower().removesuffix(".gz").endswith((".ndjson", ".jsonl")):
            lines = (line for _, line, bad in text_lines(path) if bad is None and line.strip())
        else:
            lines = iter([read_text(path)])
        for line in lines:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            entries = obj.get("entry") if isinstance(obj, dict) else None
            for res, url in ([(e.get("resource"), e.get("fullUrl")) for e in entries
                              if isinstance(e, dict)] if isinstance(entries, list)
                             else [(obj, None)]):
                if isinstance(res, dict):
                    names.add(res, url if isinstance(url, str) else None)
    return names


def _report_dropped(dropped) -> None:
    """Say on stderr what was dropped from attachments and why (reasons hold no PHI)."""
    from osler.privacy.deid.fhir import NO_PATIENT
    from osler.privacy.deid.fhir_dates import INVALID_DATE, NOT_A_DATE
    from osler.privacy.deid.fhir_labels import EMBEDDED_DEIDENTIFIED

    if dropped.get(EMBEDDED_DEIDENTIFIED):
        click.echo(f"{dropped[EMBEDDED_DEIDENTIFIED]} {EMBEDDED_DEIDENTIFIED} left out: "
                   "de-identifying them again would shift their dates a second time; use "
                   "--again to do so", err=True)
    if dropped.get(NO_PATIENT):
        click.echo(f"{dropped[NO_PATIENT]} {NO_PATIENT}: their dates do not keep their "
                   "intervals with any patient's", err=True)
    for reason in (INVALID_DATE, NOT_A_DATE):
        if dropped.get(reason):
            click.echo(f"{dropped[reason]} {reason}", err=True)
    dropped = {reason: n for reason, n in dropped.items()
               if reason not in (NO_PATIENT, INVALID_DATE, NOT_A_DATE,
                                 EMBEDDED_DEIDENTIFIED)}
    if dropped:
        reasons = "; ".join(f"{n} {reason}" for reason, n in sorted(dropped.items()))
        click.echo(f"{sum(dropped.values())} values dropped (attachments, URIs, base64), as "
                   f"they could not be checked for PHI: {reasons}", err=True)


def _deid_fhir(resource: dict, key, path: Path, line: int | None, names=None,
               dropped=None, rule=None, refused: list | None = None,
               again: bool = False) -> dict:
    """``resource`` de-identified; a resource of the wrong shape inside is an IngestError
    naming the file and line (never the content). ``dropped`` counts what attachments lost;
    ``refused`` receives, with file and line, the Bundle entries ``rule`` cannot key (a
    resource alone that it cannot key raises)."""
    from osler.errors import IngestError
    from osler.privacy.deid import deidentify_bundle

    def located(exc: IngestError) -> IngestError:
        return IngestError(exc.reason, file=str(path), record=exc.record, line=line)

    try:
        return deidentify_bundle(
            resource, key, names=names, dropped=dropped, patient_identifier=rule, again=again,
            on_refused=None if refused is None else lambda exc: refused.append(located(exc)))
    except IngestError as exc:
        raise located(exc) from None
    except RecursionError:
        raise IngestError("FHIR resource nested too deep to walk (hundreds of levels)",
                          file=str(path), line=line) from None
    except _FHIR_SHAPE_ERRORS as exc:
        raise IngestError(f"malformed FHIR resource ({type(exc).__name__})", file=str(path),
                          line=line) from exc


def _fhir_resource(text: str, path: Path, line: int | None) -> dict:
    """The JSON object in ``text`` if it is a FHIR resource; else IngestError (no content)."""
    from osler.errors import IngestError

    try:
        obj = json.loads(text)
    except RecursionError:
        raise IngestError("JSON nested too deep to read (hundreds of levels)", file=str(path),
                          line=line) from None
    except ValueError as exc:
        at = line if line is not None else getattr(exc, "lineno", None)
        raise IngestError("not valid JSON", file=str(path), line=at) from None
    if isinstance(obj, list):
        hint = "" if line is not None else "; use .ndjson for one resource per line"
        raise IngestError(f"a JSON array, not a FHIR resource or Bundle{hint}",
                          file=str(path), line=line)
    if not isinstance(obj, dict) or not isinstance(obj.get("resourceType"), str):
        raise IngestError("not a FHIR resource: needs an object with a string 'resourceType'",
                          file=str(path), line=line)
    return obj


@deid.command()
@click.argument("in_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@key_option
@click.option("--again", is_flag=True,
              help="Also de-identify files this command already de-identified "
                   "(PatientIdentityRemoved YES, an Osler DeidentificationMethod), which are "
                   "otherwise skipped: their dates would move a second time "
                   "and no longer match the FHIR and notes de-identified once.")
@single_option("--profile", default="surrogate", show_default=True,
              type=click.Choice(["surrogate", "tag"]),
              help="How free text kept in headers (StudyDescription, ProtocolName, a "
                   "report's TEXT items ...) is de-identified, as `deid text --profile`: "
                   "the stand-ins the patient's notes and FHIR get, or [NAME], [DATE] ... "
                   "tags. Use the profile the notes were de-identified with.")
def dicom(in_dir: Path, out_dir: Path, key_file: Path | None, again: bool,
          profile: str) -> None:
    """De-identify every DICOM file under IN_DIR into OUT_DIR (PS3.15 Basic Profile).

    PatientID keys each file's pseudonym and date shift, as a note's "patient" does: the same
    key gives a FHIR patient the same when its Patient.id is that id, or, with
    `deid fhir --patient-identifier`, when its MRN is. The key is the PatientID value with
    its surrounding spaces stripped, case-sensitive ("mrn-1" and "MRN-1" are two patients),
    without IssuerOfPatientID: two issuers' same PatientID are one patient to it.

    A file this command already de-identified (PatientIdentityRemoved YES and an Osler
    DeidentificationMethod) is skipped and reported by its number, unless --again; another
    tool's de-identified file is de-identified as any other, and counted in the summary.

    Files are written as OUT_DIR/<study UID>/<series UID>/<instance UID>.dcm, except under a
    folder holding a DICOMDIR (a CD's file-set): there they get PS3.10 File IDs
    (STxxxxxx/SExxxxxx/IMxxxxxx, keyed from the new UIDs) under OUT_DIR, or OUT_DIR/FILESET<n>
    for a folder below IN_DIR, beside the de-identified DICOMDIR, whose records point at them.

    A file without a PatientID (or an empty one) is de-identified with a warning: it is of
    no known patient, and its StudyInstanceUID keys its pseudonym and date shift (its
    SOPInstanceUID without one, its place under IN_DIR without either). Files of one study
    stay together; two studies of no known patient share neither pseudonym nor shift (they
    may be two people), and no dates keep their intervals with any patient's notes and FHIR.
    In a DICOMDIR, a PATIENT record with no PatientID is keyed the same way: each STUDY
    record below it by its own StudyInstanceUID, as its files are, the PATIENT record by its
    first study's. Such files and records are counted in the summary.

    Hidden and system files (a name starting with ".", anything in a hidden folder,
    Thumbs.db, ehthumbs.db, desktop.ini) are not read: they are not skipped files, and the
    summary counts them only when there are some.

    An IN_DIR holding no file, only hidden or system files, or none that reads as DICOM, is
    reported as holding no DICOM file (exit 2): nothing is written, as `deid text` and
    `deid fhir` write nothing usable from an input of no note or resource.

    The last line counts the files written, those skipped (refused: unreadable, already
    de-identified, or not written), and those written of no known patient (and the hidden or
    system files ignored, if any); it names no file and holds no header value.

    Exit status: 0 when every file was de-identified, 3 when some were skipped, 2 when all
    were (or IN_DIR holds no DICOM file), or on a usage error or a fatal one (OUT_DIR inside
    IN_DIR, or holding the --key-file, or not writable; a bad key file).
    """
    from osler.privacy.deid import deidentify_dicom_dir
    from osler.privacy.deid.dicom import dicom_input_files

    _check_dicom_dirs(in_dir, out_dir, key_file)
    to_read, ignored = dicom_input_files(in_dir)
    if not to_read:   # before OUT_DIR is made
        why = (f"it holds only {len(ignored)} hidden or system files (.DS_Store, Thumbs.db "
               "...), which are not read" if ignored else "it holds no files")
        click.echo(f"no DICOM file found in IN_DIR {in_dir}: {why}; nothing written",
                   err=True)
        raise SystemExit(EXIT_FAILURE)
    writable_folder(out_dir, "OUT_DIR")   # once, not as every input file's failure
    results = deidentify_dicom_dir(in_dir, out_dir, _key(key_file), again=again,
                                   profile=profile)
    failed = [r for r in results if r.error]
    flagged = [r for r in results if r.burned_in_risk]
    for n, r in enumerate(results, 1):
        if r.burned_in_risk:
            click.echo(f"check pixels for burned-in text: {_dicom_file(n, r)} (modality "
                       f"{r.modality})", err=True)
    for n, r in enumerate(results, 1):
        if r.error:
            click.echo(f"skipped {_dicom_file(n, r)}: {r.error}", err=True)
    for n, r in enumerate(results, 1):
        if r.duplicate_uid:
            click.echo(f"{_dicom_file(n, r)} shares its SOPInstanceUID with an earlier file",
                       err=True)
    elsewhere = [n for n, r in enumerate(results, 1) if r.marked_by_other_tool and r.output]
    for n in elsewhere:
        click.echo(f"{_dicom_file(n, results[n - 1])} was marked de-identified by another "
                   "tool (PatientIdentityRemoved YES): de-identified again", err=True)
    invalid = sum(r.invalid_dates for r in results)
    if invalid:
        from osler.privacy.deid.dicom import INVALID_DATE

        click.echo(f"{invalid} {INVALID_DATE}", err=True)
    _report_no_patient(results)
    ok = len({r.output for r in results if r.output and not r.error})
    marked = (f", {len(elsewhere)} of them already marked de-identified by another tool "
              "(de-identified again: another tool's output is not trusted)" if elsewhere else "")
    # counts only: no file's path, name or header value (PHI) in the summary
    alone = sum(1 for r in results if r.no_patient and r.output and not r.error)
    records = sum(r.no_patient_records for r in results if r.output and not r.error)
    system = f", {len(ignored)} hidden or system files ignored" if ignored else ""
    click.echo(f"{ok} files de-identified{marked}, {len(failed)} skipped{system}, {alone} "
               "written of "
               "no known patient (no PatientID"
               + (f"; and {records} DICOMDIR patient records)" if records else ")")
               + f", {len(flagged)} flagged for burned-in text -> {out_dir}", err=True)
    if not ok and all(r.error and r.error.startswith("unreadable") for r in results):
        click.echo(f"no DICOM file found in IN_DIR {in_dir}: none of its {len(results)} "
                   "files reads as DICOM; nothing written", err=True)
    raise SystemExit(exit_status(ok, failed))


def _check_dicom_dirs(in_dir: Path, out_dir: Path, key_file: Path | None) -> None:
    """Refuse (usage error, exit 2) an OUT_DIR that is IN_DIR or inside it, under any name
    (a link, a bind mount), and a --key-file that is OUT_DIR or inside it."""
    target = out_dir.resolve()
    if any(same_file(folder, in_dir) for folder in (target, *target.parents)
           if folder.exists()):
        raise click.UsageError(f"OUT_DIR {out_dir} is (inside) IN_DIR {in_dir}: de-identified "
                               "files would sit beside the originals or be read again; write "
                               "elsewhere")
    key = None if key_file is None else key_file.resolve()
    if key is not None and any(folder == target or (folder.exists() and same_file(folder,
                                                                                 out_dir))
                               for folder in (key, *key.parents)):
        raise click.UsageError(f"--key-file {key_file} is in OUT_DIR {out_dir}: the key would "
                               "be shared with the output, or written over by it; keep it "
                               "elsewhere")


def _report_no_patient(results) -> None:
    """Warn of the files written without a PatientID, as `deid fhir` counts the resources of
    no known patient (by their number, never their path)."""
    alone = [n for n, r in enumerate(results, 1) if r.no_patient and r.output and not r.error]
    for n in alone:
        click.echo(f"warning: {_dicom_file(n, results[n - 1])} has no PatientID", err=True)
    if alone:
        click.echo(f"{len(alone)} files of no known patient (no PatientID; each study shifted "
                   "by its own offset): their dates do not keep their intervals with any "
                   "patient's", err=True)
    for n, r in enumerate(results, 1):
        if r.no_patient_records and r.output:
            click.echo(f"warning: {_dicom_file(n, r)}: {r.no_patient_records} patient records "
                       "with no PatientID; each study below them keyed by its own "
                       "StudyInstanceUID, as its files are", err=True)


def _dicom_file(n: int, result) -> str:
    """How messages name an input DICOM file: by its place among IN_DIR's files read (not
    the hidden or system ones) in sorted path order, and its output when written
    ("file 3 -> OUT/2.25.../2.25....dcm"), never by its source path: folders are often named
    after the patient ('QUIXMOOR_ZEBULON/ser2'), as FHIR's messages name an entry by position
    and pseudonym, not by its id."""
    return f"file {n}" + (f" -> {result.output}" if result.output else " (in sorted path order)")

