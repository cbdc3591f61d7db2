"""README.md from the records: a pure function of the papers and the list's config.

Layout lives in templates/README.md.j2; this module decides what goes in it: the order of
rows, the escaping of every contributor-written string, and what is left out when the list
outgrows what GitHub renders.

Size rule (GitHub stops rendering a README at 512 KB): when the whole list would exceed
`budget` bytes, every paper table is cut to its first K rows (tables are ordered newest year
first, then title), K being the largest that fits; each cut table says how many papers it
leaves out and points to the site, which lists them all. Everything else stays whole.

Stars: when the facts lockfile has a repository's GitHub stars, its Code cell shows them as a
number (`★ 10.5k`, a few bytes, no badge image to fetch per row), and one line says the day
they were read.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from catalog.model import CatalogConfig, Paper, Topic
from catalog.render import markdown as md
from catalog.render.commands import SETUP_COMMAND, TEST_COMMAND
from catalog.render.facts_view import Count
from catalog.render.numbers import thousands
from catalog.render.urls import page_url, unique_slugs
from catalog.resources import template_override, templates_dir

TEMPLATE = "README.md.j2"
GITHUB_LIMIT = 512 * 1024
README_BUDGET = 450 * 1024
HEADERS = ("Year", "Title", "Venue", "Paper", "Code", "Keywords")
ALIGNS: tuple[md.Align, ...] = ("center", "left", "center", "center", "center", "left")
NO_LINK = "-"
SEEN_LINK = "(above)"
LATER_LINK = "(below)"  # a section's text further down links it (the maintainers' markdown)
_TEXT_URL = re.compile(r"\]\(\s*<?(https?://[^)\s>]+)|(?<![(<])(https?://[^\s)<>\]]+)")
AWESOME_BADGE_ALT = "Awesome"
AWESOME_BADGE = f"[![{AWESOME_BADGE_ALT}](https://awesome.re/badge.svg)](https://awesome.re)"


@dataclass(frozen=True)
class SectionView:
    """One README section as the template sees it."""

    title: str
    anchor: str
    text: str
    table: str
    total: int
    shown: int


def render_readme(
    papers: Iterable[Paper],
    config: CatalogConfig,
    *,
    topics: Mapping[str, Topic] | None = None,
    budget: int = README_BUDGET,
    templates: Path | None = None,
    stars: Mapping[str, Count] | None = None,
) -> str:
    """The README for these papers: byte-identical for the same data, at most `budget` bytes
    when cutting tables can make it so. `topics` (the registry's entries, in its order) adds
    the browse-by-topic line. A README.md.j2 in `templates` (the catalog's own templates/
    folder) replaces the packaged one. `stars` (by paper id, `facts_view.readme_stars`) puts
    each code repository's stars beside its link."""
    ordered = sorted(papers, key=_row_order)
    template = _template(template_override(templates, TEMPLATE))
    page = _Page(ordered, config, topics or {}, template, stars or {})
    longest = max((len(r) for r in page.rows.values()), default=0)
    text = page.render(longest)
    if _size(text) <= budget or longest == 0:
        return text
    low, high = 0, longest  # the largest limit that fits lies in [low, high]
    best = page.render(0)
    while low < high:
        mid = (low + high + 1) // 2
        candidate = page.render(mid)
        if _size(candidate) <= budget:
            low, best = mid, candidate
        else:
            high = mid - 1
    return best


def _row_order(paper: Paper) -> tuple[Any, ...]:
    """Newest year first, then title (case-insensitively, then exactly), then id: a total
    order, so the output never depends on the order files were read in."""
    return (-paper.year, paper.title.casefold(), paper.title, paper.id)


def _section_rows(
    papers: Sequence[Paper], config: CatalogConfig, stars: Mapping[str, Count]
) -> dict[str, list[md.Row]]:
    """Escaped table cells per section id, in reading order; a URL already linked earlier in
    the README is shown as '(above)' (awesome-lint forbids linking one URL twice)."""
    by_section: dict[str, list[Paper]] = {s.id: [] for s in config.sections}
    for paper in papers:
        for section_id in dict.fromkeys(paper.sections):
            if section_id in by_section:
                by_section[section_id].append(paper)
    header_links = [b.link for b in config.badges] + [config.site_url or ""]
    header_links += _text_links(config.intro)
    seen = {_link_key(url) for url in header_links if url}  # the header links them first
    texts = {s.id: {_link_key(u) for u in _text_links(s.text or "")} for s in config.sections}
    rows: dict[str, list[md.Row]] = {}
    for position, (section_id, members) in enumerate(by_section.items()):
        seen |= texts.get(section_id, set())  # a section's text stands above its table
        later = set[str]().union(*(texts[s.id] for s in config.sections[position + 1 :]))
        rows[section_id] = [
            md.cells(
                (
                    str(p.year),
                    f"**{md.inline_text(p.title)}**",
                    _short_text(p.venue),
                    _link_cell(p.links.paper, seen, later),
                    _link_cell(p.links.code, seen, later) + _stars(p, stars),
                    "; ".join(_short_text(k) for k in p.keywords),
                )
            )
            for p in members
        ]
    return rows


@functools.lru_cache(maxsize=4096)
def _short_text(value: str) -> str:
    """Venues and keywords repeat on many rows: escape each spelling once."""
    return md.inline_text(value)


def _text_links(text: str) -> list[str]:
    """The URLs a config text (intro, section text) links: awesome-lint counts those too."""
    return [a or b for a, b in _TEXT_URL.findall(text)] if "http" in text else []


def _link_cell(url: str | None, seen: set[str], later: set[str]) -> str:
    if url is None:
        return NO_LINK
    key = _link_key(url)
    if key in seen:
        return SEEN_LINK
    if key in later:
        return LATER_LINK
    seen.add(key)
    return f"[Link]({md.link_destination(url)})"


def _stars(paper: Paper, stars: Mapping[str, Count]) -> str:
    count = stars.get(paper.id)
    return f" ★ {compact(count.count)}" if count is not None and paper.links.code else ""


def compact(number: int) -> str:
    """10500 -> `10.5k`, 999 -> `999`, 2300000 -> `2.3M`: a README cell, not a ledger."""
    for size, unit in ((1_000_000, "M"), (1_000, "k")):
        if number >= size - size // 20_000:  # 999,950 is 1M, not 1000k
            text = f"{number / size:.1f}".removesuffix(".0")
            return f"{text}{unit}"
    return str(number)


def _link_key(url: str) -> str:
    """Roughly how awesome-lint decides two URLs are the same link."""
    rest = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE)
    host, slash, path = rest.partition("/")
    return host.lower() + (slash + path).rstrip("/")


