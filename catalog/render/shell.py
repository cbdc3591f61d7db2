"""The theme's shell: one page rendered by mkdocs-material, reused for every generated page.

mkdocs costs ~2 ms a page, so 10,000 paper pages through it take 20 s. Instead mkdocs
renders one page (SHELL_PATH) whose title, content, extra <head> and skip-link target are
tokens; every generated page is that HTML with the tokens replaced, so it carries the
theme's header, search box, palette toggle, tabs and scripts exactly as a page mkdocs
rendered would. The shell sits two folders deep; other depths get their relative links
('../..') rewritten.

Material's templates indent deeply and leave blank lines behind their tags: ~3 KB of a
paper page's ~19 KB, written again for each of 100,000 pages. The shell's runs of
whitespace that hold a line break become one line break, once per shell (collapse_lines):
a browser shows such a run as one space whichever it is. What is inside <pre>,
<textarea>, <script> and <style>, and inside tags (attribute values), stays as it was; a
page's own content goes in after, untouched. An icon drawn twice (the logo in the header
and in the drawer, the search glass) is drawn the second time by a <use> of the first
(share_icons): the same shapes, ~1 KB less per page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from catalog.render.views import Page

SHELL_PATH = "papers/_shell/"
SHELL_DEPTH = 2
TITLE = "catalog-shell-title"
SKIP = "catalog-shell-skip"
HEAD = "<!--catalog:head-->"
CONTENT = "<!--catalog:shell-->"
# Material adds an <h1> of the page title unless the content has one; each page has its own.
NO_TITLE = "<!--<h1>-->"
_PATH = "\x01path\x01"
_TOKENS = re.compile("|".join(re.escape(t) for t in (TITLE, SKIP, HEAD, CONTENT, _PATH)))
# What collapse_lines keeps as it is (raw-text elements, comments, tags with their
# attributes), or else a run of HTML's whitespace (never U+00A0) holding a line break.
_KEPT_OR_LINES = re.compile(
    r"(<(pre|textarea|script|style)\b.*?</\2\s*>|<!--.*?-->|<[^>]*>)|[ \t\r\f]*\n[ \t\r\n\f]*",
    re.DOTALL | re.IGNORECASE,
)


_SVG = re.compile(r"<svg\b([^>]*)>(.*?)</svg>", re.DOTALL)
_ICON_ID = "cf-icon-"


def share_icons(html: str) -> str:
    """html with each inline <svg> seen before drawn as a <use> of its first copy (whose
    shapes get an id: a <g> around them), so the same icon's paths are written once.
    A <use> draws the shapes as its own children: they take the second icon's size and
    colour from its own <svg> and CSS, as the copy did."""
    counts: dict[str, int] = {}
    for match in _SVG.finditer(html):
        counts[match.group(0)] = counts.get(match.group(0), 0) + 1
    if _ICON_ID in html or all(n == 1 for n in counts.values()):
        return html
    names: dict[str, str] = {}

    def shared(match: re.Match[str]) -> str:
        whole, attrs, inner = match.group(0), match.group(1), match.group(2)
        if counts[whole] == 1:
            return whole
        if whole in names:
            return f'<svg{attrs}><use href="#{names[whole]}"/></svg>'
        names[whole] = f"{_ICON_ID}{len(names)}"
        return f'<svg{attrs}><g id="{names[whole]}">{inner}</g></svg>'

    return _SVG.sub(shared, html)


def collapse_lines(html: str) -> str:
    """html with each run of whitespace holding a line break as one line break, except in
    <pre>, <textarea>, <script>, <style>, comments and tags (a browser renders the text
    the same: white-space: normal shows any such run as one space)."""
    return _KEPT_OR_LINES.sub(lambda m: m.group(1) or "\n", html).strip(" \t\r\n\f")


@dataclass
class Shell:
    """The shell's HTML with its tokens, split once per folder depth."""

    text: str
    _parts: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, html: str) -> Shell:
        missing = [t for t in (TITLE, HEAD, CONTENT) if t not in html]
        if missing:
            raise ValueError(f"the theme's shell page lacks {missing}")
        text = html.replace(SHELL_PATH, _PATH).replace(NO_TITLE, "", 1)
        return cls(share_icons(collapse_lines(text)) + "\n")

    def parts(self, depth: int) -> list[str]:
        """Literal text and tokens, alternating (literal first)."""
        if depth not in self._parts:
            up = "/".join([".."] * depth) if depth else "."
            text = self.text.replace("/".join([".."] * SHELL_DEPTH), up)
            if depth == 0:
                text = text.replace('"./', '"')
            pieces: list[str] = []
            last = 0
            for match in _TOKENS.finditer(text):
                pieces += [text[last : match.start()], match.group(0)]
                last = match.end()
            pieces.append(text[last:])
            self._parts[depth] = pieces
        return self._parts[depth]

    def render(self, page: Page, content: str) -> str:
        values = {
            TITLE: escape(page.title),
            SKIP: page.skip,
            HEAD: page.head,
            CONTENT: content,
            _PATH: page.path,
        }
        pieces = self.parts(page.path.count("/"))
        out = [pieces[0]]
        for i in range(1, len(pieces), 2):
            out.append(values[pieces[i]])
            out.append(pieces[i + 1])
        return "".join(out)
