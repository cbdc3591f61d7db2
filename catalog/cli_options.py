"""Options and error handling shared by every `catalog` command.

Kept apart from cli.py so the command modules (catalog/commands/) can use them
without importing the whole CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from catalog import output
from catalog.cli_errors import P, R, emit_error, require_data_dir, user_errors

__all__ = ["emit_error", "require_data_dir", "user_errors"]  # their home: catalog.cli_errors

F = TypeVar("F", bound=Callable[..., Any])

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
