"""`catalog import`: read the list and the data folder, decide every row, then write.

Nothing is written until every row is decided. Identity is decided by `dedupe.find_identity`
over the catalog's papers and the list's rows together (the one identity index): a row that
is a known paper is an overlap, rows that are one paper are folded into the first, and rows
whose id names a paper under another title are an `identity-conflict`, neither written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from catalog.catalog import Catalog
from catalog.data_errors import refusal
from catalog.diagnostics import Diagnostic
from catalog.errors import CatalogError
from catalog.importing import registries, repeats
from catalog.importing.formats import LOOKED_FOR, Document, parse_document
from catalog.importing.result import ImportResult
from catalog.importing.rows import entry_fields
from catalog.load import decode_utf8
from catalog.model import DEFAULT_SECTION, CatalogConfig, Keyword, Record, Section, Venue
from catalog.registry import Registry
from catalog.schema import SCHEMA_FILE, schema_text
from catalog.slug import paper_slug, unique_slug
from catalog.validate import load_catalog
from catalog.writer import record_text, write_atomic, write_record

SectionMode = Literal["add", "flatten"]
_PLACEHOLDER = Section(id=DEFAULT_SECTION, title="Papers")


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
    doc = read_list(markdown, result)
    if doc is not None:
        import_document(doc, markdown, data_dir, added, result, sections, section_map)
    return result


def import_document(
    doc: Document,
    markdown: Path,
    data_dir: Path,
    added: dt.date,
    result: ImportResult,
    sections: SectionMode = "add",
    section_map: dict[str, str] | None = None,
) -> None:
    """Import a list `read_list` has read (into `result`): decide every row, then write
    unless `result.dry_run`. `catalog init --from` reads the list before it writes anything."""
    catalog = load_catalog(data_dir) if _has_data(data_dir) else None
    if catalog is not None and _refuse(catalog, data_dir, result):
        return
    shown = str(markdown)
    plan = _Plan(result, doc, catalog, data_dir, shown, added, sections, section_map or {})
    plan.decide()
    if not result.dry_run:
        plan.write()


def read_list(markdown: Path, result: ImportResult) -> Document | None:
    """The list's document (its diagnostics in `result`), or None with the reason in `result`
    when it is not UTF-8 or no row reads as a paper."""
    shown = str(markdown)
    text, problem = decode_utf8(markdown.read_bytes(), shown)
    if text is None:
        if problem is not None:
            message = f"{problem.message}; nothing imported"
            result.diagnostics.append(problem._replace(column=1, message=message))
        return None
    doc = parse_document(text, shown)
    result.diagnostics.extend(doc.diagnostics)
    if doc.intro and (why := _unfit(doc.intro)):
        result.diagnostics.append(_text_dropped(shown, 1, "the intro", why))
        doc.intro = ""
    if not doc.entries:  # no list item or table row reads as a paper (tables named above)
        result.recognized = False
        message = f"no paper found; looked for {LOOKED_FOR}"
        result.diagnostics.append(Diagnostic(shown, 0, 0, "error", "nothing-recognized", message))
        return None
    return doc


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
        # A catalog with no papers and only the placeholder section (what init and an empty
        # folder start with) takes the list's layout: its text sections and its order.
        self.fresh = (catalog is None or not catalog.papers) and base.sections == [_PLACEHOLDER]
        self.outputs: dict[str, tuple[str, dict[str, Any]]] = {}

    def mapped(self, heading: str) -> str | None:
        """The section --map-section gives a heading: by its name here (`Vision: Methods`),
        or by its title as written (`Methods`: every heading of that title)."""
        for name in (heading, self.doc.written_as.get(heading)):
            if name is not None and name in self.section_map:
                return self.section_map[name]
        return None

    def section_of(self, heading: str) -> str:
        """The section id of a heading: mapped, configured, flattened, or a new section."""
        if (mapped := self.mapped(heading)) is not None:
            return mapped
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
                self.result.skip(entry.line, entry.cells.get("title", ""), problems[-1])
                continue
            invalid = _invalid(fields, shown, entry.line)
            if invalid is not None:
                result.diagnostics.append(invalid)
                self.result.skip(entry.line, fields["title"], invalid)
                continue
            rows.append((entry.line, fields, entry.cells.get("title", fields["title"])))
        self._add_text_sections()
        kept = repeats.decide(rows, self.catalog, self.shown, result)
        self._names(kept)
        self._drop_empty_sections()
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

    def _drop_empty_sections(self) -> None:
        """A section the import added whose rows were all skipped (and that has no text) is
        not added: it would be an empty heading in the README."""
        used = {sid for _, fields in self.outputs.values() for sid in fields["sections"]}
        empty = {
            s.id
            for s in self.sections
            if s.id in self.result.new_sections and s.id not in used and not s.text
        }
        self.sections = [s for s in self.sections if s.id not in empty]
        self.result.new_sections = [sid for sid in self.result.new_sections if sid not in empty]

    def _add_text_sections(self) -> None:
        """A fresh catalog takes the list's text-only sections ("What is LoRA?") as well."""
        if not self.fresh or self.mode == "flatten":
            return
        for heading in self.doc.headings:
            if heading.entries or not heading.text or self.mapped(heading.title) is not None:
                continue
            if why := _unfit(heading.text):
                what = f"the text under {heading.title!r}"
                self.result.diagnostics.append(_text_dropped(self.shown, heading.line, what, why))
                continue
            if registries.section_id(heading.title, self.sections) is None:
                taken = {s.id for s in self.sections}
                section = registries.new_section(heading.title, taken, heading.text)
                self.sections.append(section)
                self.result.new_sections.append(section.id)

    def _names(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """Resolve venues and keywords, pick ids, render every record."""
        catalog = self.catalog
        kept = [fields for _, fields in rows]
        self.venues = catalog.venues if catalog else Registry[Venue]({})
        self.keywords = catalog.keywords if catalog else Registry[Keyword]({})
        venue_map, new_venues = registries.venue_names((f["venue"] for f in kept), self.venues)
        self.venue_aliases = new_venues
        keyword_map, self.keyword_additions = registries.resolve_names(
            (k for f in kept for k in f["keywords"]), self.keywords
        )
        self.result.new_venues = sorted(set(new_venues) - set(self.venues.entries))
        self.result.new_keywords = sorted(set(self.keyword_additions) - set(self.keywords.entries))
        taken = {p.stem for p in (self.data_dir / "papers").glob("*.yaml")}
        for line, fields in rows:
            fields["venue"] = venue_map[fields["venue"]]
            fields["keywords"] = list(dict.fromkeys(keyword_map[k] for k in fields["keywords"]))
            try:  # refused here, before write() changes anything, if it would not read back
                text = record_text(fields, repr(fields["title"]))
            except CatalogError as exc:
                problem = Diagnostic(
                    self.shown, line, 1, "error", "bad-row", f"{exc}; not imported"
                )
                self.result.diagnostics.append(problem)
                self.result.skip(line, fields["title"], problem)
                continue
            paper_id = unique_slug(paper_slug(fields["title"]), taken)
            taken.add(paper_id)
            path = str(self.data_dir / "papers" / f"{paper_id}.yaml")
            self.outputs[paper_id] = (text, fields)
            self.result.written.append(
                {"id": paper_id, "file": path, "title": fields["title"], "line": line}
            )

    def write(self) -> None:
        """Registries and config first, then the records, each file all-or-nothing; nothing
        at all when no record is to be written."""
        if not self.result.written:
            return
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
            text = registries.append_venues(venues_path, self.result.new_venues, self.venue_aliases)
            write_atomic(venues_path, text)
        if self.keyword_additions or not (data / "keywords.yaml").exists():
            entries = registries.keyword_entries(self.keywords, self.keyword_additions)
            write_atomic(data / "keywords.yaml", registries.dump_keywords(entries))
        for written in list(self.result.written):
            text, fields = self.outputs[written["id"]]
            if not write_record(Path(written["file"]), fields, exclusive=True, verified=text):
                self.result.written.remove(written)  # another process wrote that file meanwhile
                problem = Diagnostic(self.shown, written["line"], 1, "error", "bad-row",
                                     f"{written['file']} appeared while importing; row not "
                                     "written, the file is left as it is")  # fmt: skip
                self.result.diagnostics.append(problem)
                self.result.skip(written["line"], written["title"], problem)

    def _in_list_order(self) -> list[Section]:
        """A fresh catalog's sections in the order the list has them; unused ones after. The
        default section stays (a record that names no section, e.g. from `catalog new`, is
        listed there): last while it is empty."""
        first_line: dict[str, int] = {}
        for written in sorted(self.result.written, key=lambda w: w["line"]):
            for sid in self.outputs[written["id"]][1]["sections"]:
                first_line.setdefault(sid, written["line"])
        for heading in self.doc.headings:
            sid = registries.section_id(heading.title, self.sections)
            if sid is not None and (sid != DEFAULT_SECTION or sid in first_line):
                first_line.setdefault(sid, heading.line)
        end = len(self.doc.entries) + 10**9
        order = {s.id: (first_line.get(s.id, end), i) for i, s in enumerate(self.sections)}
        return sorted(self.sections, key=lambda s: order[s.id])


def registries_config(doc: Document) -> CatalogConfig:
    """A catalog.yaml for a list imported into an empty folder: its title and intro."""
    title = doc.title or "Awesome list"
    return CatalogConfig(
        title=title,
        description=f"{title}: a curated list of papers.",
        intro=doc.intro,
        sections=[_PLACEHOLDER],
    )  # the list's own headings are added as its rows are read


def _refuse(catalog: Catalog, data_dir: Path, result: ImportResult) -> bool:
    """Import into clean data only (catalog/data_errors.py says why)."""
    refused = refusal(catalog.diagnostics, data_dir, "nothing imported")
    result.diagnostics += refused
    return bool(refused)


def _has_data(data_dir: Path) -> bool:
    names = ("catalog.yaml", "venues.yaml", "keywords.yaml")
    return any((data_dir / n).exists() for n in names) or any((data_dir / "papers").glob("*.y*ml"))


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


def _unfit(text: str) -> str | None:
    """Why catalog.yaml could not hold `text` as an intro or section text (too long, control
    characters), or None."""
    try:
        Section(id="x", title="x", text=text)
    except ValidationError as exc:
        return str(exc.errors(include_url=False)[0]["msg"])
    return None


def _text_dropped(path: str, line: int, what: str, why: str) -> Diagnostic:
    message = f"{what} is not copied to catalog.yaml: it {why}"
    return Diagnostic(path, line, 1, "warning", "text-not-copied", message,
                      "shorten it and add it to catalog.yaml by hand")  # fmt: skip
