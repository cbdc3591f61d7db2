"""The typed shape of the catalog: a paper record, the registries and the list's config.

Models are strict (no coercion from strings) and forbid unknown fields, so a typo in a
contributor's record is an error rather than silently dropped data.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from catalog import rules
from catalog.lazy_regex import LazyPattern

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
RESERVED_IDS = frozenset({"index"})  # the site's folder pages are <folder>/index
DEFAULT_SECTION = "papers"  # the README section of a record that names none
FIRST_YEAR = 1950


def today() -> dt.date:
    """The date, asked of the clock at most once a second: validation asks for every record."""
    now = time.monotonic()
    if now >= _TODAY[1]:
        _TODAY[:] = [dt.date.today(), now + 1.0]
    day: dt.date = _TODAY[0]
    return day


_TODAY: list[Any] = [None, 0.0]


def last_year() -> int:
    """Records may carry next year's date: accepted papers appear before their proceedings."""
    return today().year + 1


MAX_URL = rules.MAX_URL
MAX_TITLE = 500
MAX_NAME = 200  # an author, venue, keyword or section name
MAX_NOTES = 5_000
MAX_PROSE = 20_000  # the list's intro and section texts
_BAD_LINE = rules.BAD_LINE
_BAD_PROSE = rules.BAD_PROSE
describe_char = rules.describe_char


def _custom(refused: rules.Refused) -> PydanticCustomError:
    return PydanticCustomError(refused.code, refused.template, refused.context)


def _refuse_chars(value: str, bad: LazyPattern, code: str = "bad-text") -> None:
    try:
        rules.refuse_chars(value, bad, code)
    except rules.Refused as refused:
        raise _custom(refused) from None


def _refuse_length(value: str, limit: int) -> None:
    try:
        rules.refuse_length(value, limit)
    except rules.Refused as refused:
        raise _custom(refused) from None


def check_url(value: str) -> str:
    """`rules.check_url` as a pydantic error (the rule the link checker applies too)."""
    try:
        return rules.check_url(value)
    except rules.Refused as refused:
        raise _custom(refused) from None


def check_year(value: int) -> int:
    if not FIRST_YEAR <= value <= last_year():
        raise PydanticCustomError(
            "bad-year",
            "year {value} is outside {low} to {high}",
            {"value": value, "low": FIRST_YEAR, "high": last_year()},
        )
    return value


def check_added(value: dt.date) -> dt.date:
    """`added` is when the paper joined the list: not later than tomorrow (time zones)."""
    latest = today() + dt.timedelta(days=1)
    if value > latest:
        raise PydanticCustomError(
            "future-date",
            "{value} is in the future (at most {latest})",
            {"value": value.isoformat(), "latest": latest.isoformat()},
        )
    return value


def check_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty-value", "must not be empty", {})
    return value


def _line(limit: int) -> AfterValidator:
    """One line of text: not empty, at most `limit` characters, nothing invisible."""

    def check(value: str) -> str:
        # The common case in one expression (this runs for every name): str.isprintable() is
        # False for every character _BAD_LINE holds (Cc, Cf, Zl, Zp, Cs, Cn), so a printable
        # value needs no regex.
        if value and len(value) <= limit and value.isprintable() and not value.isspace():
            return value
        _refuse_length(value, limit)
        _refuse_chars(value, _BAD_LINE)
        return check_text(value)

    return AfterValidator(check)


def _prose(limit: int) -> AfterValidator:
    """Free text that may span lines: at most `limit` characters, nothing invisible."""

    def check(value: str) -> str:
        _refuse_length(value, limit)
        # Line breaks are the only characters prose may hold that isprintable() refuses, so
        # a text printable without them needs no regex (as in _line).
        if not value.replace("\n", "").isprintable():
            _refuse_chars(value, _BAD_PROSE)
        return value

    return AfterValidator(check)


def _string_schema(limit: int, **more: object) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "maxLength": limit, **more})


# The JSON Schema carries what editors can check as you type (the upper year bound moves with
# the calendar, so only the model checks it; so are the invisible characters).
Url = Annotated[
    str,
    AfterValidator(check_url),
    _string_schema(MAX_URL, pattern=r"^https?://\S+$"),
]
Year = Annotated[
    int, AfterValidator(check_year), WithJsonSchema({"type": "integer", "minimum": FIRST_YEAR})
]
Text = Annotated[str, _line(MAX_TITLE), _string_schema(MAX_TITLE, minLength=1)]
Name = Annotated[str, _line(MAX_NAME), _string_schema(MAX_NAME, minLength=1)]
Notes = Annotated[str, _prose(MAX_NOTES), _string_schema(MAX_NOTES)]
Prose = Annotated[str, _prose(MAX_PROSE), _string_schema(MAX_PROSE)]
Added = Annotated[dt.date, AfterValidator(check_added)]


