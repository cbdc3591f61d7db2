"""mkdocs hook: the generated pages come from one pages.json, never from markdown files.

catalog/render/site.py writes pages.json beside the generated mkdocs.yml: for each page its
docs path, its front matter (as markdown), its HTML, and optionally a `late` part. This hook
adds the pages as virtual files (no docs folder of thousands of files), appends each page's
HTML after the markdown conversion (markdown never parses thousands of rows), and puts the
`late` part in place of the marker only once the page is rendered, so neither the search
indexer nor the theme's templates walk through long lists.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File

_pages: dict[str, dict[str, str]] = {}
_marker = ""


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


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    entry = _pages.get(page.file.src_uri)
    return html + entry["html"] if entry else html


def on_post_page(output: str, page: Any, config: Any) -> str:
    entry = _pages.get(page.file.src_uri)
    if entry and entry.get("late"):
        return output.replace(_marker, entry["late"], 1)
    return output
