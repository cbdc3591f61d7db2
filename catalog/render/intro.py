"""catalog.yaml's intro as HTML for the site's home page: its Markdown rendered, inert.

The intro is Markdown (the README prints it as written; an imported list's intro has links
and bold text). The site renders it with Python-Markdown, mkdocs' own, after escaping every
`&` and `<`, so raw HTML shows as the text it is; a link keeps its target only when that is
an absolute http(s) URL (the records' own rule), and an image becomes its alt text: no page
loads anything from outside the site, and nothing in the text can run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from catalog.render.exports import safe_url

if TYPE_CHECKING:  # imported when an intro is rendered: a README-only build never needs it
    from xml.etree.ElementTree import Element

    import markdown


def intro_html(text: str) -> Markup:
    """The intro's paragraphs, lists and emphasis as HTML, safe to put in a page as is."""
    if not text.strip():
        return Markup("")
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return Markup(_markdown().convert(escaped))  # every tag in it is one Markdown made


def _markdown() -> markdown.Markdown:
    """Python-Markdown with the links and images defused (imported here, on first use)."""
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class Defuse(Treeprocessor):
        """Links to anything but an http(s) URL lose their target; images become their alt."""

        def run(self, root: Element) -> None:
            for element in root.iter():
                if element.tag == "a":
                    target = safe_url(element.get("href"))
                    attributes = {"href": target} if target else {}
                    element.attrib.clear()
                    element.attrib.update(attributes)
                elif element.tag == "img":
                    alt = element.get("alt", "")
                    element.tag = "span"
                    element.attrib.clear()
                    element.text = alt

    md = markdown.Markdown(output_format="html")
    md.treeprocessors.register(Defuse(md), "catalog-inert", 0)
    return md