def no_items() -> list[Any]:
    """An empty list: the default of list fields. A Python function, not `list`: pydantic reads
    every default factory's signature, and a builtin's costs a tokenizer regex compile (14M
    instructions at start-up)."""
    return []


class StrictModel(BaseModel):
    # defer_build: a model's validator is built when first used, so start-up pays only for the
    # models a command validates (validate never builds Record's, Links', Badge's or Section's
    # own: 7% of `catalog validate`'s CPU on the shipped data, benchmarks/startup_bench.py).
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


class Links(StrictModel):
    """Where to read the paper and, when published, its code and project page."""

    paper: Url = Field(description="The paper itself: arXiv, OpenReview, publisher or PDF URL.")
    code: Url | None = Field(default=None, description="Official code repository.")
    project: Url | None = Field(default=None, description="Project page.")


# Fields `catalog sync` may propose to change; a record lists those it must leave alone.
PinnedField = Literal["authors", "venue", "year", "links", "links.paper", "links.code"]


class Record(StrictModel):
    """One paper as a contributor writes it in data/papers/<id>.yaml."""

    model_config = ConfigDict(
        title="Paper record",
        json_schema_extra={"$comment": "Generated by `catalog schema`; do not edit by hand."},
    )

    title: Text = Field(description="The paper's title as published.")
    year: Year = Field(description="Year of publication (of the venue, when published).")
    venue: Name = Field(description="Canonical venue name or alias from data/venues.yaml.")
    links: Links
    keywords: list[Name] = Field(
        default_factory=no_items, description="Keywords from data/keywords.yaml (aliases accepted)."
    )
    topics: list[Name] = Field(
        default_factory=no_items,
        description="Topic ids from data/topics.yaml, the list's browsable taxonomy (at least one "
        "when the catalog declares topics).",
    )
    sections: list[Name] = Field(
        default_factory=lambda: [DEFAULT_SECTION],
        min_length=1,
        description="Sections of the README that list the paper (ids from data/catalog.yaml).",
    )
    added: Added = Field(description="When the paper joined the list (YYYY-MM-DD).")
    authors: list[Name] | None = Field(default=None, description="Authors, in order.")
    notes: Notes | None = Field(default=None, description="Free-form remarks for maintainers.")
    pin: list[PinnedField] | None = Field(
        default=None,
        description="Fields `catalog sync` must leave alone (venue covers year, links both links).",
    )


class Paper(Record):
    """A validated record: canonical venue, keywords and topics, plus its id (the file's stem)."""

    id: str


VenueKind = Literal["conference", "journal", "workshop", "preprint"]


class Venue(StrictModel):
    """An entry of data/venues.yaml, keyed there by its canonical short name."""

    full_name: Text
    kind: VenueKind
    aliases: list[Name] = Field(default_factory=no_items)
    url: Url | None = None


class Keyword(StrictModel):
    """An entry of data/keywords.yaml, keyed there by its canonical spelling."""

    aliases: list[Name] = Field(default_factory=no_items)
    description: Prose | None = None


class Topic(StrictModel):
    """An entry of data/topics.yaml, keyed there by its id (the topic's page on the site).

    Keywords are the authors' own words and rarely repeat; topics are the few headings a
    reader browses by, so each carries the name and one-line description pages show.
    """

    name: Text
    description: Text
    aliases: list[Name] = Field(default_factory=no_items)


class Badge(StrictModel):
    label: Text
    image: Url
    link: Url


class Section(StrictModel):
    """A README section: papers whose `sections` name its id, and/or free markdown text."""

    id: Annotated[str, Field(pattern=ID_PATTERN.pattern)]
    title: Text
    text: Prose | None = None


class CatalogConfig(StrictModel):
    """data/catalog.yaml: what the list is called and how its README is laid out."""

    title: Text
    description: Text
    intro: Prose = ""
    contact: Prose | None = None
    badges: list[Badge] = Field(default_factory=no_items)
    # An awesome list (awesome.re) carries the Awesome badge beside its title; others say false.
    awesome: bool = True
    # The README's "Contributing" section, as markdown; unset: the packaged text, which says
    # how records become the README and gives the set-up and test commands.
    contributing: str | None = None
    sections: list[Section]
    repo_url: Url | None = None
    site_url: Url | None = None
    # How a checkout of this catalog is set up and checked (README footer, CONTRIBUTING);
    # unset, the README shows this project's own commands.
    setup_command: str | None = None
    test_command: str | None = None
