"""catalog.yaml's intro on the home page: its Markdown rendered, and nothing in it able to
act or to load anything from outside the site (catalog/render/intro.py)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from catalog.render.intro import intro_html
from catalog.render.pages import build_pages
from catalog.validate import load_catalog


class _Tags(HTMLParser):
    """Every element and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_the_home_page_shows_the_intro_rendered(catalog_dir: Any) -> None:
    config = catalog_dir.path / "catalog.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "intro: Papers for tests.",
        "intro: 'Based on [the survey](https://arxiv.org/abs/2407.11046). **Thanks!** <b>x</b>'",
    )
    config.write_text(text, encoding="utf-8")
    catalog_dir.add("a")
    catalog = load_catalog(catalog_dir.path)
    assert not catalog.diagnostics, catalog.diagnostics
    home = next(p for p in build_pages(catalog).pages if p.path == "")
    assert (
        '<div class="cf-intro"><p>Based on <a href="https://arxiv.org/abs/2407.11046">the survey'
        "</a>. <strong>Thanks!</strong> &lt;b&gt;x&lt;/b&gt;</p></div>"
    ) in home.html


def test_links_emphasis_and_paragraphs_are_rendered() -> None:
    shown = intro_html(
        "Papers from [our survey](https://arxiv.org/abs/2407.11046 'its title').\n\n"
        "**Star it** and *cite it*:\n\n- one\n- two"
    )
    assert shown == (
        '<p>Papers from <a href="https://arxiv.org/abs/2407.11046">our survey</a>.</p>\n'
        "<p><strong>Star it</strong> and <em>cite it</em>:</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    )
    assert intro_html("  \n") == ""


def test_html_scripts_other_schemes_and_images_stay_inert() -> None:
    shown = intro_html(
        "<script>alert(1)</script> <img src=https://tracker.example/p.gif onerror=alert(1)> "
        "[run](javascript:alert(1)) [here](./fig/local.svg) ![a chart](https://cdn.example/c.png) "
        "[mail](mailto:x@example.org) AT&T <https://example.org>"
    )
    tags = _Tags()
    tags.feed(shown)
    assert tags.found == [("p", []), ("a", []), ("a", []), ("span", []), ("a", [])]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown  # shown as the text it is
    assert "<a>run</a>" in shown and "<a>here</a>" in shown and "<a>mail</a>" in shown
    assert "<span>a chart</span>" in shown  # the alt text, loading nothing
    assert "AT&amp;T" in shown and "&lt;https://example.org&gt;" in shown
