"""Migrate an awesome list's markdown tables into YAML records.

Parsing is pure (`parse_list`, `rows_to_records`); only `import_list` touches the disk. Every
row that cannot be read becomes a Diagnostic at its line: nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from catalog.dedupe import IdentityIndex
from catalog.diagnostics import Diagnostic
from catalog.identity import link_keys, normalize_title, url_key
from catalog.load import decode_utf8
from catalog.model import CatalogConfig, Keyword, Record, Section, Venue, check_url
from catalog.records import dump_record, scalar
from catalog.registry import Registry, normalize
from catalog.slug import paper_slug, slugify, unique_slug
from catalog.validate import load_catalog
from catalog.writer import write_atomic

COLUMNS = ("year", "title", "venue", "paper", "code", "keywords")
REQUIRED_COLUMNS = ("year", "title", "paper")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]*)>?\s*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(.+?)\1")
_KEYWORD_SPLIT = re.compile(r"[;；]")
_NONE = ("", "-", "—", "–")  # cells that mean "nothing here"
_SECTION_HINTS = (("pioneer", "pioneering"), ("survey", "surveys"), ("package", "packages"))


@dataclass(frozen=True)
class Row:
    """One table row: where it stands and its cells by (lower-case) column name."""

    line: int
    section: str
    cells: dict[str, str]


@dataclass
class ParsedList:
    """What the markdown holds: title, intro, the rows of every table, text-only sections."""

    title: str | None = None
    intro: str = ""
    sections: list[tuple[str, str | None]] = field(default_factory=list)  # (heading, text)
    rows: list[Row] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class ImportResult:
    written: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    new_keywords: list[str] = field(default_factory=list)
    new_venues: list[str] = field(default_factory=list)
    overlaps: list[tuple[int, str]] = field(default_factory=list)  # (line, existing record id)


def split_cells(line: str) -> list[str]:
    """Cells of a `| a | b |` row; a backslash-escaped pipe stays inside its cell."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def plain_text(cell: str) -> str:
    """Strip emphasis markers and fold whitespace: `**LoRA**` -> `LoRA`."""
    previous = None
    while previous != cell:
        previous, cell = cell, _EMPHASIS.sub(r"\2", cell)
    return " ".join(cell.split())


def parse_list(text: str, path: str) -> ParsedList:
    """Find every table (by header names) and the heading above it."""
    parsed = ParsedList()
    lines = text.splitlines()
    heading: str | None = None
    body: list[str] = []
    has_table = False
    i = 0

    def close_section() -> None:
        if heading is None:
            return
        if parsed.title is None:
            parsed.title = heading
            parsed.intro = _paragraphs(body)
        elif not has_table:
            parsed.sections.append((heading, _paragraphs(body) or None))
        else:
            parsed.sections.append((heading, None))

    while i < len(lines):
        line = lines[i]
        match = _HEADING.match(line)
        if match:
            close_section()
            heading, body, has_table = plain_text(match.group(2)), [], False
            i += 1
            continue
        if line.lstrip().startswith("|") and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
            header = [plain_text(c).lower() for c in split_cells(line)]
            has_table = True
            i = _parse_table(lines, i, header, heading or "", path, parsed)
            continue
        body.append(line)
        i += 1
    close_section()
    return parsed


def _parse_table(
    lines: list[str], start: int, header: list[str], section: str, path: str, parsed: ParsedList
) -> int:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        parsed.diagnostics.append(
            Diagnostic(
                path,
                start + 1,
                1,
                "error",
                "bad-table",
                f"table header lacks the column(s) {', '.join(missing)}",
                f"columns are found by name: {', '.join(c.title() for c in COLUMNS)}",
            )
        )
    i = start + 2
    while i < len(lines) and lines[i].lstrip().startswith("|"):
        if not missing:
            cells = split_cells(lines[i])
            if len(cells) < len(header):
                parsed.diagnostics.append(
                    Diagnostic(
                        path,
                        i + 1,
                        1,
                        "warning",
                        "short-row",
                        f"row has {len(cells)} cells, the header has {len(header)}; "
                        "the missing ones are read as empty",
                    )
                )
            extra = [cell for cell in cells[len(header) :] if cell]
            if extra:
                parsed.diagnostics.append(
                    Diagnostic(
                        path,
                        i + 1,
                        1,
                        "warning",
                        "long-row",
                        f"row has {len(cells)} cells, the header has {len(header)}; "
                        f"{' | '.join(extra)!r} is not imported",
                        "escape a '|' inside a cell as '\\|'",
                    )
                )
            named = {name: cells[k] if k < len(cells) else "" for k, name in enumerate(header)}
            parsed.rows.append(Row(i + 1, section, named))
        i += 1
    return i


