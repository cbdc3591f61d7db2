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

from catalog.errors import CatalogError

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
    """Turn CatalogError and unreadable paths into a one-line message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CatalogError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)

    return wrapper


def require_data_dir(data_dir: Path) -> None:
    if not data_dir.is_dir():
        raise click.UsageError(f"no data folder at {data_dir} (use --data DIR)")
