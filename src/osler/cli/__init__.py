"""The ``osler`` command line: one entry point, sub-commands per job.

Commands are loaded lazily from the modules named in ``COMMANDS`` so that ``osler --help`` does
not import torch, spaCy or LightGBM. Each module holds only argument handling; the work is done
by library functions that the service calls too.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import sys

import click

from osler import __version__

__all__ = ["COMMANDS", "main"]

#: command name -> "module:attribute" of a click command or group.
COMMANDS: dict[str, str] = {
    "demo": "osler.cli.demo:demo",
    "ingest": "osler.cli.ingest:ingest",
    "stats": "osler.cli.stats:stats",
    "show": "osler.cli.show:show",
    "train": "osler.cli.tasks:train",
    "predict": "osler.cli.tasks:predict",
    "evaluate": "osler.cli.tasks:evaluate",
    "monitor": "osler.cli.monitor:monitor",
    "pgx": "osler.cli.pgx:pgx",
    "nlp": "osler.cli.nlp:nlp",
    "deid": "osler.cli.deid:deid",
    "imaging": "osler.cli.imaging:imaging",
    "serve": "osler.cli.serve:serve",
    "users": "osler.cli.serve:users",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if _available(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _closed_stdout()


#: The exit status of a Unix tool ended by SIGPIPE (128 + 13), as a shell reports it.
EXIT_CLOSED_PIPE = 141


def _closed_stdout() -> None:
    """The reader of stdout went away (``osler monitor ... | head``): stop quietly, as Unix
    tools do, with no message and no traceback, and the status a shell gives a tool ended by
    SIGPIPE (141), not click's 1. What is still buffered goes to /dev/null, so that Python's
    final flush does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):   # no file descriptor (a test's capture)
        pass
    sys.exit(EXIT_CLOSED_PIPE)


def _available(name: str) -> bool:
    module = COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module) is not None


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="osler")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """Osler: patient timelines, leakage-safe models and the evidence behind them."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; maps Osler errors to a one-line message and exit code 2."""
    from osler.errors import OslerError

    try:
        cli.main(args=argv, prog_name="osler", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except OslerError as exc:
        click.echo(f"osler: error: {exc}", err=True)
        sys.exit(2)
