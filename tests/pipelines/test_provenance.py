"""provenance_block: one layout of the card's Provenance block for every task."""

from __future__ import annotations

from pathlib import Path

from osler.pipelines._provenance import NOT_RECORDED, file_names, provenance_block

#: The labels every card's block has, in the order the card shows them.
LABELS = ["task", "training data", "training data fingerprint (SHA-256)", "fingerprint of",
          "evaluation data", "left out as seen in training", "decision threshold",
          "library versions"]


def test_every_label_in_order_and_what_the_model_did_not_record_says_so():
    block = provenance_block("toy", training=None, fingerprint=None, fingerprint_of="ids",
                             evaluation={"rows evaluated": 3}, left_out={"rows": 0},
                             threshold=0.5, rule=None, versions=None,
                             threshold_notes={"utility where chosen": 0.4})
    assert list(block) == LABELS
    assert block["training data"] == block["training data fingerprint (SHA-256)"] \
        == block["library versions"] == NOT_RECORDED
    assert block["decision threshold"] == {"value": 0.5, "rule": NOT_RECORDED,
                                           "utility where chosen": 0.4}


def test_file_names_never_say_where_the_files_sit():
    assert file_names([Path("/data/secret/site-a/train.csv"), Path("b.zip")]) \
        == ["train.csv", "b.zip"]
