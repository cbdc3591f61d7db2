"""Options and error handling shared by every `catalog` command.

Kept apart from cli.py so the command modules (catalog/commands/) can use them
without importing the whole CLI.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import click

from catalog import output
from catalog.diagnostics import shorten
from catalog.errors import EXIT_INTERRUPTED, EXIT_USAGE, CatalogError, UsageProblem
from catalog.interrupt import INTERRUPTED

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
R = TypeVar("R")

DATA_OPTION = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data"),
    show_default=True,
    help="The data folder: papers/, venues.yaml, keywords.yaml, catalog.yaml.",
)


def format_option(*choices: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """One line on stderr instead of a traceback: a CatalogError exits with its status (1 for
    bad input, 2 for a UsageProblem), an OSError (unwritable path, port in use) with 2, Ctrl-C
    with 130."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        as_json = kwargs.get("fmt") == "json"
        try:
            return func(*args, **kwargs)
        except CatalogError as exc:
            _fail(shorten(str(exc)), exc.exit_code, as_json)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(shorten(where + str(exc.strerror or exc)), EXIT_USAGE, as_json)
        except KeyboardInterrupt:
            click.echo(INTERRUPTED, err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper


def _fail(message: str, status: int, as_json: bool) -> NoReturn:
    """The error line on stderr; with --format json also the one JSON document on stdout, so a
    script always has one to read, failed or not."""
    click.echo(f"error: {message}", err=True)
    if as_json:
        emit_error(message, status)
    sys.exit(status)


def emit_error(message: str, status: int) -> None:
    """The JSON document of a failed command: `{"error": {"message", "exit_status"}}`."""
    output.emit_json({"error": {"message": message, "exit_status": status}})


def prints_json(command: click.Command) -> bool:
    """Whether the command has `--format json`."""
    return any(p.name == "fmt" and "json" in getattr(p.type, "choices", ()) for p in command.params)


def asked_for_json(command: click.Command, args: list[str]) -> bool:
    """Whether `args` (the command's own, after its name) ask a command that can print JSON
    for it: the last `--format`, before or after whatever else is on the line, is `json`."""
    if not prints_json(command):
        return False
    asked = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--format" and index + 1 < len(args):
            asked = args[index + 1]
        elif arg.startswith("--format="):
            asked = arg.removeprefix("--format=")
    return asked == "json"


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    output.set_quiet(value)
    return value


QUIET_OPTION = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_quiet,
    help="Print only the report and errors: no notes, no summary line, no progress.",
)


def command_options(func: Callable[P, R]) -> Callable[P, R]:
    """What every command has: -q/--quiet, and errors (and Ctrl-C) as one line and a status."""
    return QUIET_OPTION(user_errors(func))


def require_data_dir(data_dir: Path) -> None:
    """A data folder with its papers/ folder, or a one-line error and exit 2: without them a
    check would find 0 problems in 0 papers and a build would write an empty list."""
    if not data_dir.is_dir():
        raise UsageProblem(f"no data folder at {data_dir} (use --data DIR)")
    papers = data_dir / "papers"
    if not papers.is_dir() or papers.is_symlink():
        what = "is not a folder" if papers.exists() or papers.is_symlink() else "is missing"
        raise UsageProblem(f"{papers} {what}: the records live in {papers}/<id>.yaml")
