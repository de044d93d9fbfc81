"""Every command of ``osler``, found by walking the click group, refuses a repeated
single-value option (exit 2, naming the option) instead of click keeping the last value
silently. Only the options listed in ``REPEATABLE`` take several values on purpose; flags and
counters are left alone. A new command or option is checked without being named here.
Made-up data only."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from cli_run import run_osler
from osler.cli import cli
from osler.cli._common import once

#: (command path, option) taken more than once on purpose.
REPEATABLE = {("train", "--data"), ("train", "--outcomes"), ("evaluate", "--data"),
              ("evaluate", "--outcomes"), ("predict", "--data"), ("deid fhir", "--names-from"),
              ("nlp annotate", "--patient"), ("nlp features", "--patient"), ("serve", "--model")}


def _walk(cmd: click.Command, path: tuple[str, ...] = ()):
    """``(path, command)`` for ``cmd`` and every command under it, groups included."""
    yield " ".join(path), cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from _walk(cmd.get_command(ctx, name), (*path, name))


COMMANDS = dict(_walk(cli))


def _value_options(command: click.Command) -> list[click.Option]:
    """The options of ``command`` that take a value (not flags, counters or --help)."""
    return [p for p in command.params
            if isinstance(p, click.Option) and not p.is_flag and not p.count]


SINGLE = [(path, p.opts[0]) for path, cmd in COMMANDS.items() for p in _value_options(cmd)
          if (path, p.opts[0]) not in REPEATABLE]


def _option(path: str, name: str) -> click.Option:
    return next(p for p in COMMANDS[path].params
                if isinstance(p, click.Option) and p.opts[0] == name)


def test_the_walk_finds_every_command():
    """The walk reaches nested commands (a broken walk would make the checks below vacuous)."""
    for path in ("ingest", "show", "serve", "users add", "users remove", "pgx call",
                 "pgx recommend", "imaging saliency", "imaging worklist", "deid text",
                 "nlp annotate", "monitor sepsis", "train"):
        assert path in COMMANDS
    assert len(SINGLE) > 50


@pytest.mark.parametrize("path, name", sorted(SINGLE),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_every_single_value_option_is_declared_with_single_option(path, name):
    option = _option(path, name)
    assert option.multiple and option.callback is once, (
        f"osler {path} {name} keeps the last of two values silently: declare it with "
        "osler.cli._common.single_option, or list it in REPEATABLE if it repeats by design")


@pytest.mark.parametrize("path, name", sorted(REPEATABLE),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_the_repeatable_options_exist_and_repeat(path, name):
    """The list of exceptions stays true: each names an option that takes several values."""
    option = _option(path, name)
    assert option.multiple and option.callback is not once


def _a_value(option: click.Option, tmp_path: Path) -> str:
    """A value that passes the option's own type check, so that only the repeat is refused."""
    kind = option.type
    if isinstance(kind, click.Choice):
        return str(kind.choices[0])
    if isinstance(kind, click.Path):
        if not kind.exists:
            return str(tmp_path / "not-yet")
        if not kind.file_okay:
            (tmp_path / "folder").mkdir(exist_ok=True)
            return str(tmp_path / "folder")
        (tmp_path / "file.txt").write_text("made-up\n")
        return str(tmp_path / "file.txt")
    if isinstance(kind, (click.types.IntParamType, click.IntRange)):
        return "1"
    if isinstance(kind, (click.types.FloatParamType, click.FloatRange)):
        return "0.5"
    if isinstance(kind, click.types.StringParamType):
        return "x-1"
    raise AssertionError(f"no made-up value for type {kind!r}: add one to _a_value")


