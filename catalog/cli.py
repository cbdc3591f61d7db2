"""The `catalog` command: parse options, call one library function, print, set the exit code.

Reports go to stdout; progress and logs go to stderr. Exit 0 when clean, 1 when the data has
errors, 2 for usage errors.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from catalog.diagnostics import format_report, has_errors
from catalog.errors import CatalogError

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


def user_errors(func: F) -> F:
    """Turn CatalogError and unreadable paths into a one-line message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CatalogError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def require_data_dir(data_dir: Path) -> None:
    if not data_dir.is_dir():
        raise click.UsageError(f"no data folder at {data_dir} (use --data DIR)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="catalog")
def main() -> None:
    """Build and check a curated catalog of research papers kept as YAML records."""


@main.command()
@DATA_OPTION
@format_option("text", "json", "github")
@user_errors
def validate(data_dir: Path, fmt: str) -> None:
    """Check every record and registry; report all problems at their file and line."""
    from catalog.validate import load_catalog

    require_data_dir(data_dir)
    catalog = load_catalog(data_dir)
    report = format_report(catalog.diagnostics, catalog.files_checked, fmt)  # type: ignore[arg-type]
    if report:
        click.echo(report)
    sys.exit(1 if has_errors(catalog.diagnostics) else 0)


@main.command()
def schema() -> None:
    """Print the JSON Schema of a paper record (data/paper.schema.json is a copy)."""
    from catalog.schema import record_schema

    click.echo(json.dumps(record_schema(), indent=2, ensure_ascii=False))
