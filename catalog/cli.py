"""The `catalog` command: click options in, one call to a catalog/commands/ module, status out.

Every command's logic (run, print, pick the exit status) lives in catalog/commands/<verb>.py;
this module only declares the options and imports a command module when that command runs, so
`catalog --help` loads click and nothing else. Reports go to stdout; progress and logs to stderr.
The commands that ask outside services (new, triage, check-links, sync) are declared in
cli_remote.py and added to the group here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from catalog.cli_options import (
    DATA_OPTION,
    asked_for_json,
    command_options,
    emit_error,
    format_option,
)
from catalog.cli_remote import COMMANDS
from catalog.errors import EXIT_CODES_HELP

if TYPE_CHECKING:
    from catalog.diagnostics import Format


class CatalogGroup(click.Group):
    """The group, with one addition: a usage error (an unknown option, a bad value) of a command
    run with `--format json` also prints the JSON error document, as any other failure does."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["catalog.argv"] = list(args)  # the command's own line, for invoke below
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            failed = exc.ctx
            argv: list[str] = ctx.meta.get("catalog.argv", [])
            if failed is not None and failed.command is not self and failed.info_name in argv:
                own = argv[argv.index(failed.info_name) + 1 :]
                if asked_for_json(failed.command, own):
                    emit_error(exc.format_message(), exc.exit_code)
            raise


