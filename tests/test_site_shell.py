"""The theme's shell with its whitespace collapsed (catalog/render/shell.py): a reader sees the
same text, raw-text elements and attribute values are byte for byte what mkdocs wrote, and a
page's own content (its <pre> BibTeX above all) goes in untouched."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from site_support import BuiltSite, check_watched, watch

from catalog.render.shell import CONTENT, HEAD, TITLE, Shell, collapse_lines, share_icons
from catalog.render.views import Page

_RAW = ("pre", "textarea", "script", "style")


class _Reading(HTMLParser):
    """A page as a reader's browser takes it in: the text outside raw elements with each
    whitespace run as one space, the raw elements' text as written, every tag's attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.raw: list[tuple[str, str]] = []
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag in _RAW:
            self._in.append(tag)
            self.raw.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in:
            tag, text = self.raw[-1]
            self.raw[-1] = (tag, text + data)
        else:
            self.text.append(data)

    def shown(self) -> str:
        return re.sub(r"[ \t\n\r\f]+", " ", "".join(self.text)).strip(" ")


def _read(markup: str) -> _Reading:
    reading = _Reading()
    reading.feed(markup)
    reading.close()
    return reading


SHELL = f"""
<!doctype html>
<html lang="en">
  <head>

      <title>{TITLE}</title>
      {HEAD}
      <style>
        .a  {{ color: red }}

      </style>
  </head>
  <body>
    <header   class="md-header">
      <a href="../.."   title="Two  spaces
   and a line">Awesome
           LoRA</a>

      <span>non\u00a0\n\u00a0breaking</span>   <b>kept   apart</b>
    </header>
    <textarea>
  typed   text

    </textarea>
    <pre>  indented
       code

</pre>
    <!-- a
         comment -->
    <article>{CONTENT}</article>
    <script>
      var   s = "a\\n   b";

    </script>
  </body>
</html>
"""


def test_collapsing_keeps_what_a_reader_sees_and_every_raw_element() -> None:
    before, after = _read(SHELL), _read(collapse_lines(SHELL))
    assert after.shown() == before.shown()
    assert after.raw == before.raw  # <pre>, <textarea>, <script>, <style> as written
    assert after.tags == before.tags  # attribute values included
    collapsed = collapse_lines(SHELL)
    assert "<!-- a\n         comment -->" in collapsed
    assert "\u00a0\n\u00a0" in collapsed  # U+00A0 is not HTML whitespace
    assert "</b>" in collapsed and "kept   apart" in collapsed  # runs without a line break
    assert "\n\n" not in collapsed.replace(before.raw[0][1], "").split("<textarea>")[0]
    assert len(collapsed) < len(SHELL)


def test_a_page_goes_into_the_collapsed_shell_untouched() -> None:
    """The page's content and head are put in after collapsing: its <pre> keeps every space."""
    shell = Shell.parse(SHELL.replace("<article>", "<article><!--<h1>-->"))
    bibtex = "@article{x,\n  title = {A   B},\n\n  year = {2024}\n}\n"
    content = (
        f'<h1>T</h1>\n<p>one\n\n   two</p>\n<pre><code id="b">{html.escape(bibtex)}</code></pre>'
    )
    head = '<meta name="citation_title" content="A\n  B">\n'
    page = Page("papers/x/", "A <b> & c", content, head=head)
    text = shell.render(page, content)
    assert content in text and head in text
    assert "<title>A &lt;b&gt; &amp; c</title>" in text
    reading = _read(text)
    assert ("pre", bibtex) in reading.raw
    assert "T one two" in reading.shown()


def test_generated_pages_carry_the_shell_without_its_indentation(site: BuiltSite) -> None:
    """Lines of the shell start at the left and none is blank (outside raw elements); each
    paper page's BibTeX is its entry exactly."""
    for paper in site.catalog.papers:
        text = (site.root / "papers" / paper.id / "index.html").read_text(encoding="utf-8")
        outside = re.sub(r"<(pre|textarea|script|style)\b.*?</\1>", "R", text, flags=re.S)
        assert not re.search(r"\n[ \t]*\n", outside), paper.id
        assert not re.search(r"\n[ \t]+<(header|nav|div|main|footer)", outside), paper.id
        reading = _read(text)
        entry = [raw for tag, raw in reading.raw if tag == "pre"]
        assert len(entry) == 1 and entry[0].startswith("@") and entry[0].endswith("}\n")
        assert f"{{{paper.id}," in entry[0]


def test_an_icon_drawn_twice_is_written_once() -> None:
    icon = '<svg viewBox="0 0 24 24"><path d="M1 1h2"/></svg>'
    other = '<svg viewBox="0 0 24 24"><path d="M3 3h4"/></svg>'
    shared = share_icons(f"<a>{icon}</a><b>{other}</b><i>{icon}</i>")
    assert shared.count('d="M1 1h2"') == 1 and shared.count('d="M3 3h4"') == 1
    assert '<g id="cf-icon-0"><path d="M1 1h2"/></g>' in shared
    assert '<i><svg viewBox="0 0 24 24"><use href="#cf-icon-0"/></svg></i>' in shared
    assert share_icons(f"<a>{icon}</a><b>{other}</b>") == f"<a>{icon}</a><b>{other}</b>"


def test_every_shared_icon_draws_at_phone_and_desktop_width(browser: Any, small_url: str) -> None:
    """Each <use> of a paper page draws its icon (the header's logo is hidden at phone width,
    the drawer's copy still draws; the search box's glass shows at desktop width), at the size
    and in the colour of its own place."""
    seen: set[int] = set()
    for viewport in ({"width": 375, "height": 812}, {"width": 1280, "height": 900}):
        context = browser.new_context(viewport=viewport)
        watched = watch(context, small_url)
        tab = watched.page
        tab.goto(small_url + "papers/lora/")
        if viewport["width"] < 600:
            tab.click('.md-header label[for="__drawer"]')
            tab.wait_for_function("document.getElementById('__drawer').checked")
        drawn = tab.evaluate(
            """() => [...document.querySelectorAll('svg use')].map(use => {
                const svg = use.ownerSVGElement, box = use.getBBox();
                const shown = svg.getBoundingClientRect().width > 0;
                return {shown, width: box.width, fill: getComputedStyle(use).fill,
                        color: getComputedStyle(svg).fill};
            })"""
        )
        assert len(drawn) == 2, drawn  # the logo and the search glass
        assert all(icon["width"] > 0 for icon in drawn if icon["shown"]), drawn
        assert all(icon["fill"] == icon["color"] for icon in drawn), drawn
        assert any(icon["shown"] for icon in drawn), (viewport, drawn)
        seen.update(i for i, icon in enumerate(drawn) if icon["shown"])
        context.close()
        check_watched(watched)
    assert seen == {0, 1}  # each one drawn where it shows
