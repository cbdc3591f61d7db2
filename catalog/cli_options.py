"""Options and error handling shared by every `catalog` command.

Kept apart from cli.py so the command modules (catalog/commands/) can use them
without importing the whole CLI.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from catalog.diagnostics import shorten
from catalog.errors import CatalogError, SetupError

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
    """Turn CatalogError and unreadable paths into a one-line message and exit status 1
    (2 for a SetupError)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CatalogError as exc:
            click.echo(f"error: {shorten(str(exc))}", err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {shorten(where + str(exc.strerror or exc))}", err=True)
            sys.exit(1)

    return wrapper


def require_data_dir(data_dir: Path) -> None:
    """A data folder with its papers/ folder, or a one-line error and exit 2: without them a
    check would find 0 problems in 0 papers and a build would write an empty list."""
    if not data_dir.is_dir():
        raise SetupError(f"no data folder at {data_dir} (use --data DIR)")
    papers = data_dir / "papers"
    if not papers.is_dir() or papers.is_symlink():
        what = "is not a folder" if papers.exists() or papers.is_symlink() else "is missing"
        raise SetupError(f"{papers} {what}: the records live in {papers}/<id>.yaml")
