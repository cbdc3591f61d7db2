"""`catalog import`: read the list and the data folder, decide every row, then write.

Nothing is written until every row is decided. Identity is decided by `dedupe.find_identity`
over the catalog's papers and the list's rows together (the one identity index): a row that
is a known paper is an overlap, rows that are one paper are folded into the first, and rows
whose id names a paper under another title are an `identity-conflict`, neither written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from catalog.catalog import Catalog
from catalog.dedupe import find_identity
from catalog.diagnostics import Diagnostic
from catalog.identity import url_key
from catalog.importing import registries
from catalog.importing.cells import plain_text
from catalog.importing.formats import LOOKED_FOR, Document, parse_document
from catalog.importing.rows import entry_fields
from catalog.load import decode_utf8
from catalog.model import CatalogConfig, Keyword, Record, Section, Venue
from catalog.registry import Registry
from catalog.schema import SCHEMA_FILE, schema_text
from catalog.slug import paper_slug, unique_slug
from catalog.validate import load_catalog
from catalog.writer import record_text, write_atomic, write_record

SectionMode = Literal["add", "flatten"]


@dataclass
class ImportResult:
    """What an import did (or, with dry_run, would do): the JSON document of the command."""

    written: list[dict[str, Any]] = field(default_factory=list)  # id, path, title, line
    overlaps: list[dict[str, Any]] = field(default_factory=list)  # line, title, record, file, key
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # key, rows, record
    skipped: list[dict[str, Any]] = field(default_factory=list)  # line, title, code, reason
    diagnostics: list[Diagnostic] = field(default_factory=list)
    new_venues: list[str] = field(default_factory=list)
    new_keywords: list[str] = field(default_factory=list)
    new_sections: list[str] = field(default_factory=list)
    recognized: bool = True
    dry_run: bool = False

    def exit_code(self) -> int:
        """0 written (warnings allowed), 1 rows in error or conflicts, 2 nothing recognized."""
        if not self.recognized:
            return 2
        return 1 if any(d.severity == "error" for d in self.diagnostics) else 0


@dataclass(frozen=True)
class _Links:
    paper: str
    code: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class _Candidate:
    """A row standing in for a paper while identity is decided (ids no file can have)."""

    id: str
    title: str
    year: int
    links: _Links


def import_list(
    markdown: Path,
    data_dir: Path,
    added: dt.date,
    *,
    dry_run: bool = False,
    sections: SectionMode = "add",
    section_map: dict[str, str] | None = None,
) -> ImportResult:
    """Import the list at `markdown` into `data_dir` (see the module docstring)."""
    result = ImportResult(dry_run=dry_run)
    shown = str(markdown)
    text, problem = decode_utf8(markdown.read_bytes(), shown)
    if text is None:
        if problem is not None:
            message = f"{problem.message}; nothing imported"
            result.diagnostics.append(replace(problem, column=1, message=message))
        return result
    doc = parse_document(text, shown)
    result.diagnostics.extend(doc.diagnostics)
    if not doc.entries and not doc.tables:
        result.recognized = False
        result.diagnostics.append(
            Diagnostic(
                shown,
                0,
                0,
                "error",
                "nothing-recognized",
                f"no paper found; looked for {LOOKED_FOR}",
            )
        )
        return result
    catalog = load_catalog(data_dir) if _has_data(data_dir) else None
    if catalog is not None and _refuse(catalog, data_dir, result):
        return result
    plan = _Plan(result, doc, catalog, data_dir, shown, added, sections, section_map or {})
    plan.decide()
    if not dry_run:
        plan.write()
    return result


class _Plan:
    def __init__(
        self,
        result: ImportResult,
        doc: Document,
        catalog: Catalog | None,
        data_dir: Path,
        shown: str,
        added: dt.date,
        mode: SectionMode,
        section_map: dict[str, str],
    ) -> None:
        self.result, self.doc, self.catalog, self.data_dir = result, doc, catalog, data_dir
        self.shown, self.added, self.mode, self.section_map = shown, added, mode, section_map
        base = catalog.config if catalog and catalog.config else registries_config(doc)
        self.config = base
        self.sections: list[Section] = list(base.sections)
        self.config_path = data_dir / "catalog.yaml"
        self.fresh = catalog is None or not catalog.papers
        self.outputs: dict[str, tuple[str, dict[str, Any]]] = {}

    def section_of(self, heading: str) -> str:
        """The section id of a heading: mapped, configured, flattened, or a new section."""
        if heading in self.section_map:
            return self.section_map[heading]
        if not heading:
            return registries.main_section(self.sections)
        known = registries.section_id(heading, self.sections)
        if known is not None:
            return known
        if self.mode == "flatten":
            return registries.main_section(self.sections)
        section = registries.new_section(heading, {s.id for s in self.sections})
        self.sections.append(section)
        self.result.new_sections.append(section.id)
        return section.id

    def decide(self) -> None:
        result, shown = self.result, self.shown
        rows: list[tuple[int, dict[str, Any], str]] = []  # line, fields, title as listed
        for entry in self.doc.entries:
            fields, problems = entry_fields(entry, shown, self.section_of, self.added)
            result.diagnostics.extend(problems)
            if fields is None:
                self._skip(entry.line, entry.cells.get("title", ""), problems[-1])
                continue
            invalid = _invalid(fields, shown, entry.line)
            if invalid is not None:
                result.diagnostics.append(invalid)
                self._skip(entry.line, fields["title"], invalid)
                continue
            rows.append((entry.line, fields, entry.cells.get("title", fields["title"])))
        self._add_text_sections()
        kept = self._identity(rows)
        self._names(kept)
        if result.new_sections:
            result.diagnostics.append(
                Diagnostic(
                    str(self.config_path),
                    0,
                    0,
                    "warning",
                    "new-section",
                    f"the list's headings add section(s) {', '.join(result.new_sections)}",
                    f"rename or reorder them in {self.config_path}; or import with "
                    "--map-section HEADING=ID or --sections flatten",
                )
            )

    def _skip(self, line: int, title: str, why: Diagnostic) -> None:
        self.result.skipped.append(
            {"line": line, "title": title, "code": why.code, "reason": why.message}
        )

    def _add_text_sections(self) -> None:
        """A fresh catalog takes the list's text-only sections ("What is LoRA?") as well."""
        if not self.fresh or self.mode == "flatten":
            return
        for heading in self.doc.headings:
            if heading.entries or not heading.text or heading.title in self.section_map:
                continue
            if registries.section_id(heading.title, self.sections) is None:
                taken = {s.id for s in self.sections}
                section = registries.new_section(heading.title, taken, heading.text)
                self.sections.append(section)
                self.result.new_sections.append(section.id)

    def _identity(
        self, rows: list[tuple[int, dict[str, Any], str]]
    ) -> list[tuple[int, dict[str, Any]]]:
        """Overlaps, repeats and conflicts by the one identity index; returns the rows to write."""
        result, shown, catalog = self.result, self.shown, self.catalog
        by_id = {f"~row-{line:08d}": (line, fields) for line, fields, _ in rows}
        listed = {line: title for line, _, title in rows}
        candidates = [
            _Candidate(cid, fields["title"], fields["year"], _Links(**fields["links"]))
            for cid, (_, fields) in by_id.items()
        ]
        known = {p.id: p for p in catalog.papers} if catalog else {}
        identity = find_identity([*known.values(), *candidates])
        group_of: dict[str, tuple[str, ...]] = {}
        for group in identity.groups:
            for member in group.ids:
                group_of[member] = group.ids
        key_of = {m: g.key for g in identity.groups for m in g.ids}
        blocked: set[str] = set()
        for conflict in identity.conflicts:
            if not any(i in by_id for i in conflict.ids):
                continue
            members = [m for i in conflict.ids for m in group_of.get(i, (i,))]
            blocked.update(m for m in members if m in by_id)
            self._conflict(conflict.key, members, by_id, known)
        folded: dict[str, list[str]] = defaultdict(list)
        kept = []
        for cid, (line, fields) in by_id.items():
            if cid in blocked:
                continue
            same = group_of.get(cid, (cid,))
            existing = [i for i in same if i in known]
            if existing:
                paper = known[existing[0]]
                where = catalog.paper_path(paper.id) if catalog else paper.id
                result.overlaps.append(
                    {
                        "line": line,
                        "title": fields["title"],
                        "record": paper.id,
                        "file": where,
                        "key": key_of[cid],
                    }
                )
                result.diagnostics.append(
                    Diagnostic(
                        shown,
                        line,
                        1,
                        "warning",
                        "import-overlap",
                        f"{plain_text(listed[line])!r} is already in the catalog as {where} "
                        f"({key_of[cid]}); not imported",
                    )
                )
                continue
            first = min(i for i in same if i in by_id)
            if first != cid:
                folded[first].append(cid)
                continue
            kept.append((line, fields))
        for first, repeats in folded.items():
            line, fields = by_id[first]
            for cid in repeats:
                other_line, other = by_id[cid]
                name = plain_text(listed[other_line])
                result.diagnostics.extend(
                    _merge_into(fields, other, shown, (other_line, line), name)
                )
        return kept

    def _conflict(
        self,
        key: str,
        members: list[str],
        by_id: dict[str, tuple[int, dict[str, Any]]],
        known: dict[str, Any],
    ) -> None:
        rows = sorted({by_id[m][0]: by_id[m][1]["title"] for m in members if m in by_id}.items())
        catalog = self.catalog
        paths = (
            {catalog.paper_path(m): known[m].title for m in members if m in known}
            if catalog
            else {}
        )
        records = sorted(paths.items())
        named = [f"line {line} {title!r}" for line, title in rows]
        named += [f"{path} {title!r}" for path, title in records]
        self.result.conflicts.append(
            {
                "key": key,
                "rows": [{"line": line, "title": title} for line, title in rows],
                "records": [{"file": path, "title": title} for path, title in records],
            }
        )
        for line, title in rows:
            others = [n for n in named if n != f"line {line} {title!r}"]
            message = (
                f"{title!r} shares {key} with {', '.join(others)}, under another title; "
                "neither is imported"
            )
            problem = Diagnostic(self.shown, line, 1, "error", "identity-conflict", message,
                                 "fix the link that points at the other paper, or give both "
                                 "rows the same title if they are one paper")  # fmt: skip
            self.result.diagnostics.append(problem)
            self._skip(line, title, problem)

    def _names(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """Resolve venues and keywords, pick ids, render every record."""
        catalog = self.catalog
        kept = [fields for _, fields in rows]
        self.venues = catalog.venues if catalog else Registry[Venue]({})
        self.keywords = catalog.keywords if catalog else Registry[Keyword]({})
        venue_map, new_venues = registries.resolve_names((f["venue"] for f in kept), self.venues)
        keyword_map, self.keyword_additions = registries.resolve_names(
            (k for f in kept for k in f["keywords"]), self.keywords
        )
        self.result.new_venues = sorted(set(new_venues) - set(self.venues.entries))
        self.result.new_keywords = sorted(set(self.keyword_additions) - set(self.keywords.entries))
        taken = {p.stem for p in (self.data_dir / "papers").glob("*.yaml")}
        for line, fields in rows:
            fields["venue"] = venue_map[fields["venue"]]
            fields["keywords"] = list(dict.fromkeys(keyword_map[k] for k in fields["keywords"]))
            paper_id = unique_slug(paper_slug(fields["title"]), taken)
            taken.add(paper_id)
            path = str(self.data_dir / "papers" / f"{paper_id}.yaml")
            # refused here, before write() changes anything, if it would not read back
            self.outputs[paper_id] = (record_text(fields, f"{self.shown}:{line}"), fields)
            self.result.written.append(
                {"id": paper_id, "file": path, "title": fields["title"], "line": line}
            )

    def write(self) -> None:
        """Registries and config first, then the records, each file all-or-nothing."""
        data = self.data_dir
        (data / "papers").mkdir(parents=True, exist_ok=True)
        if not (data / SCHEMA_FILE).exists():
            write_atomic(data / SCHEMA_FILE, schema_text())
        config = self.config
        if self.fresh and self.doc.intro and not config.intro.strip():
            config = config.model_copy(update={"intro": self.doc.intro})
        if self.fresh:
            self.sections = self._in_list_order()
        changed = self.sections != list(config.sections) or config is not self.config
        if changed or not self.config_path.exists():
            config = config.model_copy(update={"sections": self.sections})
            write_atomic(self.config_path, registries.config_text(self.config_path, config))
        venues_path = data / "venues.yaml"
        if self.result.new_venues or not venues_path.exists():
            write_atomic(venues_path, registries.append_venues(venues_path, self.result.new_venues))
        if self.keyword_additions or not (data / "keywords.yaml").exists():
            entries = registries.keyword_entries(self.keywords, self.keyword_additions)
            write_atomic(data / "keywords.yaml", registries.dump_keywords(entries))
        for written in self.result.written:
            _, fields = self.outputs[written["id"]]
            write_record(Path(written["file"]), fields, exclusive=True)

    def _in_list_order(self) -> list[Section]:
        """A fresh catalog's sections in the order the list has them; unused ones after."""
        first_line: dict[str, int] = {}
        for entry in self.doc.entries:
            first_line.setdefault(self.section_of(entry.heading), entry.line)
        for heading in self.doc.headings:
            sid = registries.section_id(heading.title, self.sections)
            if sid is not None:
                first_line.setdefault(sid, heading.line)
        end = len(self.doc.entries) + 10**9
        order = {s.id: (first_line.get(s.id, end), i) for i, s in enumerate(self.sections)}
        used = {sid for w in self.result.written for sid in self.outputs[w["id"]][1]["sections"]}
        placeholder = Section(
            id="papers", title="Papers"
        )  # what init and an empty folder start with
        kept = [s for s in self.sections if s.id in used or s != placeholder]
        return sorted(kept or self.sections[:1], key=lambda s: order[s.id])


def registries_config(doc: Document) -> CatalogConfig:
    """A catalog.yaml for a list imported into an empty folder: its title and intro."""
    title = doc.title or "Awesome list"
    return CatalogConfig(
        title=title,
        description=f"{title}: a curated list of papers.",
        intro=doc.intro,
        sections=[Section(id="papers", title="Papers")],
    )  # the list's own headings are added as its rows are read


def _refuse(catalog: Catalog, data_dir: Path, result: ImportResult) -> bool:
    """Import into clean data only: a broken registry would be rewritten without its entries."""
    errors = [d for d in catalog.diagnostics if d.severity == "error" and not _absent(d)]
    if not errors:
        return False
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
    return True


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


def _merge_into(
    kept: dict[str, Any], repeat: dict[str, Any], path: str, lines: tuple[int, int], name: str
) -> list[Diagnostic]:
    """Fold a repeated row into the first: union of sections and keywords, missing links.

    The messages stand at the repeat's line and name the row written there (`name`)."""
    line, first_line = lines
    problems = []
    kept["sections"] = list(dict.fromkeys(kept["sections"] + repeat["sections"]))
    kept["keywords"] = list(dict.fromkeys(kept["keywords"] + repeat["keywords"]))
    for column, url in repeat["links"].items():
        current = kept["links"].get(column)
        if current is None:
            kept["links"][column] = url
        elif column == "paper" and url_key(current) is None and url_key(url) is not None:
            kept["links"]["paper"] = url  # keep the link that says which paper it is
        elif current != url and column != "paper":
            problems.append(
                Diagnostic(
                    path,
                    line,
                    1,
                    "warning",
                    "import-conflict",
                    f"{name!r}: another {column} link {url!r} than line {first_line}; "
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
                    f"{name!r}: {key} {repeat[key]!r}, line {first_line} says "
                    f"{kept[key]!r}; kept {kept[key]!r}",
                )
            )
    problems.append(
        Diagnostic(
            path,
            line,
            1,
            "warning",
            "import-repeat",
            f"{name!r} repeats {kept['title']!r} of line {first_line}; merged into one record",
        )
    )
    return problems
