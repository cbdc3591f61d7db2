"""The `Catalog` container: everything read from a data folder, as plain values.

It lives in a module of its own that imports no stage (its type hints only name them), so every
stage (validate, dedupe, links, render, the commands) can take a Catalog without importing the
validator, and the validator can call dedupe without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from catalog.layout import LINK_SLOTS as LINK_SLOTS
from catalog.layout import papers_dir as papers_dir

if TYPE_CHECKING:
    from catalog.diagnostics import Diagnostic
    from catalog.facts import Facts
    from catalog.load import Source
    from catalog.model import CatalogConfig, Keyword, Paper, Topic, Venue
    from catalog.registry import Registry


@dataclass(frozen=True, slots=True)
class Group:
    """Records that are one paper: the strongest key they share, and their ids (sorted)."""

    key: str
    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True, order=True)
class Conflict:
    """Two records that share an id key under titles that disagree: not one paper, not two."""

    key: str
    ids: tuple[str, str]


@dataclass
class Catalog:
    """Everything read from a data folder: valid papers, registries and all diagnostics."""

    data_dir: Path
    config: CatalogConfig | None
    venues: Registry[Venue]
    keywords: Registry[Keyword]
    topics: Registry[Topic] = field(default_factory=lambda: _no_topics())
    papers: list[Paper] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0
    duplicates: list[Group] = field(default_factory=list)  # records that are the same paper
    conflicts: list[Conflict] = field(default_factory=list)  # one id under two titles
    facts: Facts = field(default_factory=lambda: _no_facts())  # data/facts.yaml (sources' word)

    def paper_path(self, paper_id: str) -> str:
        return self.sources[paper_id].path

    def forget_sources(self) -> None:
        """Keep only each record's path, once nothing will point into the files any more
        (the build, after validating): at 100,000 papers their text and parsed values are
        ~200 MB that the site's build and its forked writers would carry along."""
        from catalog.load import Source

        self.sources = {paper_id: Source(s.path, None) for paper_id, s in self.sources.items()}


def _no_topics() -> Registry[Topic]:
    """A catalog without data/topics.yaml has an empty taxonomy (imported late: no stage at
    import time)."""
    from catalog.registry import Registry

    return Registry({})


def _no_facts() -> Facts:
    """A catalog without data/facts.yaml knows nothing from outside sources."""
    from catalog.facts import Facts

    return Facts()