class _Page:
    """Everything of the README but the tables' length, prepared once: the size budget may
    render it a dozen times with different row limits."""

    def __init__(
        self,
        papers: Sequence[Paper],
        config: CatalogConfig,
        topics: Mapping[str, Topic] | None = None,
        template: jinja2.Template | None = None,
        stars: Mapping[str, Count] | None = None,
    ) -> None:
        self.config = config
        self._template = template or _template(None)
        known = stars or {}
        shown_stars = {p.id: known[p.id] for p in papers if p.links.code and p.id in known}
        self.rows = _section_rows(papers, config, shown_stars)
        self._tables: dict[tuple[str, int], str] = {}
        title = f"{config.title} {AWESOME_BADGE_ALT}" if config.awesome else config.title
        anchors = _Anchors(title, "Contents")
        self._anchors = [anchors.of(section.title) for section in config.sections]
        counts = Counter(k for p in papers for k in dict.fromkeys(p.keywords))
        slugs = unique_slugs(counts)
        keywords = [
            (
                md.link(name, page_url(config.site_url, "keywords", slugs[name]))
                if config.site_url
                else md.inline_text(name),
                counts[name],
            )
            for name in sorted(counts, key=lambda k: (k.casefold(), k))
        ]
        topic_line = _topic_line(papers, config, topics or {})
        self._context = {
            "config": config,
            "title": md.inline_text(config.title),
            "title_badge": AWESOME_BADGE if config.awesome else None,
            "contributing": (config.contributing or "").strip() or None,
            "description": md.inline_text(config.description),
            "badges": [
                f"[![{md.inline_text(b.label)}]({md.link_destination(b.image)})]"
                f"({md.link_destination(b.link)})"
                for b in config.badges
            ],
            "site_url": md.link_destination(config.site_url) if config.site_url else None,
            "paper_count": len(papers),
            "topics": topic_line,
            "topics_anchor": anchors.of("Topics") if topic_line else None,
            "keywords": keywords,
            "keywords_anchor": anchors.of("Keywords") if keywords else None,
            "setup_command": config.setup_command or SETUP_COMMAND,
            "test_command": config.test_command or TEST_COMMAND,
            "github_limit_kb": GITHUB_LIMIT // 1024,
            # the day the newest star count was read (a weekly sync reads them all)
            "stars_as_of": max((c.fetched for c in shown_stars.values()), default=None),
        }

    def render(self, limit: int) -> str:
        """The README with every table cut to its first `limit` rows."""
        sections = []
        for section, anchor in zip(self.config.sections, self._anchors, strict=True):
            rows = self.rows[section.id]
            shown = min(len(rows), limit)
            sections.append(
                SectionView(
                    title=md.inline_text(section.title),
                    anchor=anchor,
                    text=(section.text or "").strip(),
                    table=self._table(section.id, shown),
                    total=len(rows),
                    shown=shown,
                )
            )
        return self._template.render(sections=sections, **self._context)

    def _table(self, section_id: str, shown: int) -> str:
        key = (section_id, shown)
        if key not in self._tables:
            rows = self.rows[section_id][:shown]
            self._tables[key] = md.table(HEADERS, ALIGNS, rows) if rows else ""
        return self._tables[key]