@pytest.mark.parametrize("path, name", sorted(SINGLE),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_a_repeat_of_any_single_value_option_is_refused(path, name, tmp_path, capsys,
                                                        monkeypatch):
    """Given twice with one valid value, the option is refused before the command runs
    (options are checked in the order given, so a missing argument is not reached)."""
    monkeypatch.chdir(tmp_path)
    value = _a_value(_option(path, name), tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, err = run_osler([*path.split(), name, value, name, value], capsys)
    assert code == 2
    assert f"option '{max(_option(path, name).opts, key=len)}' was given 2 times" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before   # nothing written


# command, its other arguments, option, value given, parameter and what it receives
ONCE = [
    ("show", ["p-1"], "--limit", "5", "limit", 5),
    ("serve", ["--model", "sepsis=m", "--users", "USERS"], "--port", "9001", "port", 9001),
    ("serve", ["--model", "sepsis=m", "--users", "USERS"], "--host", "::1", "host", "::1"),
    ("serve", ["--model", "sepsis=m", "--users", "USERS"], "--refresh-seconds", "2",
     "refresh_seconds", 2.0),
    ("ingest", ["DATA"], "--patient", "p-1", "patient", "p-1"),
    ("ingest", ["DATA"], "--validation", "strict", "validation", "strict"),
    ("pgx call", ["DATA"], "--format", "json", "fmt", "json"),
    ("pgx recommend", ["--drug", "drug-a"], "--sample", "s-1", "sample", "s-1"),
    ("imaging worklist", ["--model", "FOLDER", "--data", "FOLDER"], "--urgent-at", "0.9",
     "urgent_at", 0.9),
    ("users add", ["--actor", "staff-1", "--role", "ROLE"], "--users", "u.json", "users_file",
     "u.json"),
]
DEFAULTS = [
    ("show", ["p-1"], "limit", 200),
    ("serve", ["--model", "sepsis=m", "--users", "USERS"], "port", 8000),
    ("serve", ["--model", "sepsis=m", "--users", "USERS"], "host", "127.0.0.1"),
    ("serve", ["--model", "sepsis=m", "--users", "USERS"], "cache_patients", 500),
    ("serve", ["--model", "sepsis=m", "--users", "USERS"], "key_file", None),
    ("ingest", ["DATA"], "patient", None),
    ("ingest", ["DATA"], "validation", "fast"),
    ("pgx call", ["DATA"], "fmt", "tsv"),
    ("imaging worklist", ["--model", "FOLDER", "--data", "FOLDER"], "routine_below", 0.3),
    ("users add", ["--actor", "staff-1", "--role", "ROLE"], "users_file", "osler-users.json"),
]


@pytest.fixture
def made_up(tmp_path: Path) -> dict[str, str]:
    from osler.serve.users import ROLES

    (tmp_path / "folder").mkdir()
    (tmp_path / "users.json").write_text("{}")
    (tmp_path / "data.txt").write_text("made-up\n")
    return {"USERS": str(tmp_path / "users.json"), "DATA": str(tmp_path / "data.txt"),
            "FOLDER": str(tmp_path / "folder"), "ROLE": sorted(ROLES)[0]}


@pytest.mark.parametrize("case", ONCE, ids=lambda c: f"{c[0]} {c[2]}")
def test_one_use_reaches_the_command_as_given(case, made_up):
    path, others, name, value, param, expected = case
    argv = [made_up.get(a, a) for a in others] + [name, value]
    params = COMMANDS[path].make_context(path, argv).params
    assert params[param] == expected and type(params[param]) is type(expected)


@pytest.mark.parametrize("case", DEFAULTS, ids=lambda c: f"{c[0]} {c[2]}")
def test_an_option_not_given_keeps_its_default(case, made_up):
    path, others, param, expected = case
    params = COMMANDS[path].make_context(path, [made_up.get(a, a) for a in others]).params
    assert params[param] == expected and type(params[param]) is type(expected)


def test_users_add_runs_with_each_option_once_and_refuses_a_second_role(made_up, tmp_path,
                                                                       capsys):
    """End to end: one --role adds the user; two are refused and the file is not written."""
    users = tmp_path / "staff.json"
    code, err = run_osler(["users", "add", "--users", str(users), "--actor", "staff-1",
                           "--role", made_up["ROLE"], "--role", made_up["ROLE"]], capsys)
    assert code == 2 and "option '--role' was given 2 times" in err
    assert not users.exists()
    code, _ = run_osler(["users", "add", "--users", str(users), "--actor", "staff-1",
                         "--role", made_up["ROLE"]], capsys)
    assert code == 0
    assert "staff-1" in json.dumps(json.loads(users.read_text()))
