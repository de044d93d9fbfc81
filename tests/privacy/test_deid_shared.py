"""The PhysioNet deid gold standard, read at run time from ../shared/data (subset)."""

from __future__ import annotations

from functools import partial

import pytest

from osler.privacy.deid import detect_phi
from osler.privacy.deid.evaluate import (heldout_part, read_physionet_deid, score_spans,
                                         split_of)

pytestmark = pytest.mark.shared_data


def test_corpus_offsets_and_patient_split(shared_data):
    notes = read_physionet_deid(shared_data / "deid-physionet")
    assert len(notes) == 1541 and sum(len(n.phi) for n in notes) == 1101
    tune = {n.patient for n in notes if split_of(n.patient) == "tune"}
    heldout = {n.patient for n in notes if split_of(n.patient) == "heldout"}
    assert tune and heldout and not tune & heldout
    assert all(0 <= s.start < s.end <= len(n.text) for n in notes for s in n.phi)


def test_held_out_half_splits_into_a_read_and_a_score_part(shared_data):
    from osler.privacy.deid.learn import rules_not_written_from

    notes = read_physionet_deid(shared_data / "deid-physionet", "heldout")
    parts = {part: {n.patient for n in notes if heldout_part(n.patient) == part}
             for part in ("read", "score")}
    assert (len(parts["read"]), len(parts["score"])) == (20, 30)
    # The threshold choice never scores on notes the rules were written from.
    chosen_on = {n.patient for n in notes if rules_not_written_from(n)}
    assert chosen_on == parts["score"]


def test_detector_recall_on_a_tuning_subset(shared_data):
    notes = read_physionet_deid(shared_data / "deid-physionet", "tune")[:200]
    # Full cross-validated figures are in docs/benchmarks.md; this guards the tuned rules and
    # the bundled tagger (which was trained on these notes, so these are training figures).
    for tagger in (None, "bundled"):
        scores = score_spans(notes, partial(detect_phi, tagger=tagger))
        assert scores.recall() >= 0.85
        assert scores.precision() >= 0.6


@pytest.mark.slow
def test_tagger_trained_on_some_patients_finds_phi_of_others(shared_data):
    pytest.importorskip("pycrfsuite")
    from osler.privacy.deid.learn import patient_fold, train_tagger

    notes = read_physionet_deid(shared_data / "deid-physionet", "tune")
    train = [n for n in notes if patient_fold(n.patient, 3) != 0]
    test = [n for n in notes if patient_fold(n.patient, 3) == 0]
    model = train_tagger(train, inner_folds=2, max_iterations=30)
    assert 0 < model.threshold < 1
    scores = score_spans(test, partial(detect_phi, tagger=model))
    assert scores.recall() >= 0.85


# pydicom warns (UserWarning) about non-conformant values in some sample files; these files
# are test fixtures of pydicom itself and the warnings are expected.
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_real_dicom_samples_lose_their_identity(shared_data, tmp_path):
    pydicom = pytest.importorskip("pydicom")
    from osler.privacy import DeidKey
    from osler.privacy.deid import deidentify_dicom_dir

    key = DeidKey(b"dicom samples test secret 32 b..")
    results = deidentify_dicom_dir(shared_data / "dicom-samples", tmp_path, key)
    done = [r for r in results if not r.error]
    assert len(done) >= 200
    # Only non-DICOM files, a transfer syntax pydicom cannot write, data sets that are no
    # DICOM object (pydicom's charset fixture of two elements, no SOP Class) and pydicom's
    # truncated fixtures (which it reads without a word) are skipped, as unreadable.
    assert {r.error for r in results if r.error} <= {
        "unreadable (InvalidDicomError): truncated or not a DICOM file",
        "unreadable (ValueError): truncated or not a DICOM file",
        "unreadable: no SOP Class UID: truncated or not a DICOM object",
        "unreadable: file meta only, no data set (truncated?)",
        "unreadable: truncated: its last element (7FE0,0010) ends past the end of the file",
        "unreadable: truncated: its last element (300A,00B0) ends past the end of the file"}
    cut = {r.source.rsplit("/", 1)[-1] for r in results
           if r.error and ("truncated:" in r.error or "meta only" in r.error)}
    assert cut == {"MR_truncated.dcm", "rtplan_truncated.dcm",
                   "emri_small_jpeg_2k_lossless_too_short.dcm"}
    for r in done[:60]:
        ds = pydicom.dcmread(r.output)
        assert ds.PatientIdentityRemoved == "YES"
        assert not any(e.tag.is_private for e in ds)
        # a clinician's name is removed, emptied or (D, X/Z/D: OperatorsName) a stand-in:
        # none is kept as the input wrote it
        source = pydicom.dcmread(shared_data / "dicom-samples" / r.source, force=True)
        written = {str(e.value) for e in source.iterall() if e.VR == "PN" and str(e.value)}
        assert not any(str(e.value) in written for e in ds.iterall()
                       if e.VR == "PN" and e.keyword != "PatientName")


def _identifying_strings(resource: dict) -> set[str]:
    out: set[str] = set()
    names = resource.get("name")
    if isinstance(names, str):
        out.add(names)
    for n in names if isinstance(names, list) else []:
        if isinstance(n, dict):
            out.update([n.get("family", ""), *n.get("given", [])])
    for a in resource.get("address") or []:
        out.update([*a.get("line", []), a.get("city", ""), a.get("postalCode", "")])
    out.update(t.get("value", "") for t in resource.get("telecom") or [])
    if resource.get("resourceType") in ("Patient", "Practitioner"):
        out.update(i.get("value", "") for i in resource.get("identifier") or [])
    return {s for s in out if len(s) > 3}


def test_synthea_bundles_keep_no_name_address_telecom_or_identifier(shared_data):
    import gzip
    import json

    from osler.privacy import DeidKey
    from osler.privacy.deid import deidentify_bundle

    key = DeidKey(b"synthea de-id test secret 32 b..")
    for path in sorted((shared_data / "synthea-fhir-r4").glob("*.json.gz"))[:3]:
        bundle = json.loads(gzip.decompress(path.read_bytes()))
        secrets = set().union(*(_identifying_strings(e["resource"]) for e in bundle["entry"]))
        out = json.dumps(deidentify_bundle(bundle, key))
        assert secrets and not [s for s in secrets if s in out]
