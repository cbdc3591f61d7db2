"""Read an awesome list's markdown: its title, intro, sections, and one `Entry` per paper.

Lists come as tables (any column order, common header names, the link inside the title
cell) or as numbered or bulleted items (`1. **Title.** \\`Venue\\`` with `[[PDF](..)]` on the
next line, `- [Title](url) - Venue 2024 [code](url)`). Both become the same `Entry`: named
cells (title, venue, year, paper, code, project, keywords, authors) at the item's line.
Pure: text in, a `Document` out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from catalog.diagnostics import Diagnostic
from catalog.identity import url_key
from catalog.importing.cells import is_none, plain_text, strip_html
from catalog.importing.items import TITLE_AUTHORS, item_cells, table_cells
from catalog.importing.prose import ITEM as _ITEM
from catalog.importing.prose import definitions, section_text

# Header names -> column. "paper" is the title when no other column holds it.
HEADERS = {
    "title": ("title", "paper title", "name", "paper name", "method", "model", "titles"),
    "venue": ("venue", "conference", "conf", "publication", "pub", "published", "journal",
              "venue & year", "venue/year", "conference/journal", "where", "published in",
              "publisher", "conference / journal", "proceedings"),
    "year": ("year", "date", "time", "published date", "release", "released", "pub date"),
    "paper": ("link", "links", "pdf", "url", "arxiv", "paper link", "paper url", "paper links",
              "download"),
    "code": ("code", "github", "repo", "repository", "implementation", "official code",
             "source code", "code link", "codes", "official implementation"),
    "project": ("project", "project page", "website", "homepage", "page", "demo", "resource",
                "resources", "materials"),
    "keywords": ("keywords", "keyword", "tags", "tag", "topic", "topics", "category",
                 "categories", "task", "tasks"),
    "authors": ("authors", "author", "by"),
}  # fmt: skip
_COLUMN_OF = {name: column for column, names in HEADERS.items() for name in names}
LOOKED_FOR = (
    "tables with a Title (or Paper/Name) column, and list items with a title and a paper link "
    "(`- [Title](url)`, `1. **Title.** [[PDF](url)]`)"
)
# A markdown comment after a row's last pipe (`[//]: # 06/05`, `<!-- added -->`): never shown,
# never a cell of the row.
_COMMENT = re.compile(r"\[//\]:\s*#.*|<!--.*?-->\s*")
# Sections of a README that are about the list, not papers: never entries, never the intro.
_LINE_END = re.compile(r"\r\n|\r|\n")
_SKIPPED = re.compile(
    r"^(table of contents|contents|toc|overview of contents|contribut\w*|how to contribute|"
    r"licen[cs]e|citation|cite|citing|acknowledg\w*|star history|stargazers|contact\w*|"
    r"contributors|footnotes?|back to top|todo|news|updates?|changelog|guidelines?|"
    r"submission\w*|how to (?:add|submit|cite|use this)|code of conduct|sponsors?|"
    r"support(?:ing)? (?:us|this)|star(?:s| us)\b|feedback)\b",
    re.IGNORECASE,
)
# Sections whose items are tools and links, not papers: kept as the section's text. The whole
# heading must say so ("Tools & Libraries", "Blogs", "Other Awesome Mamba Lists"): a topic
# such as "Video Object Segmentation" or "Code Generation" holds papers. Even then the items
# decide: "Datasets" and "Benchmarks" in a paper list usually hold the papers that made them
# (`_are_papers`).
_RESOURCE_WORDS = re.compile(
    r"packages?|tools?|toolkits?|librar(?:y|ies)|frameworks?|resources?|datasets?|benchmarks?|"
    r"tutorials?|blogs?|blog posts?|posts|articles|books?|courses?|lectures?|videos|talks?|"
    r"slides|podcasts?|links|codes?|implementations?|repositories|repos|websites?|demos|"
    r"software|projects|references",
    re.IGNORECASE,
)
_FILLER = {"and", "&", "other", "related", "useful", "more", "some", "the", "of", "for", "on",
           "about", "open", "source", "open-source", "+", "/", ",", "misc",
           "miscellaneous"}  # fmt: skip
_AWESOME_LISTS = re.compile(r"\bawesome\b.*\blists?\b|^(?:other |related )?(?:awesome )?lists$",
                            re.IGNORECASE)  # fmt: skip


def _is_resources(heading: str) -> bool:
    if _AWESOME_LISTS.search(heading):
        return True
    words = [w for w in re.split(r"[\s/,&+]+", heading.casefold()) if w and w not in _FILLER]
    text = " ".join(words)
    return bool(words) and bool(
        re.fullmatch(rf"(?:{_RESOURCE_WORDS.pattern})(?:\s+(?:{_RESOURCE_WORDS.pattern}))*", text)
    )


def _are_papers(entries: list[Entry]) -> bool:
    """Whether the items under a resources-sounding heading ("Datasets", "Benchmarks") are
    papers after all: most of them link a paper by its id (arXiv, DOI, OpenReview, ACL, ...)
    or name a venue. A dataset's homepage or a tool's repository is neither."""
    papers = sum(
        1
        for entry in entries
        if "venue" in entry.cells or url_key(entry.cells.get("paper", "")) is not None
    )
    return papers > 0 and 2 * papers >= len(entries)


# `Title & Authors`, `Paper / Authors`, `Title (Authors)`: the title link, then the names.
_TITLE_AUTHORS = re.compile(
    r"^(?:titles?|papers?|names?)\s*(?:&|and|/|,|\+|\(|with)\s*(?:the\s+)?authors?\)?$"
)
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_DETAILS = re.compile(r"^\s*<details[\s>]", re.IGNORECASE)
_HARD_BREAK = re.compile(r"(?<!\\)\\\s*$")  # `... AAAI 2026 \`: a line break, not text
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.|[A-Z]\.)\s+")
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")
_HEADING_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_YEAR_HEADING = re.compile(r"^(?:19|20)\d{2}$")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


@dataclass(frozen=True)
class Entry:
    """One paper as the list states it: named raw cells at a line, under a heading."""

    line: int
    heading: str
    cells: dict[str, str]
    year_hint: int | None = None  # from a `### 2024` heading above it


@dataclass
class Heading:
    """A heading of the list: its clean title, line, the text under it, its entries."""

    title: str
    line: int
    text: str | None = None
    entries: int = 0


@dataclass
class Document:
    """What the markdown holds."""

    title: str | None = None
    intro: str = ""
    headings: list[Heading] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    tables: int = 0
    written_as: dict[str, str] = field(default_factory=dict)  # `Vision: Methods` -> `Methods`


def clean_heading(text: str) -> str:
    """`## 🔥 2.1 Vision Models:` -> `Vision Models`: no emoji, numbering, links or markup."""
    text = _HEADING_LINK.sub(r"\1", strip_html(text))
    text = _SHORTCODE.sub("", text)
    text = "".join(c for c in text if unicodedata.category(c)[0] not in "SC" or c == " ")
    text = plain_text(text).strip(" :-–—|.?!")
    return _NUMBERING.sub("", text).strip(" :-–—|.?!") or text


def split_cells(line: str) -> list[str]:
    """Cells of a `| a | b |` row; a backslash-escaped pipe stays inside its cell."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def columns_of(header: list[str]) -> list[str | None]:
    """Each header cell's column; `Paper` is the title unless another column names it."""
    names = [plain_text(cell).casefold().strip(" :") for cell in header]
    columns: list[str | None] = [
        TITLE_AUTHORS if _TITLE_AUTHORS.match(name) else _COLUMN_OF.get(name) for name in names
    ]
    for i, name in enumerate(names):  # "Initial Date", "arXiv Date", "Publication Year"
        if columns[i] is None and re.search(r"\b(?:date|year)\b", name):
            columns[i] = "year"
    for i, name in enumerate(names):
        if name in ("paper", "papers"):
            columns[i] = "paper" if _has_title(columns) else "title"
    seen: set[str] = set()
    for i, column in enumerate(columns):  # a second "Code" column is not read over the first
        if column in seen:
            columns[i] = None
        elif column:
            seen.add(column)
    return columns


