"""How every command fails: one line on stderr (and the JSON error document), a status.

Apart from cli_options (which declares click options) and free of click, so a command line
read without click (`catalog.fast_cli`) fails exactly as one read by it.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, ParamSpec, TypeVar

from catalog import output
from catalog.errors import EXIT_INTERRUPTED, EXIT_USAGE, CatalogError, UsageProblem
from catalog.interrupt import INTERRUPTED
from catalog.shown import shorten

P = ParamSpec("P")
R = TypeVar("R")


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
            output.echo(INTERRUPTED, err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper


def _fail(message: str, status: int, as_json: bool) -> NoReturn:
    """The error line on stderr; with --format json also the one JSON document on stdout, so a
    script always has one to read, failed or not."""
    output.echo(f"error: {message}", err=True)
    if as_json:
        emit_error(message, status)
    sys.exit(status)


def emit_error(message: str, status: int) -> None:
    """The JSON document of a failed command: `{"error": {"message", "exit_status"}}`."""
    output.emit_json({"error": {"message": message, "exit_status": status}})


def require_data_dir(data_dir: Path) -> None:
    """A data folder with its papers/ folder, or a one-line error and exit 2: without them a
    check would find 0 problems in 0 papers and a build would write an empty list."""
    if not data_dir.is_dir():
        raise UsageProblem(f"no data folder at {data_dir} (use --data DIR)")
    papers = data_dir / "papers"
    if not papers.is_dir() or papers.is_symlink():
        what = "is not a folder" if papers.exists() or papers.is_symlink() else "is missing"
        raise UsageProblem(f"{papers} {what}: the records live in {papers}/<id>.yaml")
