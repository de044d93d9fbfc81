from __future__ import annotations

import json
import stat

import pytest

from osler.errors import DataError
from osler.privacy import DeidKey, load_key, write_key


def test_key_file_round_trip_is_owner_only(tmp_path):
    path = tmp_path / "deid.key"
    key = write_key(path, max_shift_days=30)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_key(path)
    assert again.pseudonym("p1") == key.pseudonym("p1")
    assert again.date_shift("p1") == key.date_shift("p1")
    assert -30 <= key.date_shift("p1").days <= -1


def test_pseudonyms_are_keyed_not_plain_hashes():
    a, b = DeidKey(b"0" * 32), DeidKey(b"1" * 32)
    assert a.pseudonym("p1") != b.pseudonym("p1")
    assert a.pseudonym("p1") != a.pseudonym("p2")
    assert a.uid("1.2.3") == a.uid("1.2.3") != b.uid("1.2.3")
    assert a.uid("1.2.3").startswith("2.25.") and len(a.uid("1.2.3")) <= 64


def test_short_secret_and_unknown_keys_are_refused(tmp_path):
    with pytest.raises(DataError, match="at least 16 bytes"):
        DeidKey(b"short")
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"secret": "00" * 32, "salt": 1}), encoding="utf-8")
    with pytest.raises(DataError, match="unknown keys \\['salt'\\]"):
        load_key(path)
