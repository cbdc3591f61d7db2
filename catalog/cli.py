"""The `catalog` command: parse options, call one library function, print, set the exit code.

Reports go to stdout; progress and logs go to stderr. Exit 0 when clean, 1 when the data has
errors, 2 for usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from catalog.cli_options import DATA_OPTION, format_option, require_data_dir, user_errors
from catalog.diagnostics import format_report, has_errors
from catalog.links.command import check_links


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
    from catalog.schema import schema_text

    click.echo(schema_text(), nl=False)


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
@user_errors
def import_(
    markdown: Path,
    data_dir: Path,
    added: Any,
    dry_run: bool,
    sections: str,
    mapped: tuple[str, ...],
    fmt: str,
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
@click.option("--title", help="The list's title (default: from the folder's name).")
@click.option("--description", help="One line under the title.")
@click.option("--repo-url", metavar="URL", help="The catalog's repository.")
@click.option("--site-url", metavar="URL", help="Where its site is published.")
@click.option(
    "--requirement",
    metavar="SPEC",
    help="How the catalog's CI installs this tool (requirements.txt; default: this version).",
)
@user_errors
def init(
    root: Path,
    title: str | None,
    description: str | None,
    repo_url: str | None,
    site_url: str | None,
    requirement: str | None,
) -> None:
    """Create a new catalog in DIR: data/, workflows, CONTRIBUTING, README. Never overwrites."""
    from catalog.commands import init as command

    sys.exit(command.run(root, title, description, repo_url, site_url, requirement))


@main.command("new")
@DATA_OPTION
@click.option("--arxiv", "arxiv_id", metavar="ID", help="Fetch title, year, authors from arXiv.")
@click.option("--title", help="The paper's title (default: arXiv's).")
@click.option("--year", type=int, help="Year of publication (default: arXiv's first version).")
@click.option("--paper", "paper_url", metavar="URL", help="Paper link (default: arXiv abs page).")
@click.option("--code", "code_url", metavar="URL", help="Official code repository.")
@click.option("--project", "project_url", metavar="URL", help="Project page.")
@click.option("--venue", help="Venue name or alias from venues.yaml (default: arXiv).")
@click.option("--keyword", "keywords", multiple=True, help="From keywords.yaml; repeatable.")
@click.option("--section", "sections", multiple=True, help="README section id; repeatable.")
@click.option("--author", "authors", multiple=True, help="An author, in order; repeatable.")
@click.option("--id", "paper_id", help="The record's id and file name (default: from the title).")
@click.option("--dry-run", is_flag=True, help="Print the record instead of writing it.")
@user_errors
def new_paper(
    data_dir: Path,
    arxiv_id: str | None,
    title: str | None,
    year: int | None,
    paper_url: str | None,
    code_url: str | None,
    project_url: str | None,
    venue: str | None,
    keywords: tuple[str, ...],
    sections: tuple[str, ...],
    authors: tuple[str, ...],
    paper_id: str | None,
    dry_run: bool,
) -> None:
    """Add a paper as data/papers/<id>.yaml, from arXiv (--arxiv ID) or from the flags.

    Refuses a paper already in the catalog and never overwrites a file. The arXiv API's
    address can be changed with $CATALOG_ARXIV_API (tests, mirrors).
    """
    from catalog.new import Draft, add_paper, missing_flags

    require_data_dir(data_dir)
    draft = Draft(
        title=title,
        year=year,
        paper=paper_url,
        code=code_url,
        project=project_url,
        venue=venue,
        keywords=list(keywords),
        sections=list(sections),
        authors=list(authors),
        paper_id=paper_id,
    )
    if not arxiv_id and missing_flags(draft):
        raise click.UsageError(f"give --arxiv ID, or {', '.join(missing_flags(draft))}")
    created = add_paper(data_dir, draft, arxiv_id=arxiv_id, dry_run=dry_run)
    if dry_run:
        click.echo(created.text, nl=False)
    else:
        click.echo(f"wrote {created.path}")


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
@user_errors
def serve(data_dir: Path, site_dir: Path, port: int, no_build: bool) -> None:
    """Build the site, then preview it at http://127.0.0.1:PORT/ until Ctrl-C."""
    from catalog.serve import build_site, serve_forever

    if not no_build:
        require_data_dir(data_dir)
        build_site(data_dir, site_dir)
    serve_forever(site_dir, port)


@main.command()
@DATA_OPTION
@format_option("text", "json")
@click.option("--fix", is_flag=True, help="Merge each group into one record, delete the rest.")
@user_errors
def dedupe(data_dir: Path, fmt: str, fix: bool) -> None:
    """List records that are the same paper; exit 1 if any (with --fix: if any remain)."""
    from catalog.dedupe_cli import run_dedupe

    require_data_dir(data_dir)
    sys.exit(run_dedupe(data_dir, fmt, fix))


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
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 with a diff if the README is stale."
)
@format_option("text", "json", "github")
@user_errors
def build(
    data_dir: Path, readme: Path, site_dir: Path, no_site: bool, check: bool, fmt: str
) -> None:
    """Validate the data, then render README.md and the site from it."""
    from catalog.build import build as run_build

    require_data_dir(data_dir)
    result = run_build(data_dir, readme, None if no_site or check else site_dir, check=check)
    if result.diagnostics:
        click.echo(format_report(result.diagnostics, result.catalog.files_checked, fmt))  # type: ignore[arg-type]
    if result.failed:
        click.echo("error: the data has errors; nothing was written", err=True)
        sys.exit(1)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if check:
        if result.readme_changed:
            click.echo(result.diff, nl=False)
            click.echo(f"error: {readme} is stale: run `catalog build` and commit it", err=True)
            sys.exit(1)
        click.echo(f"{readme} is up to date", err=True)
        return
    state = "written" if result.readme_changed else "unchanged"
    size = len((result.readme_text or "").encode("utf-8"))
    click.echo(f"{readme}: {state} ({len(result.catalog.papers)} papers, {size} bytes)", err=True)
    if result.site_built:
        click.echo(f"site: built in {site_dir}", err=True)


main.add_command(check_links)
