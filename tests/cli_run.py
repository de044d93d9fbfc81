"""Run the ``osler`` console entry point in-process, as a user would, for CLI tests."""

from __future__ import annotations

from osler.cli import main


def run_osler(argv: list[str], capsys) -> tuple[int, str]:  # noqa: ANN001 - pytest's fixture
    """Return (exit code, stderr) of ``osler ARGV``."""
    code, _out, err = run_osler_out_err(argv, capsys)
    return code, err


def run_osler_out_err(argv: list[str], capsys) -> tuple[int, str, str]:  # noqa: ANN001
    """Return (exit code, stdout, stderr) of ``osler ARGV``."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err