def _paragraphs(body: list[str]) -> str:
    """Text lines of a section, minus rules, badges and reference definitions."""
    kept = [
        line.strip()
        for line in body
        if line.strip()
        and not re.fullmatch(r"[-*_=]{3,}", line.strip())
        and not line.lstrip().startswith(("[![", "!["))
        and not re.match(r"^\s*\[[^\]]+\]:\s*\S", line)
    ]
    return "\n".join(kept)


def section_id(heading: str, sections: Iterable[Section]) -> str:
    """The configured section a heading names (by title or id), else a guess from its words."""
    key = normalize(heading)
    for section in sections:
        if key in (normalize(section.title), section.id):
            return section.id
    for word, sid in _SECTION_HINTS:
        if word in key:
            return sid
    return slugify(heading) or "papers"


def link_of(cell: str) -> str | None:
    """The URL of `[Link](url)`, a bare URL, or None for `-` and empty cells."""
    text = cell.strip()
    if text in _NONE:
        return None
    match = _LINK.search(text)
    return match.group(1) if match else text


def split_keywords(cell: str) -> list[str]:
    return [k for k in (plain_text(part) for part in _KEYWORD_SPLIT.split(cell)) if k]


def rows_to_records(
    rows: list[Row],
    path: str,
    sections: list[Section],
    added: dt.date,
) -> tuple[list[tuple[int, dict[str, Any]]], list[Diagnostic]]:
    """Turn rows into record fields (raw venue and keyword spellings); merge exact repeats."""
    problems: list[Diagnostic] = []
    records: list[tuple[int, dict[str, Any]]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:
        fields = _row_fields(row, path, sections, added, problems)
        if fields is None:
            continue
        keys = repeat_keys(fields)
        existing = next((by_key[k] for k in keys if k in by_key), None)
        if existing is None:
            records.append((row.line, fields))
            for key in keys:
                by_key[key] = fields
        else:
            problems.extend(_merge_into(existing, fields, path, row.line))
    return records, problems


def repeat_keys(fields: dict[str, Any]) -> list[str]:
    """What makes two rows one paper within a list: the same paper link or the same title."""
    ids = link_keys(fields["links"]).values()  # arXiv abs and pdf links are one paper
    return [f"url:{fields['links']['paper']}", f"title:{normalize_title(fields['title'])}", *ids]


def _row_fields(
    row: Row, path: str, sections: list[Section], added: dt.date, problems: list[Diagnostic]
) -> dict[str, Any] | None:
    def error(column: str, message: str, hint: str | None = None) -> None:
        problems.append(Diagnostic(path, row.line, 1, "error", "bad-row", message, hint))

    cells = row.cells
    title = plain_text(cells.get("title", ""))
    year_text = plain_text(cells.get("year", ""))
    if not title:
        error("title", "row has no title; not imported")
        return None
    if not year_text.isdigit():
        error("year", f"{title!r}: year {year_text!r} is not a number; not imported")
        return None
    links: dict[str, str] = {}
    for column in ("paper", "code"):
        url = link_of(cells.get(column, ""))
        if url is None:
            continue
        try:
            links[column] = check_url(url)
        except PydanticCustomError as exc:
            fixed = (exc.context or {}).get("hint")
            if fixed:
                problems.append(
                    Diagnostic(
                        path,
                        row.line,
                        1,
                        "warning",
                        "bad-url",
                        f"{title!r}: {column} link {url!r} is malformed; imported as {fixed!r}",
                        fixed,
                    )
                )
                links[column] = fixed
            else:
                error(column, f"{title!r}: {column} link {url!r} is not an http(s) URL")
                return None
    if "paper" not in links:
        error("paper", f"{title!r}: row has no paper link; not imported")
        return None
    venue = plain_text(cells.get("venue", ""))
    if venue in _NONE:
        if not (url_key(links["paper"]) or "").startswith("arxiv:"):
            error("venue", f"{title!r}: row has no venue and its paper is not on arXiv")
            return None
        venue = "arXiv"  # an unnamed venue of an arXiv link is the preprint
    fields: dict[str, Any] = {
        "title": title,
        "year": int(year_text),
        "venue": venue,
        "links": links,
        "keywords": split_keywords(cells.get("keywords", "")),
        "sections": [section_id(row.section, sections)],
        "added": added,
    }
    return fields


def _merge_into(
    kept: dict[str, Any], repeat: dict[str, Any], path: str, line: int
) -> list[Diagnostic]:
    """Fold a repeated row into the first: union of sections and keywords, missing links."""
    problems = []
    kept["sections"] = list(dict.fromkeys(kept["sections"] + repeat["sections"]))
    kept["keywords"] = list(dict.fromkeys(kept["keywords"] + repeat["keywords"]))
    for column, url in repeat["links"].items():
        current = kept["links"].get(column)
        if current is None:
            kept["links"][column] = url
        elif current != url and column != "paper":
            problems.append(
                Diagnostic(
                    path,
                    line,
                    1,
                    "warning",
                    "import-conflict",
                    f"{kept['title']!r}: repeat has another {column} link {url!r}; "
                    f"kept {current!r}",
                )
            )
    for key in ("year", "venue"):
        if kept[key] != repeat[key]:
            problems.append(
                Diagnostic(
                    path,
                    line,
                    1,
                    "warning",
                    "import-conflict",
                    f"{kept['title']!r}: repeat says {key} {repeat[key]!r}; kept {kept[key]!r}",
                )
            )
    problems.append(
        Diagnostic(
            path,
            line,
            1,
            "warning",
            "import-repeat",
            f"{kept['title']!r} is listed again; merged into one record",
        )
    )
    return problems


def resolve_names(
    spellings: Iterable[str], registry: Registry[Any]
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Map every spelling to a canonical name, inventing names for the registry's gaps.

    Unknown spellings that differ only in case, spaces or punctuation form one new name: the
    most frequent spelling (ties: more capitals, then first seen); the rest become aliases.
    Returns spelling -> name, and new or extended names -> their alias spellings.
    """
    loose = {normalize_title(name): name for name in registry.entries}
    for name, entry in registry.entries.items():
        for alias in entry.aliases:
            loose.setdefault(normalize_title(alias), name)
    ordered = list(spellings)
    counts = Counter(ordered)
    groups: dict[str, list[str]] = {}
    mapping: dict[str, str] = {}
    additions: dict[str, set[str]] = {}
    for spelling in dict.fromkeys(ordered):
        if (known := registry.canonical(spelling)) is not None:
            mapping[spelling] = known
        elif (close := loose.get(normalize_title(spelling))) is not None:
            mapping[spelling] = close  # a new spelling of a registry name: record it as alias
            additions.setdefault(close, set()).add(spelling)
        else:
            groups.setdefault(normalize_title(spelling), []).append(spelling)
    for variants in groups.values():
        name = max(variants, key=lambda v: (counts[v], sum(c.isupper() for c in v)))
        additions[name] = {v for v in variants if normalize(v) != normalize(name)}
        for variant in variants:
            mapping[variant] = name
    return mapping, additions


def import_list(markdown: Path, data_dir: Path, added: dt.date) -> ImportResult:
    """Read the list and the data folder, then write the new records and registry entries."""
    result = ImportResult()
    shown = str(markdown)
    text, problem = decode_utf8(markdown.read_bytes(), shown)
    if text is None:
        if problem is not None:  # reported at its line, for the whole list
            message = f"{problem.message}; nothing imported"
            result.diagnostics.append(replace(problem, column=1, message=message))
        return result
    parsed = parse_list(text, shown)
    result.diagnostics.extend(parsed.diagnostics)

    catalog = load_catalog(data_dir) if _has_data(data_dir) else None
    if catalog is not None:
        # A record that fails validation is missing from the identity index, and a registry
        # that fails to load would be rewritten without its entries: import into clean data only.
        errors = [d for d in catalog.diagnostics if d.severity == "error" and not _absent(d)]
        if errors:
            result.diagnostics += errors
            result.diagnostics.append(
                Diagnostic(
                    str(data_dir),
                    0,
                    0,
                    "error",
                    "data-errors",
                    f"the data has {len(errors)} error(s); nothing imported",
                    "run `catalog validate` and fix them first",
                )
            )
            return result
    config = (catalog.config if catalog else None) or _config_from(parsed)
    records, problems = rows_to_records(parsed.rows, shown, config.sections, added)
    result.diagnostics.extend(problems)

    known_sections = {s.id for s in config.sections}
    kept: list[dict[str, Any]] = []
    index = IdentityIndex(catalog.papers if catalog else ())
    for line, fields in records:
        known = index.match(fields["links"], fields["title"], fields["year"])
        if catalog is not None and known is not None:
            result.overlaps.append((line, known[0]))
            result.diagnostics.append(
                Diagnostic(
                    shown,
                    line,
                    1,
                    "warning",
                    "import-overlap",
                    f"{fields['title']!r} is already in the catalog as "
                    f"{catalog.paper_path(known[0])} ({known[1]}); not imported",
                )
            )
            continue
        unknown = [s for s in fields["sections"] if s not in known_sections]
        if unknown:
            result.diagnostics.append(
                Diagnostic(
                    shown,
                    line,
                    1,
                    "error",
                    "unknown-section",
                    f"{fields['title']!r}: no section {unknown[0]!r} in catalog.yaml",
                    "add the section to data/catalog.yaml, then import again",
                )
            )
        else:
            problem = _invalid(fields, shown, line)
            if problem is None:
                kept.append(fields)
            else:
                result.diagnostics.append(problem)

    venues = catalog.venues if catalog else Registry[Venue]({})
    keywords = catalog.keywords if catalog else Registry[Keyword]({})
    venue_map, new_venues = resolve_names((f["venue"] for f in kept), venues)
    keyword_map, new_keywords = resolve_names((k for f in kept for k in f["keywords"]), keywords)
    taken = {p.stem for p in (data_dir / "papers").glob("*.yaml")}
    outputs: dict[str, str] = {}
    for fields in kept:
        fields["venue"] = venue_map[fields["venue"]]
        fields["keywords"] = list(dict.fromkeys(keyword_map[k] for k in fields["keywords"]))
        paper_id = unique_slug(paper_slug(fields["title"]), taken)
        taken.add(paper_id)
        outputs[paper_id] = dump_record(fields)

    (data_dir / "papers").mkdir(parents=True, exist_ok=True)
    if not (data_dir / "catalog.yaml").exists():
        write_atomic(data_dir / "catalog.yaml", dump_config(config))
    added_venues = sorted(set(new_venues) - set(venues.entries))
    if added_venues or not (data_dir / "venues.yaml").exists():
        result.new_venues = added_venues
        path = data_dir / "venues.yaml"
        write_atomic(path, append_venues(path, added_venues))
    if new_keywords or not (data_dir / "keywords.yaml").exists():
        result.new_keywords = sorted(set(new_keywords) - set(keywords.entries))
        entries = dict(keywords.entries)
        for name, spellings in new_keywords.items():
            old = entries.get(name, Keyword())
            aliases = sorted(set(old.aliases) | spellings, key=lambda a: (a.casefold(), a))
            entries[name] = Keyword(aliases=aliases, description=old.description)
        write_atomic(data_dir / "keywords.yaml", dump_keywords(entries))
    for paper_id, text in sorted(outputs.items()):
        write_atomic(data_dir / "papers" / f"{paper_id}.yaml", text)
        result.written.append(paper_id)
    return result


def _has_data(data_dir: Path) -> bool:
    names = ("catalog.yaml", "venues.yaml", "keywords.yaml")
    return any((data_dir / n).exists() for n in names) or any((data_dir / "papers").glob("*.y*ml"))


def _absent(problem: Diagnostic) -> bool:
    """A registry or config file not there yet: the import creates it."""
    return problem.code == "unreadable" and not Path(problem.path).exists()


def _invalid(fields: dict[str, Any], path: str, line: int) -> Diagnostic | None:
    """A row that reads but would not validate (year 1800) is reported, not written."""
    try:
        Record.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"])
        message = f"{fields['title']!r}: {where}: {error['msg']}; not imported"
        return Diagnostic(path, line, 1, "error", "bad-row", message)
    return None


def _config_from(parsed: ParsedList) -> CatalogConfig:
    """A catalog.yaml for a list imported into an empty folder: its headings become sections."""
    sections: list[Section] = []
    seen: set[str] = set()
    for heading, text in parsed.sections:
        sid = section_id(heading, [])
        if sid not in seen:
            seen.add(sid)
            sections.append(Section(id=sid, title=heading, text=text))
    if not sections:
        sections.append(Section(id="papers", title="Papers"))
    title = parsed.title or "Awesome list"
    return CatalogConfig(
        title=title,
        description=f"{title}: a curated list of papers.",
        intro=parsed.intro,
        sections=sections,
    )


def dump_config(config: CatalogConfig) -> str:
    data = config.model_dump(exclude_none=True, exclude_defaults=True)
    data["sections"] = [s.model_dump(exclude_none=True) for s in config.sections]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def dump_keywords(entries: dict[str, Keyword]) -> str:
    """keywords.yaml: canonical names in alphabetical order, each with its aliases."""
    lines = [
        "# Keywords a record may use. Keys are canonical spellings; `aliases` are other",
        "# spellings that validate and are rewritten to the key.",
    ]
    for name in sorted(entries, key=lambda n: (n.casefold(), n)):
        entry = entries[name]
        parts = []
        if entry.aliases:
            parts.append(f"  aliases: [{', '.join(scalar(a) for a in entry.aliases)}]")
        if entry.description:
            parts.append(f"  description: {scalar(entry.description)}")
        lines.append(f"{scalar(name)}:" + ("" if parts else " {}"))
        lines.extend(parts)
    return "\n".join(lines) + "\n"


def append_venues(path: Path, names: list[str]) -> str:
    """venues.yaml with newly met venues appended; its existing text and comments are kept."""
    existing = path.read_text(encoding="utf-8").rstrip("\n") if path.exists() else ""
    lines = [existing] if existing else []
    for name in names:
        kind = "preprint" if "arxiv" in name.casefold() else "conference"
        lines += [
            f"{scalar(name)}:",
            f"  full_name: {scalar(name)}  # imported: check it",
            f"  kind: {kind}",
        ]
    return "\n".join(lines) + "\n"
