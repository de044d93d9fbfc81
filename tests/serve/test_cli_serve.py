"""``osler users add`` and ``osler serve`` argument handling."""

from __future__ import annotations

import json

from osler.cli import main


def _run(argv, capsys) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_add_prints_a_token_once_and_stores_only_its_hash(tmp_path, capsys):
    users = tmp_path / "users.json"
    code, out, err = _run(["users", "add", "--users", str(users), "--actor", "dr-x",
                           "--role", "clinician"], capsys)
    token = out.strip()
    assert code == 0 and len(token) >= 40 and "shown only now" in err
    stored = users.read_text()
    assert token not in stored
    assert json.loads(stored)["users"][0]["role"] == "clinician"
    assert users.stat().st_mode & 0o077 == 0           # owner-only
    code, _, err = _run(["users", "add", "--users", str(users), "--actor", "dr-x",
                         "--role", "admin"], capsys)
    assert code == 2 and "exists already" in err


def test_serve_names_a_malformed_model_option(tmp_path, capsys):
    users = tmp_path / "users.json"
    users.write_text('{"users": []}')
    code, _, err = _run(["serve", "--model", "sepsis", "--users", str(users)], capsys)
    assert code == 2 and "TASK=DIR" in err


def test_users_are_checked_and_removable(tmp_path, capsys):
    users = tmp_path / "users.json"
    code, _, err = _run(["users", "add", "--users", str(users), "--actor", "  ",
                         "--role", "admin"], capsys)
    assert code == 2 and "staff id" in err
    code, _, _ = _run(["users", "add", "--users", str(users), "--actor", " dr.a ",
                       "--role", "admin"], capsys)
    assert code == 0 and json.loads(users.read_text())["users"][0]["actor"] == "dr.a"
    code, _, err = _run(["users", "add", "--users", str(users), "--actor", "dr.a",
                         "--role", "clinician"], capsys)
    assert code == 2 and "exists already" in err
    code, _, _ = _run(["users", "remove", "--users", str(users), "--actor", "dr.a"], capsys)
    assert code == 0 and json.loads(users.read_text())["users"] == []
    users.write_text('{"users": [')
    code, _, err = _run(["users", "add", "--users", str(users), "--actor", "b",
                         "--role", "admin"], capsys)
    assert code == 2 and "expected JSON" in err and "Traceback" not in err