def _topic_line(
    papers: Sequence[Paper], config: CatalogConfig, topics: Mapping[str, Topic]
) -> list[tuple[str, int]]:
    """(linked name, paper count) per topic that has papers, in the registry's order: the
    curators order topics for reading, unlike keywords (alphabetical). A topic's page on the
    site is topics/<id>/: ids are already page names."""
    counts = Counter(t for p in papers for t in dict.fromkeys(p.topics))
    return [
        (
            md.link(topic.name, page_url(config.site_url, "topics", topic_id))
            if config.site_url
            else md.inline_text(topic.name),
            counts[topic_id],
        )
        for topic_id, topic in topics.items()
        if counts[topic_id]
    ]


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


class _Anchors:
    """GitHub's heading ids, as github-slugger makes them: lower case, punctuation dropped,
    spaces to '-', and '-1', '-2' ... on repeats, counted over the headings in page order."""

    def __init__(self, *earlier: str) -> None:
        self._occurrences: dict[str, int] = {}
        for heading in earlier:
            self.of(heading)

    def of(self, heading: str) -> str:
        base = "".join(ch for ch in heading.lower() if ch.isalnum() or ch in " -_")
        base = base.replace(" ", "-")
        slug = base
        while slug in self._occurrences:
            self._occurrences[base] += 1
            slug = f"{base}-{self._occurrences[base]}"
        self._occurrences[slug] = 0
        return slug


@functools.cache
def _template(folder: Path | None) -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*([folder] if folder else []), templates_dir()]),
        autoescape=False,  # markdown, not HTML: every value is escaped by catalog.render.markdown
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["count"] = thousands  # 6,097 papers
    return env.get_template(TEMPLATE)
