"""Only the theme files a page loads go into the site.

mkdocs copies all of Material's assets: its bundle's source map (~1 MB), its lunr search
worker with the worker's map, and lunr's language files (wordcut.js alone is 677 KB). The
catalog's own search worker (site/assets/search-worker.js) replaces Material's, so nothing
loads the lunr files; no reader's browser asks for a source map. This runs on the staged site
after mkdocs, beside theme_css.py (it knows where Material puts its files).
"""

from __future__ import annotations

import re
from pathlib import Path

SCRIPTS = "javascripts"  # Material's folder of scripts under assets/
_NAMED = re.compile(r"""assets/([^"'\s()<>?#]+)""")
_MAP_COMMENT = re.compile(r"\n?(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$")


def prune_theme_assets(staged: Path) -> list[str]:
    """Remove every source map under assets/, and each script of the theme's under
    assets/javascripts/ that no rendered page names; the comments pointing to the maps go
    too (a browser with its developer tools open would ask for them). Returns what went,
    relative to assets/, sorted.

    The pages mkdocs rendered are all the kinds there are: the generated ones are written
    later from the shell, which names the same files as every other page. A script a kept
    script loads by a name made at run time would be lost here; Material's bundle loads only
    the search worker, which the pages name (the hook points them to the catalog's).
    """
    assets = staged / "assets"
    if not assets.is_dir():
        return []
    named: set[str] = set()
    for page in staged.rglob("*.html"):
        named.update(_NAMED.findall(page.read_text(encoding="utf-8")))
    removed = []
    for path in sorted(p for p in assets.rglob("*") if p.is_file()):
        relative = path.relative_to(assets).as_posix()
        unused = relative.startswith(SCRIPTS + "/") and relative not in named
        if path.suffix == ".map" or unused:
            path.unlink()
            removed.append(relative)
        elif path.suffix in (".js", ".css"):
            text = path.read_text(encoding="utf-8")
            stripped = _MAP_COMMENT.sub("", text)
            if stripped != text:
                path.write_text(stripped + "\n", encoding="utf-8")
    for folder in sorted((p for p in assets.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed
