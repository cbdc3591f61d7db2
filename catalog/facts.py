"""The facts lockfile (data/facts.yaml): what outside sources say about each paper, with evidence.

Written by `catalog sync` (and by curators, as `source: manual` entries), read by the build, which
never touches the network. The file is deterministic so its diffs are small and reviewable: paper
ids sorted, fields sorted, one entry per source, entries sorted by source name.

```yaml
lora:
  authors:
    - source: arxiv
      url: https://arxiv.org/abs/2106.09685
      fetched: 2026-12-01
      value: [Edward J. Hu, Yelong Shen]
  venue:
    - source: manual
      url: https://openreview.net/forum?id=nZeVKeeFYf9
      also: ["https://example.org/another-page-that-says-iclr-2022"]
      fetched: 2026-12-01
      value: {venue: ICLR, year: 2022}
```

A curator's `manual` entry may add `also:`, a list of further http(s) URLs that state the same
value: the corroborating pages a venue needs when no single page is the venue's own (two
independent sources must agree). Only manual entries carry it: sync rewrites its own entries
whole, but keeps a manual entry as it is, `also` included. It is written right after `url`,
sorted, and only when not empty.

Besides the shared field names, sync keeps `checked` entries (no value): the day it last asked a
source about the paper, so a source that knows nothing is not asked again before its max age.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from catalog.diagnostics import Diagnostic
from catalog.errors import CatalogError
from catalog.load import read_regular, read_yaml

FACTS_FILE = "facts.yaml"
# Larger than a record may be (about 400 bytes a paper): a bound on memory, not a rule.
FACTS_MAX_BYTES = 1 << 30
HEADER = (
    "# Facts that outside sources state about the papers, with evidence "
    "(written by `catalog sync`).\n"
)
SOURCES = ("manual", "arxiv", "dblp", "openreview", "crossref", "semantic-scholar", "github")
CHECKED = "checked"
# Each field's value shape, checked on read so a hand edit that breaks it is a clear error.
FIELDS: dict[str, str] = {
    "abstract": "text",
    "archived": "bool",
    "arxiv_id": "text",
    "authors": "names",
    "citations": "count",
    "code_status": "text",  # ok | moved | deleted (GitHub)
    "code_url": "url",
    "comment": "text",  # the authors' comment on arXiv
    "decision": "text",  # accepted | submitted | rejected | withdrawn (OpenReview)
    "doi": "text",
    "journal_ref": "text",  # the authors' reference of the published version, on arXiv
    "paper_url": "url",
    "published": "date",
    "pushed": "date",  # the repository's last push (GitHub pushed_at)
    "stars": "count",
    "venue": "venue",
    CHECKED: "none",
}
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}#&*!|>'\"%@`?:]")


@dataclass(frozen=True)
class Fact:
    """One source's statement about one field of one paper."""

    source: str
    url: str
    fetched: dt.date
    value: Any = None
    also: tuple[str, ...] = ()  # further pages that state the same value (manual entries)

    def __post_init__(self) -> None:
        # Sorted so the file stays deterministic and a fact reads back equal to itself.
        object.__setattr__(self, "also", tuple(sorted(self.also)))


@dataclass
class Facts:
    """paper id -> field -> one Fact per source."""

    papers: dict[str, dict[str, dict[str, Fact]]] = field(default_factory=dict)

    def get(self, paper_id: str, name: str) -> dict[str, Fact]:
        """The facts stated about one field, by source (empty if none)."""
        return self.papers.get(paper_id, {}).get(name, {})

    def value(self, paper_id: str, name: str, source: str) -> Any:
        fact = self.get(paper_id, name).get(source)
        return None if fact is None else fact.value

    def put(self, paper_id: str, name: str, fact: Fact) -> None:
        """Record (or replace) what `fact.source` says about a field."""
        if name not in FIELDS:
            raise ValueError(f"unknown facts field {name!r}")
        self.papers.setdefault(paper_id, {}).setdefault(name, {})[fact.source] = fact

    def checked(self, paper_id: str, source: str) -> dt.date | None:
        """The day sync last asked `source` about the paper, if ever."""
        fact = self.get(paper_id, CHECKED).get(source)
        return None if fact is None else fact.fetched

    def mark_checked(self, paper_id: str, source: str, url: str, day: dt.date) -> None:
        self.put(paper_id, CHECKED, Fact(source, url, day))

    def drop(self, keep: set[str]) -> None:
        """Forget papers that are no longer in the catalog."""
        for paper_id in set(self.papers) - keep:
            del self.papers[paper_id]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.papers))


def facts_path(data_dir: Path) -> Path:
    return data_dir / FACTS_FILE


def load_facts(path: Path) -> Facts:
    """Read the lockfile; a missing file is no facts, a broken one a CatalogError at its line."""
    if not path.exists():
        return Facts()
    # Only a regular file is read, opened without blocking: a FIFO here would hang the build.
    raw = read_regular(path, str(path), FACTS_MAX_BYTES, follow=True)
    if isinstance(raw, Diagnostic):
        raise CatalogError(f"{raw.path}:{raw.line}:{raw.column}: {raw.message}")
    # Imported here, as in save_facts and _text: a process that only receives Facts (the
    # parent of catalog/read_ahead.py) needs neither the line reader's nor the writer's regexes.
    from catalog.facts_lines import read_lines

    try:
        fast = read_lines(raw.decode("utf-8"))
    except UnicodeDecodeError:
        fast = None
    if fast is not None:
        try:
            return parse_facts(fast, str(path))
        except CatalogError:
            pass  # read it again with YAML for the line and column of the problem
    source, problems = read_yaml(path)
    if problems:
        first = problems[0]
        raise CatalogError(f"{first.path}:{first.line}:{first.column}: {first.message}")
    return parse_facts(source.data, str(path), source.locate)


def parse_facts(data: Any, shown: str, locate: Any = None) -> Facts:
    """Turn the parsed YAML into Facts, checking every entry's shape."""

    def fail(keys: tuple[Any, ...], message: str) -> CatalogError:
        line, column = locate(keys) if locate else (1, 1)
        return CatalogError(f"{shown}:{line}:{column}: {message}")

    facts = Facts()
    if data is None:
        return facts
    if not isinstance(data, dict):
        raise fail((), "expected a mapping of paper ids")
    for paper_id, fields in data.items():
        if not isinstance(paper_id, str) or not _ID.fullmatch(paper_id):
            raise fail((), f"{paper_id!r} is not a paper id")
        if not isinstance(fields, dict):
            raise fail((paper_id,), f"{paper_id}: expected a mapping of fields")
        for name, entries in fields.items():
            if name not in FIELDS:
                raise fail((paper_id, name), f"{paper_id}.{name}: unknown field")
            if not isinstance(entries, list):
                raise fail((paper_id, name), f"{paper_id}.{name}: expected a list of entries")
            for i, entry in enumerate(entries):
                where = (paper_id, name, i)
                fact = _entry(entry, FIELDS[name], lambda m, k=(), w=where: fail(w + k, m))
                if fact.source in facts.get(paper_id, name):
                    raise fail(where, f"{paper_id}.{name}: two entries from {fact.source}")
                facts.put(paper_id, name, fact)
    return facts


def _entry(entry: Any, kind: str, fail: Any) -> Fact:
    if not isinstance(entry, dict):
        raise fail("expected an entry with source, url, fetched, value")
    unknown = set(entry) - {"source", "url", "also", "fetched", "value"}
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r} in an entry")
    source, url, fetched = entry.get("source"), entry.get("url"), entry.get("fetched")
    if source not in SOURCES:
        raise fail(f"source must be one of {', '.join(SOURCES)}, got {source!r}", ("source",))
    if not _is_http(url):
        raise fail(f"url must be an http(s) URL, got {url!r}", ("url",))
    also = _also(entry, source, url, fail)
    if not isinstance(fetched, dt.date) or isinstance(fetched, dt.datetime):
        raise fail(f"fetched must be a date (YYYY-MM-DD), got {fetched!r}", ("fetched",))
    value = entry.get("value")
    if not _valid(value, kind):
        raise fail(f"value {value!r} is not a {kind}", ("value",))
    return Fact(source, url, fetched, value, also)


def _also(entry: dict[str, Any], source: str, url: str, fail: Any) -> tuple[str, ...]:
    """The corroborating URLs of an entry: a list of distinct http(s) URLs, other than `url`."""
    if "also" not in entry:
        return ()
    also = entry["also"]
    if not isinstance(also, list):
        raise fail(f"also must be a list of http(s) URLs, got {also!r}", ("also",))
    if also and source != "manual":
        raise fail(f"also: only a manual entry lists corroborating URLs, not {source}", ("also",))
    seen = {url}
    for i, item in enumerate(also):
        if not _is_http(item):
            raise fail(f"also must list http(s) URLs, got {item!r}", ("also", i))
        if item in seen:
            raise fail(f"also lists {item} twice (or repeats url)", ("also", i))
        seen.add(item)
    return tuple(also)


def _is_http(value: Any) -> TypeGuard[str]:
    """An evidence URL: a string naming an http(s) page."""
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _valid(value: Any, kind: str) -> bool:
    if kind == "none":
        return value is None
    if value is None:
        return kind in ("url", "text")  # a source that says "none" (e.g. no DOI)
    if kind in ("text", "url"):
        return isinstance(value, str) and bool(value.strip())
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "count":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind == "names":
        return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if kind == "venue":
        return (
            isinstance(value, dict)
            and set(value) <= {"venue", "year"}
            and isinstance(value.get("venue"), str)
            and isinstance(value.get("year"), int | None)
        )
    return False


def dump_facts(facts: Facts) -> str:
    """The lockfile's text: sorted, one line per key, values in flow style."""
    lines = [HEADER.rstrip("\n")]
    for paper_id in facts:
        fields = facts.papers[paper_id]
        if not any(fields.values()):
            continue
        lines.append(f"{_text(paper_id)}:")
        for name in sorted(fields):
            by_source = fields[name]
            if not by_source:
                continue
            lines.append(f"  {name}:")
            for source in sorted(by_source):
                fact = by_source[source]
                lines.append(f"    - source: {fact.source}")
                lines.append(f"      url: {_text(fact.url)}")
                if fact.also:
                    lines.append(f"      also: {_value(list(fact.also))}")
                lines.append(f"      fetched: {fact.fetched.isoformat()}")
                if FIELDS[name] != "none":
                    lines.append(f"      value: {_value(fact.value)}")
    return "\n".join(lines) + "\n"


def _text(value: str) -> str:
    from catalog.records import scalar  # see load_facts

    out = scalar(value)
    plain = ": " not in out and " #" not in out and not out.endswith(":")
    return out if plain else json.dumps(value, ensure_ascii=False)


def _flow_text(value: str) -> str:
    """A string inside a flow list or mapping: there `,`, `?`, brackets and the like end or
    start YAML tokens that a block scalar may hold, so such a string is quoted."""
    out = _text(value)
    if out.startswith('"') or not _FLOW_UNSAFE.search(out):
        return out
    return json.dumps(value, ensure_ascii=False)


def _value(value: Any, flow: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | dt.date):
        return str(value) if isinstance(value, int) else value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_flow_text(str(v)) for v in value) + "]"
    if isinstance(value, dict):
        parts = [f"{k}: {_value(value[k], flow=True)}" for k in sorted(value)]
        return "{" + ", ".join(parts) + "}"
    return _flow_text(str(value)) if flow else _text(str(value))


def save_facts(path: Path, facts: Facts) -> bool:
    """Write the lockfile atomically after checking that it reads back as the same facts.

    Returns False when the file already holds exactly this text (nothing written).
    """
    text = dump_facts(facts)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    from catalog.facts_lines import read_lines

    data = read_lines(text)
    if data is None:
        import yaml  # only for a text the line reader declines

        data = yaml.load(text, Loader=yaml.CSafeLoader)
    again = parse_facts(data, str(path))
    if _plain(again) != _plain(facts):
        raise CatalogError(f"{path}: the facts did not read back as written; nothing was written")
    from catalog.writer import write_atomic  # only sync writes; validate and build only read

    write_atomic(path, text)
    return True


def _plain(facts: Facts) -> dict[str, dict[str, dict[str, Fact]]]:
    """The facts without empty fields or papers (what the file can hold)."""
    out = {}
    for paper_id, fields in facts.papers.items():
        kept = {name: dict(entries) for name, entries in fields.items() if entries}
        if kept:
            out[paper_id] = kept
    return out