def _has_title(columns: list[str | None]) -> bool:
    return "title" in columns or TITLE_AUTHORS in columns


def parse_document(text: str, path: str) -> Document:
    """Every heading, table and list item of the list, in order."""
    return _Parser(markdown_lines(text.lstrip("\ufeff")), path).run()


def _repeated_headings(lines: list[str]) -> set[str]:
    """The (casefolded) titles more than one heading has, outside code blocks: each is named
    with the heading above it (`Methods` under Vision and under Language are two sections)."""
    seen: set[str] = set()
    repeated: set[str] = set()
    fenced = False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            title = clean_heading(match.group(2)).casefold()
            if title in seen and not _YEAR_HEADING.match(title):
                repeated.add(title)
            seen.add(title)
    return repeated


def _outdented(line: str, content: int) -> bool:
    """Whether `line` starts left of an item's text: the item has ended."""
    return len(line) - len(line.lstrip()) < content


def markdown_lines(text: str) -> list[str]:
    """The lines as Markdown counts them (ended by LF, CRLF or CR), not as str.splitlines
    does: it also breaks at U+0085, U+2028, \\v, \\f and \\x1c-\\x1e, which would shift every
    line number after one of them and cut a table row in two."""
    lines = _LINE_END.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


class _Parser:
    def __init__(self, lines: list[str], path: str) -> None:
        self.lines, self.path = lines, path
        self.refs = definitions(lines)
        self.linked: set[str] = set()  # URLs the copied text links already
        self.doc = Document()
        self.heading: Heading | None = None
        self.parent = ""  # the heading entries go under (a year heading keeps its parent's)
        self.year: int | None = None
        self.skipping = False
        self.skip_level: int | None = None  # the level of the skipped heading we are under
        self.body: list[str] = []
        self.items: list[tuple[int, str]] = []  # (line, text) of the current heading's items
        self.repeated = _repeated_headings(lines)
        self.ancestors: list[tuple[int, str]] = []  # (level, title) of the headings above

    def run(self) -> Document:
        i, lines = 0, self.lines
        while i < len(lines):
            line = lines[i]
            if _FENCE.match(line):
                i = self._skip_fence(i)
                continue
            if line.lstrip().startswith("<!--"):
                while i < len(lines) and "-->" not in lines[i]:
                    i += 1
                i += 1
                continue
            match = _HEADING.match(line)
            setext = i + 1 < len(lines) and line.strip() and _SETEXT.match(lines[i + 1])
            if match or (setext and not _ITEM.match(line) and "|" not in line):
                if match:
                    level = len(match.group(1))
                else:
                    level = 1 if lines[i + 1].strip().startswith("=") else 2
                self._open(match.group(2) if match else line, i + 1, level)
                i += 1 if match else 2
                continue
            if "|" in line and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
                i = self._table(i)
                continue
            item = _ITEM.match(line)
            if item and not self.skipping:
                start = i
                text, i = self._item_text(i, len(item["indent"]), item.start("body"), item["body"])
                self.items.append((start + 1, text))
                self.body.extend(lines[start:i])
                continue
            self.body.append(line)
            i += 1
        self._close()
        return self.doc

    def _skip_fence(self, i: int) -> int:
        fence = _FENCE.match(self.lines[i]).group(1)  # type: ignore[union-attr]
        i += 1
        while i < len(self.lines) and not self.lines[i].lstrip().startswith(fence):
            i += 1
        return i + 1

    def _item_text(self, i: int, indent: int, content: int, body: str) -> tuple[str, int]:
        """An item and its continuation lines (links on the next line), and the paragraphs of
        a loose item (after a blank line, indented to its text at `content`; a `<details>`
        block among them, a TLDR, left out); returns (text, next)."""
        parts = [body]
        lines = self.lines
        i += 1
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                after = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
                if after is None or _outdented(lines[after], content):
                    break
                i = after
                continue
            if _HEADING.match(line) or ("|" in line and line.lstrip()[:1] == "|"):
                break
            if _DETAILS.match(line):  # skipped to its end, or to the item's if left open
                closed = "</details>" in line.casefold()
                i += 1
                while not closed and i < len(lines):
                    if lines[i].strip() and _outdented(lines[i], content):
                        break
                    closed = "</details>" in lines[i].casefold()
                    i += 1
                continue
            item = _ITEM.match(line)
            if item and len(item["indent"]) <= indent:
                break
            if item:  # a nested item: links or notes of this paper only if it has no title
                if _BOLD.search(item["body"]) or re.match(r"\s*\[[^\]]{12,}\]\(", item["body"]):
                    break
                parts.append(item["body"])
            else:
                parts.append(line.strip())
            i += 1
        return " ".join(_HARD_BREAK.sub("", part) for part in parts), i

    def _open(self, raw: str, line: int, level: int) -> None:
        self._close()
        title = clean_heading(raw)
        if self.skip_level is not None and level > self.skip_level:
            return  # a subsection of Contributing or License is about the list too
        self.skip_level = None
        if self.doc.title is None:
            self.doc.title = title or "Awesome list"
            self.heading = None
            self.skipping = False
            return
        if _YEAR_HEADING.match(title):
            self.year = int(title)
            self.skipping = False
            return
        self.year = None
        self.skipping = bool(_SKIPPED.match(title))
        self.skip_level = level if self.skipping else None
        while self.ancestors and self.ancestors[-1][0] >= level:
            self.ancestors.pop()
        named = title
        if title.casefold() in self.repeated and self.ancestors:  # `Vision: Methods`
            named = f"{self.ancestors[-1][1]}: {title}"
            self.doc.written_as[named] = title
        if not self.skipping:
            self.ancestors.append((level, title))
        title = named
        self.heading = None if self.skipping else Heading(title, line)
        if self.heading is not None:
            self.doc.headings.append(self.heading)
            self.parent = title

    def _close(self) -> None:
        """End the current heading: its items become entries or its text."""
        items, body = self.items, self.body
        self.items, self.body = [], []
        if self.skipping:
            return
        entries = self._list_entries(items)
        if _is_resources(self.parent) and not _are_papers(entries):
            entries = []  # a list of tools, data or links: kept as the section's text
        self.doc.entries += entries
        if self.heading is None and self.doc.title is not None and not self.doc.headings:
            if not self.doc.intro:
                self.doc.intro = section_text(
                    body, keep_lists=False, refs=self.refs, linked=self.linked
                )
            return
        target = self.doc.headings[-1] if self.doc.headings else None
        if target is not None:
            target.entries += len(entries)
            if target.entries:
                return  # a paper section: its prose is not copied
            text = section_text(body, keep_lists=True, refs=self.refs, linked=self.linked)
            if text:
                target.text = text if target.text is None else f"{target.text}\n\n{text}"

    def _list_entries(self, items: list[tuple[int, str]]) -> list[Entry]:
        parsed = [(line, item_cells(text)) for line, text in items]
        papers = [(line, cells) for line, cells in parsed if cells is not None]
        if not any("paper" in cells for _, cells in papers):
            return []  # a list of links to other things, not a list of papers
        return [Entry(line, self.parent, cells, self.year) for line, cells in papers]

    def _table(self, start: int) -> int:
        lines = self.lines
        header = split_cells(lines[start])
        columns = columns_of(header)
        self.doc.tables += 1
        i = start + 2
        if self.skipping:
            while i < len(lines) and "|" in lines[i]:
                i += 1
            return i
        if not _has_title(columns):
            names = ", ".join(plain_text(h) for h in header)
            self.doc.diagnostics.append(
                Diagnostic(
                    self.path,
                    start + 1,
                    1,
                    "error",
                    "bad-table",
                    f"table with columns {names} has no title column; its rows are not imported",
                    "name the column Title, Paper or Name",
                )
            )
        found = 0
        while i < len(lines) and "|" in lines[i] and lines[i].strip():
            if _has_title(columns):
                found += self._row(i, header, columns)
            i += 1
        target = self.doc.headings[-1] if self.doc.headings else None
        if target is not None:
            target.entries += found
        return i

    def _row(self, i: int, header: list[str], columns: list[str | None]) -> int:
        cells = split_cells(self.lines[i])
        if len(cells) < len(header):
            self._warn(i, "short-row", f"row has {len(cells)} cells, the header {len(header)}; "
                       "the missing ones are read as empty")  # fmt: skip
        extra = [cell for cell in cells[len(header) :] if cell and not _COMMENT.fullmatch(cell)]
        if extra:
            self._warn(i, "long-row", f"row has {len(cells)} cells, the header has "
                       f"{len(header)}; {' | '.join(extra)!r} is not imported",
                       "escape a '|' inside a cell as '\\|'")  # fmt: skip
        named = {c: cells[k] for k, c in enumerate(columns) if c and k < len(cells)}
        if all(is_none(v) for v in named.values()):
            return 0
        self.doc.entries.append(Entry(i + 1, self.parent, table_cells(named), self.year))
        return 1

    def _warn(self, i: int, code: str, message: str, hint: str | None = None) -> None:
        self.doc.diagnostics.append(Diagnostic(self.path, i + 1, 1, "warning", code, message, hint))
