"""mkdocs hook: the pages mkdocs renders come from one pages.json, never from markdown files.

catalog/render/site.py writes pages.json beside the generated mkdocs.yml: for each page its
docs path, its front matter (as markdown), its HTML, optionally a `late` part, extra <head>
markup and the id its skip link leads to. This hook adds the pages as virtual files,
appends each page's HTML after the markdown conversion (markdown never parses long lists),
and once a page is rendered puts the `late` part in place of the marker (so neither the
search indexer nor the theme's templates walk through long lists), the head markup before
</head>, a skip link in Material's empty skip slot, and the catalog's search worker in place
of Material's lunr one (catalog/render/search.py says why).
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File

_pages: dict[str, dict[str, str]] = {}
_marker = ""
_ARTICLE = '<article class="md-content__inner md-typeset">'
_DIALOG = 'data-md-component="search" role="dialog"'
_SKIP = re.compile(r'<div data-md-component="skip">\s*</div>')
# Relative on the pages, absolute (from site_url's path) on 404.html.
_WORKER = re.compile(r'"([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')


def on_files(files: Any, config: Any) -> Any:
    global _marker
    source = Path(config.config_file_path).parent / "pages.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    _marker = data["marker"]
    _pages.clear()
    for page in data["pages"]:
        _pages[page["path"]] = page
        files.append(File.generated(config, page["path"], content=page["markdown"]))
    return files


def on_env(env: Any, config: Any, files: Any) -> Any:
    """Material's ~45 templates compile once per machine, not once per build (~0.4 s): the
    bytecode goes to Jinja's per-user cache folder, keyed by each template's source."""
    from jinja2 import FileSystemBytecodeCache

    with contextlib.suppress(OSError, RuntimeError):  # no usable temp folder: compile as before
        env.bytecode_cache = FileSystemBytecodeCache()
    return env


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    entry = _pages.get(page.file.src_uri)
    return html + entry["html"] if entry else html


def on_post_template(output: str, template_name: str, config: Any) -> str:
    """The theme's own pages (404.html): the catalog's search worker, a named dialog."""
    if not template_name.endswith(".html"):
        return output
    return _worker(output.replace(_DIALOG, _DIALOG + ' aria-label="Search"', 1))


def _worker(output: str) -> str:
    return _WORKER.sub(r'"\1assets/search-worker.js"', output, count=1)


def on_post_page(output: str, page: Any, config: Any) -> str:
    entry = _pages.get(page.file.src_uri)
    if not entry:
        return _worker(output)
    if entry.get("late"):
        output = output.replace(_marker, entry["late"], 1)
    skip = (
        '<div data-md-component="skip"><a href="#{}" class="md-skip">'
        "Skip to the content</a></div>".format(entry.get("skip") or "content")
    )
    output = _SKIP.sub(lambda _: skip, output, count=1)
    output = output.replace("</head>", entry.get("head", "") + "</head>", 1)
    # The skip link's default target: the article (Material gives it no id).
    output = output.replace(_ARTICLE, _ARTICLE[:-1] + ' id="content">', 1)
    # Material's search dialog has no accessible name (axe: aria-dialog-name).
    output = output.replace(_DIALOG, _DIALOG + ' aria-label="Search"', 1)
    return _worker(output)
