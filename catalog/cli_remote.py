"""The `catalog` commands that ask outside services: new, triage, check-links, sync.

Declared apart from cli.py (which adds them to the group) to keep each module small; as
there, each command only turns its options into a call to its catalog/commands/ module.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from catalog.cli_options import DATA_OPTION, F, command_options, format_option
from catalog.fast_cli import FORMATS, duration

if TYPE_CHECKING:
    from catalog.links.report import Format as LinkFormat


@click.command()
@DATA_OPTION
@click.option(
    "--since",
    metavar="REV",
    required=True,
    help="The git revision the pull request starts from (e.g. origin/main).",
)
@click.option(
    "--max-new",
    type=click.IntRange(0),
    default=10,
    show_default=True,
    help="Flag a pull request that adds more papers than this.",
)
@format_option("text", "json", "markdown", "github")
@command_options
def triage(
    data_dir: Path, since: str, max_new: int, fmt: Literal["text", "json", "markdown", "github"]
) -> None:
    """Flag the records changed since REV whose ids don't resolve, or too many new at once.

    Asks each identifier's source (arXiv, Crossref, OpenReview, ACL Anthology) whether the
    paper exists. Exit 1 when something is flagged, for a maintainer to look at.
    """
    from catalog.commands import triage as command

    sys.exit(command.run(data_dir, since, max_new, fmt))


@click.command("new")
@click.argument("identifier", required=False)
@DATA_OPTION
@click.option("--arxiv", "arxiv_id", metavar="ID", help="Fetch the paper from arXiv.")
@click.option("--doi", metavar="DOI", help="Fetch the paper from Crossref by its DOI.")
@click.option("--openreview", metavar="ID", help="Fetch the paper from OpenReview (forum id).")
@click.option("--acl", metavar="ID", help="Fetch the paper from the ACL Anthology.")
@click.option(
    "--from-issue",
    "event_file",
    metavar="EVENT.json",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Decide a 'Suggest a paper' issue from a GitHub event payload (the suggestion workflow).",
)
@click.option(
    "--label",
    default="accepted",
    show_default=True,
    help="With --from-issue: the label whose addition by a maintainer starts the work.",
)
@click.option("--title", help="The paper's title (default: the source's).")
@click.option("--year", type=int, help="Year of publication (default: the source's).")
@click.option(
    "--paper", "paper_url", metavar="URL", help="Paper link (default: its abstract page)."
)
@click.option("--code", "code_url", metavar="URL", help="Official code repository.")
@click.option("--project", "project_url", metavar="URL", help="Project page.")
@click.option(
    "--venue", help="Venue name or alias from venues.yaml (default: the source's, else arXiv)."
)
@click.option("--keyword", "keywords", multiple=True, help="From keywords.yaml; repeatable.")
@click.option("--topic", "topics", multiple=True, help="A topic id from topics.yaml; repeatable.")
@click.option("--section", "sections", multiple=True, help="README section id; repeatable.")
@click.option("--author", "authors", multiple=True, help="An author, in order; repeatable.")
@click.option("--id", "paper_id", help="The record's id and file name (default: from the title).")
@click.option("--dry-run", is_flag=True, help="Print the record instead of writing it.")
@format_option("text", "json")
@command_options
def new_paper(
    identifier: str | None,
    data_dir: Path,
    arxiv_id: str | None,
    doi: str | None,
    openreview: str | None,
    acl: str | None,
    event_file: Path | None,
    label: str,
    title: str | None,
    year: int | None,
    paper_url: str | None,
    code_url: str | None,
    project_url: str | None,
    venue: str | None,
    keywords: tuple[str, ...],
    topics: tuple[str, ...],
    sections: tuple[str, ...],
    authors: tuple[str, ...],
    paper_id: str | None,
    dry_run: bool,
    fmt: Literal["text", "json"],
) -> None:
    """Add a paper as data/papers/<id>.yaml, from its identifier or from the flags.

    IDENTIFIER is an arXiv id, a DOI, an OpenReview or ACL Anthology id, or a URL that holds
    one (or say which with --arxiv, --doi, --openreview, --acl); title, year, authors and the
    venue then come from that source. Refuses a paper already in the catalog and never
    overwrites a file. Each source's address can be changed with $CATALOG_ARXIV_API,
    $CATALOG_CROSSREF_API, $CATALOG_OPENREVIEW_API, $CATALOG_ACL_API (tests, mirrors).
    """
    from catalog.commands import new as command
    from catalog.new import Draft

    if event_file is not None:
        sys.exit(command.run_from_issue(event_file, data_dir, label=label, fmt=fmt))
    draft = Draft(
        title=title,
        year=year,
        paper=paper_url,
        code=code_url,
        project=project_url,
        venue=venue,
        keywords=list(keywords),
        topics=list(topics),
        sections=list(sections),
        authors=list(authors),
        paper_id=paper_id,
    )
    given = {
        None: identifier,
        "arxiv": arxiv_id,
        "doi": doi,
        "openreview": openreview,
        "acl": acl,
    }
    chosen = {kind: text for kind, text in given.items() if text}
    sys.exit(command.run(data_dir, draft, identifiers=chosen, dry_run=dry_run, fmt=fmt))


def parse_duration(text: str) -> float:
    """'90', '90s', '15m', '12h', '1d' -> seconds."""
    try:
        return duration(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _positive(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None and value <= 0:
        raise click.BadParameter("must be greater than 0")
    return value


def _positive_option(name: str, kind: type, default: float, help: str) -> Callable[[F], F]:
    """A number option that must be greater than 0, its default shown in --help."""
    return click.option(
        name, type=kind, default=default, show_default=True, callback=_positive, help=help
    )


@click.command("check-links")
@DATA_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Report format (markdown suits $GITHUB_STEP_SUMMARY).",
)
@click.option("--strict", is_flag=True, help="Fail on `error` verdicts too, not only `broken`.")
@_positive_option("--concurrency", int, 64, "Requests in flight at once.")
@_positive_option("--per-host", int, 6, "Requests in flight at once to one host.")
@_positive_option("--timeout", float, 20.0, "Seconds to wait for a connection or an answer.")
@click.option(
    "--deadline",
    type=float,
    default=None,
    callback=_positive,
    help="Seconds one URL's whole check may take: connecting, redirects, retries and waits; "
    "a Retry-After past it is reported, not waited for.  [default: 3 x --timeout]",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    help="Retries after a timeout, reset, 5xx or 429.",
)
@_positive_option(
    "--backoff", float, 1.0, "Seconds before the first retry; doubled for each next one."
)
@click.option(
    "--user-agent",
    default=None,
    help="User-Agent header [default: catalog-check-links/VERSION (+repo_url)].",
)
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSON file of recent results: working links are not asked again.",
)
@click.option(
    "--max-age",
    default="1d",
    show_default=True,
    callback=lambda _ctx, _param, value: parse_duration(value),
    help="How long a cached working link is trusted (e.g. 3600, 30m, 12h, 1d).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also check links to private, loopback and link-local addresses.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="REGEX",
    help="Skip URLs matching this regular expression (repeatable).",
)
@click.option(
    "--changed-since",
    metavar="REV",
    help="Only the links of records added or changed since this git revision.",
)
@click.option("--shard", metavar="K/N", help="Check only shard K of N (deterministic split).")
@click.option(
    "--merge",
    "merge_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Check nothing: merge these JSON shard reports into one report.",
)
@command_options
def check_links(fmt: LinkFormat, strict: bool, **options: Any) -> None:
    """Check every link of the records: dead (broken) apart from flaky (error) or blocked.

    Each URL is checked once, politely per host, with HEAD then GET and no body downloaded.
    Only the records' links are read: a record whose file does not parse or whose links are
    not valid is an error (file:line on stderr) and its links are not checked; the other
    fields are `catalog validate`'s to check (run it first). Exit 1 when a link is broken
    (with --strict, also on errors) or a record's links could not be read. Ctrl-C stops the check
    within a second or two: the partial report is printed, the cache saved, exit 130; a
    second Ctrl-C quits at once.
    """
    from catalog.commands import check_links as command

    sys.exit(command.run(fmt, strict, **options))


@click.command("sync")
@DATA_OPTION
@format_option("text", "json", "markdown")
@click.option("--write", is_flag=True, help="Apply the proposals to the records (in place).")
@click.option(
    "--budget",
    default=None,
    metavar="DURATION",
    callback=lambda _ctx, _param, value: None if value is None else parse_duration(value),
    help="Stop cleanly after this long (e.g. 600, 10m); the next run resumes.",
)
@click.option("--only", multiple=True, metavar="ID", help="Only this paper (repeatable).")
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Choice(["arxiv", "dblp", "openreview", "crossref", "semantic-scholar", "github"]),
    help="Only ask this source (repeatable).",
)
@click.option("--no-fetch", is_flag=True, help="Ask nothing: reconcile the facts file as it is.")
@command_options
def sync(
    data_dir: Path,
    fmt: Literal["text", "json", "markdown"],
    write: bool,
    budget: float | None,
    only: tuple[str, ...],
    sources: tuple[str, ...],
    no_fetch: bool,
) -> None:
    """Reconcile the records with arXiv, DBLP, OpenReview, Crossref, Semantic Scholar, GitHub.

    What the sources say goes to DATA/facts.yaml with its evidence; changes to the records
    (authors, venue and year of a published preprint, abstract page for a PDF link, a moved
    repository) are proposed, and applied with --write keeping each file's comments and
    layout. Conflicts, pinned fields (`pin:` in a record), deleted and archived repositories
    are reported, never applied. Incremental: only what is missing or older than its max age
    is asked, each source at its published rate limit. Base URLs: $CATALOG_ARXIV_API,
    $CATALOG_DBLP_API, $CATALOG_OPENREVIEW_API, $CATALOG_CROSSREF_API,
    $CATALOG_SEMANTIC_SCHOLAR_API, $CATALOG_GITHUB_API; tokens: $GITHUB_TOKEN (GitHub's
    GraphQL API, 200 repositories a request; without one, REST: 60 repositories an hour),
    $SEMANTIC_SCHOLAR_API_KEY. Exit 0 when the run completed (proposals and conflicts are its
    report), 1 on data errors, 2 on usage errors, 130 on Ctrl-C (what was asked is saved).
    """
    from catalog.commands import sync as command

    sys.exit(
        command.run(
            data_dir,
            fmt=fmt,
            write=write,
            budget=budget,
            only=only,
            sources=sources,
            fetch=not no_fetch,
        )
    )


COMMANDS = (triage, new_paper, check_links, sync)
