"""`catalog new`: add one paper as a new record, from its identifier, the flags or an issue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from catalog import output
from catalog.cli_options import require_data_dir
from catalog.errors import EXIT_FINDINGS, EXIT_OK, CatalogError, UsageProblem

if TYPE_CHECKING:
    from catalog.catalog import Catalog
    from catalog.new import Draft
    from catalog.suggest import Decision, Suggestion

MAX_EVENT_BYTES = 1_000_000  # GitHub's issue bodies are capped at 65,536 characters


def run(
    data_dir: Path,
    draft: Draft,
    *,
    identifiers: dict[str | None, str],
    dry_run: bool,
    fmt: Literal["text", "json"] = "text",
) -> int:
    """Create the record (or print it with dry_run); CatalogError on a refused paper."""
    from catalog.data_errors import DataErrors
    from catalog.new import add_paper, missing_flags

    require_data_dir(data_dir)
    key = _one_key(identifiers)
    if key is None and missing_flags(draft):
        raise click.UsageError(
            f"give an identifier (arXiv id, DOI, OpenReview or ACL id), or "
            f"{', '.join(missing_flags(draft))}"
        )
    try:
        created = add_paper(data_dir, draft, identifier=key, dry_run=dry_run)
    except DataErrors as exc:  # each error on its own line; the refusal is the error line
        for problem in exc.problems[:-1]:
            click.echo(problem.text(), err=True)
        raise
    if fmt == "json":
        output.emit_json(
            {
                "id": created.paper_id,
                "file": str(created.path),
                "written": not dry_run,
                "record": created.text,
            }
        )
    elif dry_run:
        click.echo(created.text, nl=False)
    elif not output.is_quiet():
        click.echo(f"wrote {created.path}")
    return EXIT_OK


def _one_key(identifiers: dict[str | None, str]) -> str | None:
    """The identity key of the one identifier given (positional or --arxiv/--doi/...)."""
    from catalog.sources.lookup import identifier_key

    if len(identifiers) > 1:
        raise click.UsageError(
            "give one identifier: a positional one or one of --arxiv, --doi, --openreview, --acl"
        )
    for kind, text in identifiers.items():
        key = identifier_key(text, kind)
        if key is None:
            what = {
                "arxiv": ("an arXiv id", "2106.09685 or https://arxiv.org/abs/..."),
                "doi": ("a DOI", "10.1145/3580305.3599572 or https://doi.org/..."),
                "openreview": ("an OpenReview id", "nZeVKeeFYf9 or its openreview.net URL"),
                "acl": ("an ACL Anthology id", "2023.acl-long.1 or its aclanthology.org URL"),
            }.get(kind or "", ("a paper identifier", "an arXiv id, a DOI, an OpenReview or ACL id"))
            raise CatalogError(f"{text!r} is not {what[0]} (expected e.g. {what[1]})")
        return key
    return None


def run_from_issue(
    event_file: Path, data_dir: Path, *, label: str, fmt: Literal["text", "json"] = "text"
) -> int:
    """Decide a suggestion issue; print the decision; 0 for a pull request or nothing to
    do, 1 when the suggester gets a comment instead (form errors, mismatch, already listed)."""
    from catalog.suggest import Decision, is_suggestion_form, labelled_issue

    require_data_dir(data_dir)
    event = _read_event(event_file)
    number = labelled_issue(event, label)
    issue = event.get("issue")
    body = issue.get("body") if isinstance(issue, dict) else None
    body = body if isinstance(body, str) else ""
    if number is None:
        decision = Decision("ignore", f"not a maintainer adding the {label!r} label to an issue")
    elif not is_suggestion_form(body):
        decision = Decision("ignore", "the issue is not a 'Suggest a paper' form", number)
    else:
        decision = decide(number, body, data_dir)
    if fmt == "json":
        output.emit_json(decision.as_json())
    else:
        click.echo(f"{decision.action}: {decision.reason}")
        if decision.comment:
            click.echo(decision.comment)
    return EXIT_FINDINGS if decision.action == "comment" else EXIT_OK


def decide(number: int, body: str, data_dir: Path) -> Decision:
    """Parse the form, check the catalog, ask the source, write the record: or say why not."""
    from catalog.data_errors import refusal
    from catalog.new import Draft, add_paper, listed
    from catalog.suggest import Decision, FormError, read_suggestion, titles_match
    from catalog.validate import load_catalog

    try:
        suggestion = read_suggestion(body)
    except FormError as exc:
        return _comment(number, "the form has errors", _form_errors(exc.problems), exc.problems)
    catalog = load_catalog(data_dir)
    refused = refusal(catalog.diagnostics, data_dir, "nothing written")
    if refused:
        return _comment(number, refused[-1].message, _unclean_data(), [d.text() for d in refused])
    existing = listed(catalog, suggestion.identifier, suggestion.title)
    if existing:
        return _comment(number, "already listed", _already_listed(catalog, existing[0]))
    from catalog.sources.lookup import lookup

    contact = catalog.config.repo_url if catalog.config else None
    try:
        found = lookup(suggestion.identifier, contact=contact)
    except CatalogError as exc:
        text = f"I could not look the paper up: {exc}. A maintainer will have a look."
        return _comment(number, "the source did not answer", text, [str(exc)])
    if not titles_match(suggestion.title, found.title):
        return _comment(number, "the titles differ", _mismatch(suggestion, found.title, found.url))
    draft = Draft(
        venue=suggestion.venue,
        year=suggestion.year,
        code=suggestion.code,
        project=suggestion.project,
        keywords=list(suggestion.keywords),
        topics=list(suggestion.topics),
        sections=list(suggestion.sections),
        authors=list(found.authors or suggestion.authors),  # the source's, when it has them
    )
    try:
        created = add_paper(
            data_dir, draft, identifier=suggestion.identifier, fetch=lambda key: found,
            catalog=catalog,
        )  # fmt: skip
    except CatalogError as exc:
        return _comment(number, "the record was refused", _form_errors([str(exc)]), [str(exc)])
    title = draft.title or found.title
    body_text = (
        f"Adds **{title}** as `{created.path.as_posix()}`, suggested in #{number}.\n\n"
        f"Metadata from {found.source}: {found.url}\n\n"
        "The checks don't start by themselves on a pull request a workflow opened (GitHub's "
        "rule for its token): close and reopen this one to run them.\n\n"
        f"Closes #{number}\n"
    )
    return Decision(
        "pull-request",
        f"wrote {created.path}",
        number,
        pull_request={
            "title": f"Add paper: {title}",
            "body": body_text,
            "branch": f"suggest/issue-{number}",
            "record": created.path.as_posix(),
            "id": created.paper_id,
        },
    )


def _read_event(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_EVENT_BYTES + 1)
    except OSError as exc:
        raise UsageProblem(f"{path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_EVENT_BYTES:
        raise UsageProblem(f"{path}: larger than {MAX_EVENT_BYTES} bytes; not a GitHub event")
    try:
        event = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UsageProblem(f"{path}: not a JSON event payload ({exc})") from None
    if not isinstance(event, dict):
        raise UsageProblem(f"{path}: not a GitHub event payload (expected a JSON object)")
    return event


def _comment(number: int, reason: str, text: str, problems: list[str] | None = None) -> Decision:
    from catalog.suggest import Decision

    return Decision("comment", reason, number, text, problems or [])


def _form_errors(problems: list[str]) -> str:
    items = "\n".join(f"- {_inline(p)}" for p in problems)
    return (
        "Thanks for the suggestion! It can't become a record yet:\n\n"
        f"{items}\n\nPlease edit the issue; a maintainer will label it again."
    )


def _unclean_data() -> str:
    return (
        "Thanks for the suggestion! The catalog's data has errors right now, so no record can "
        "be added to it; a maintainer will fix them (`catalog validate`) and label the issue "
        "again."
    )


def _already_listed(catalog: Catalog, paper_id: str) -> str:
    from catalog.render.urls import page_url

    site = catalog.config.site_url if catalog.config else None
    where = page_url(site, "papers", paper_id) if site else f"`{catalog.paper_path(paper_id)}`"
    return f"Thanks! This paper is already in the list: {where} (record `{paper_id}`)."


def _mismatch(suggestion: Suggestion, found: str, url: str) -> str:
    return (
        f"The title in the form, {_inline(suggestion.title)!r}, is not the title the source "
        f"gives for {url}: {_inline(found)!r}. Please check the link (or the title) and "
        "edit the issue; a maintainer will label it again."
    )


def _inline(text: str) -> str:
    """A stranger's text inside our markdown comment: one line, no mentions or markup."""
    flat = " ".join(text.split())[:300]
    return flat.replace("@", "@\u200b").replace("`", "'").replace("<", "&lt;")
