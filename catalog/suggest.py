"""A "Suggest a paper" issue, read and decided: what the suggestion workflow should do next.

The workflow (.github/workflows/suggest.yml) is a thin shell around `catalog new --from-issue`:
all parsing and every decision live here, pure, so recorded event payloads can test them. The
only input trusted is the label a maintainer added; the issue's text is a stranger's and is
only ever parsed, never run or interpolated into a shell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from catalog.identity import normalize_title
from catalog.sources.lookup import identifier_key

ACCEPTED_LABEL = "accepted"
NO_RESPONSE = "_No response_"  # what GitHub writes for an optional field left empty
_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*$", re.MULTILINE)
# The form's labels (.github/ISSUE_TEMPLATE/suggest-paper.yml) -> our field names.
FORM_FIELDS = {
    "title": "title",
    "paper link": "paper",
    "year": "year",
    "venue": "venue",
    "code link": "code",
    "project page": "project",
    "keywords": "keywords",
    "topics": "topics",
    "readme sections": "sections",
    "authors": "authors",
    "notes": "notes",
}

Action = Literal["ignore", "comment", "pull-request"]


@dataclass(frozen=True)
class Suggestion:
    """The form's answers, as plain values (nothing checked against the catalog yet)."""

    title: str
    identifier: str  # the identity key the paper link names, e.g. ``arxiv:2106.09685``
    paper: str  # the link as the suggester gave it
    year: int | None = None
    venue: str | None = None
    code: str | None = None
    project: str | None = None
    keywords: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """What the workflow does: nothing, comment on the issue, or open a pull request."""

    action: Action
    reason: str
    issue: int | None = None
    comment: str | None = None
    problems: list[str] = field(default_factory=list)
    pull_request: dict[str, str] | None = None  # title, body, branch, record, id

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "reason": self.reason,
            "issue": self.issue,
            "comment": self.comment,
            "problems": self.problems,
            "pull_request": self.pull_request,
        }


class FormError(ValueError):
    """The form's answers can't make a record; the messages are for the suggester."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_form(body: str) -> dict[str, str]:
    """An issue form's rendered body (``### Label`` then the answer) -> label -> answer.

    Labels are matched case-insensitively; GitHub's ``_No response_`` and blank answers are
    left out, so an absent key always means "not given".
    """
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    marks = list(_HEADING.finditer(text))
    answers: dict[str, str] = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        value = text[mark.end() : end].strip()
        name = FORM_FIELDS.get(mark.group(1).strip().lower())
        if name and value and value != NO_RESPONSE and name not in answers:
            answers[name] = value
    return answers


def is_suggestion_form(body: str) -> bool:
    """Whether the body is the "Suggest a paper" form's rendering: it has the form's two
    required headings. Another issue a maintainer labels is none of this workflow's business."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    headings = {FORM_FIELDS.get(m.group(1).strip().lower()) for m in _HEADING.finditer(text)}
    return {"title", "paper"} <= headings


def read_suggestion(body: str) -> Suggestion:
    """The form's answers checked for shape (not yet against the catalog); FormError if not."""
    answers = parse_form(body)
    problems: list[str] = []
    title = " ".join(answers.get("title", "").split())
    if not title:
        problems.append("Title: required, and the form has none")
    link = answers.get("paper", "")
    key = identifier_key(link) if link else None
    if not link:
        problems.append("Paper link: required, and the form has none")
    elif key is None:
        problems.append(
            f"Paper link: {_quote(link)} names no arXiv, DOI, OpenReview or ACL Anthology paper"
            " (give e.g. https://arxiv.org/abs/2106.09685 or 10.18653/v1/2023.acl-long.1)"
        )
    year: int | None = None
    if "year" in answers:
        if re.fullmatch(r"\d{4}", answers["year"]):
            year = int(answers["year"])
        else:
            problems.append(f"Year: expected a year such as 2024, got {_quote(answers['year'])}")
    for name in ("code", "project"):
        value = answers.get(name)
        if value and not re.fullmatch(r"https?://\S+", value):
            problems.append(
                f"{name.capitalize()} link: expected an http(s) URL, got {_quote(value)}"
            )
    if problems:
        raise FormError(problems)
    assert key is not None
    return Suggestion(
        title=title,
        identifier=key,
        paper=link,
        year=year,
        venue=answers.get("venue"),
        code=answers.get("code"),
        project=answers.get("project"),
        keywords=_items(answers.get("keywords", ""), ","),
        topics=_items(answers.get("topics", ""), ","),
        sections=_items(answers.get("sections", ""), ","),
        authors=_items(answers.get("authors", ""), "\n"),
    )


def labelled_issue(event: Mapping[str, Any], label: str = ACCEPTED_LABEL) -> int | None:
    """The issue's number when this event is a maintainer adding `label`, else None.

    Only adding the label starts work: an edited or reopened issue that already carries it
    does nothing, so a stranger's edit can't set off a second pull request.
    """
    if event.get("action") != "labeled":
        return None
    added = event.get("label")
    issue = event.get("issue")
    if not isinstance(added, Mapping) or not isinstance(issue, Mapping):
        return None
    if added.get("name") != label or issue.get("pull_request"):
        return None
    number = issue.get("number")
    return number if isinstance(number, int) else None


def titles_match(given: str, found: str) -> bool:
    """The form's title and the source's agree once case, spacing and punctuation are gone."""
    return normalize_title(given) == normalize_title(found)


def _items(text: str, sep: str) -> tuple[str, ...]:
    parts = (" ".join(part.split()) for part in text.split(sep))
    return tuple(dict.fromkeys(p.lstrip("-* ").strip() for p in parts if p.strip()))


def _quote(text: str, limit: int = 120) -> str:
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= limit else one_line[: limit - 1] + "…")