@click.group(
    cls=CatalogGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(package_name="catalog")
def main() -> None:
    """Build and check a curated catalog of research papers kept as YAML records."""


@main.command()
@DATA_OPTION
@format_option("text", "json", "github")
@command_options
def validate(data_dir: Path, fmt: Format) -> None:
    """Check every record and registry; report all problems at their file and line.

    A data file may be at most 1 MB ($CATALOG_MAX_FILE_BYTES to change it); what a record may
    hold is in CONTRIBUTING.md.
    """
    from catalog.commands import validate as command

    sys.exit(command.run(data_dir, fmt))


@main.command()
@command_options
def schema() -> None:
    """Print the JSON Schema of a paper record (data/paper.schema.json is a copy)."""
    from catalog.commands import schema as command

    sys.exit(command.run())


@main.command("import")
@click.argument("markdown", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@DATA_OPTION
@click.option(
    "--added",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The `added` date of the new records (default: today).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option(
    "--sections",
    type=click.Choice(["add", "flatten"]),
    default="add",
    show_default=True,
    help="Headings not in catalog.yaml: add them as sections, or put their rows in the main one.",
)
@click.option(
    "--map-section",
    "mapped",
    multiple=True,
    metavar="HEADING=ID",
    help="Put the rows under HEADING into section ID; repeatable.",
)
@format_option("text", "json", "github")
@command_options
def import_(
    markdown: Path,
    data_dir: Path,
    added: Any,
    dry_run: bool,
    sections: str,
    mapped: tuple[str, ...],
    fmt: Format,
) -> None:
    """Move an awesome list's papers into records under DATA/papers/.

    Reads tables (any column order; Title/Paper/Name, Venue/Conference/Pub, Year/Date,
    Code/GitHub, Keywords/Tags, Authors) and numbered or bulleted lists with links. Exit 0
    when written (warnings allowed), 1 when rows are in error or conflict (the rest is
    written), 2 when nothing in the file was recognized.
    """
    from catalog.commands import import_ as command

    section_map = {}
    for item in mapped:
        heading, sep, sid = item.rpartition("=")
        if not sep or not heading or not sid:
            raise click.BadParameter(f"{item!r} is not HEADING=ID", param_hint="--map-section")
        section_map[heading.strip()] = sid.strip()
    day = added.date() if added else None
    sys.exit(
        command.run(
            markdown,
            data_dir,
            day,
            fmt,
            dry_run=dry_run,
            sections=sections,
            section_map=section_map,
        )
    )


@main.command("init")
@click.argument(
    "root", metavar="[DIR]", default=".", type=click.Path(path_type=Path, file_okay=False)
)
@click.option(
    "--from",
    "from_list",
    metavar="LIST.md",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Import this awesome list into the new catalog, named after it.",
)
@click.option("--title", help="The list's title (default: the list's, or the folder's name).")
@click.option("--description", help="One line under the title.")
@click.option("--repo-url", metavar="URL", help="The catalog's repository.")
@click.option("--site-url", metavar="URL", help="Where its site is published.")
@click.option(
    "--requirement",
    metavar="SPEC",
    help="How the catalog's CI installs this tool (requirements.txt; default: this version).",
)
@format_option("text", "json")
@command_options
def init(
    root: Path,
    from_list: Path | None,
    title: str | None,
    description: str | None,
    repo_url: str | None,
    site_url: str | None,
    requirement: str | None,
    fmt: Literal["text", "json"],
) -> None:
    """Create a new catalog in DIR: data/, workflows, CONTRIBUTING, README. Never overwrites."""
    from catalog.commands import init as command

    sys.exit(command.run(root, title, description, repo_url, site_url, requirement, fmt, from_list))


@main.command()
@DATA_OPTION
@click.option(
    "--links",
    "links_report",
    metavar="REPORT.json",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The last link check's report (`catalog check-links --format json`).",
)
@format_option("text", "json", "markdown")
@command_options
def report(
    data_dir: Path, links_report: Path | None, fmt: Literal["text", "json", "markdown"]
) -> None:
    """What a maintainer should look at: keywords used once or written two ways, papers
    without topics, authors or code, preprints whose venue nobody checked in a while, broken
    links, records that look alike. Exit 0 with the report; 1 when the data has errors."""
    from catalog.commands import report as command

    sys.exit(command.run(data_dir, links_report, fmt))


@main.command()
@DATA_OPTION
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/site"),
    show_default=True,
    help="The built site to serve.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--no-build", is_flag=True, help="Serve what is already built.")
@command_options
def serve(data_dir: Path, site_dir: Path, port: int, no_build: bool) -> None:
    """Build the site, then preview it at http://127.0.0.1:PORT/ until Ctrl-C."""
    from catalog.commands import serve as command

    sys.exit(command.run(data_dir, site_dir, port, no_build))


@main.command()
@DATA_OPTION
@format_option("text", "json")
@click.option("--fix", is_flag=True, help="Merge each group into one record, delete the rest.")
@command_options
def dedupe(data_dir: Path, fmt: Literal["text", "json"], fix: bool) -> None:
    """List records that are the same paper; exit 1 if any (with --fix: if any remain)."""
    from catalog.commands import dedupe as command

    sys.exit(command.run(data_dir, fmt, fix))


@main.command()
@DATA_OPTION
@click.option(
    "--readme",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("README.md"),
    show_default=True,
    help="The README to write (or, with --check, to compare).",
)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/site"),
    show_default=True,
    help="Where the static site is built.",
)
@click.option("--no-site", is_flag=True, help="Build the README only.")
@click.option("--no-readme", is_flag=True, help="Build the site only; leave the README alone.")
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 with a diff if the README is stale."
)
@format_option("text", "json", "github")
@command_options
def build(
    data_dir: Path,
    readme: Path,
    site_dir: Path,
    no_site: bool,
    no_readme: bool,
    check: bool,
    fmt: Format,
) -> None:
    """Validate the data, then render README.md and the site from it.

    One build at a time per output: a second build writing the same README or site stops at
    once (exit 2). A data file may be at most 1 MB ($CATALOG_MAX_FILE_BYTES to change it).
    """
    from catalog.commands import build as command

    if check and no_readme:
        raise click.UsageError("--check compares the README; it cannot go with --no-readme")
    sys.exit(
        command.run(
            data_dir,
            None if no_readme else readme,
            None if no_site else site_dir,
            check=check,
            fmt=fmt,
        )
    )


@main.command("cli-docs", hidden=True)
@click.option(
    "--output",
    "target",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("docs/cli.md"),
    show_default=True,
    help="The reference to write.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the reference is stale.")
@command_options
def cli_docs(target: Path, check: bool) -> None:
    """Write the CLI reference (docs/cli.md) from every command's --help."""
    from catalog.commands import cli_docs as command

    sys.exit(command.run(main, target, check=check))


for _command in COMMANDS:
    main.add_command(_command)
