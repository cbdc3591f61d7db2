"""Material's stylesheet, trimmed to the site (catalog/render/css_trim.py says how and why).

Runs on the staged site after mkdocs and before the generated pages go into the shell: it
knows where Material puts its stylesheet and scripts, so it sits with site.py and shell.py
on the mkdocs side of the build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from catalog.render.css_trim import html_classes, script_words, theme_classes, trim_css
from catalog.render.views import Page


def trim_theme_stylesheet(staged: Path, pages: Iterable[Page]) -> None:
    """Replace assets/stylesheets/main.*.min.css by its trimmed copy, named by its content.

    The new name keeps the theme's cache-busting contract (a different file, a different
    name); every page mkdocs rendered, the shell included, is pointed to it, so the
    generated pages made from the shell are too.
    """
    sheets = staged / "assets" / "stylesheets"
    originals = sorted(sheets.glob("main.*.min.css"))
    if len(originals) != 1:
        return  # not the theme this was written for: leave its stylesheet alone
    original = originals[0]
    rendered = {path: path.read_text(encoding="utf-8") for path in sorted(staged.rglob("*.html"))}
    assets = staged / "assets"
    own_scripts = [p.read_text(encoding="utf-8") for p in sorted(assets.glob("*.js"))]
    bundles = [p.read_text(encoding="utf-8") for p in sorted(assets.glob("javascripts/*.js"))]
    classes = html_classes(rendered.values()) | script_words(own_scripts)
    classes |= html_classes(part for page in pages for part in (page.html, page.late) if part)
    for bundle in bundles:
        classes |= theme_classes(bundle)
    readers = [p.read_text(encoding="utf-8") for p in sorted(sheets.glob("*.css")) if p != original]
    readers += [p.read_text(encoding="utf-8") for p in sorted(assets.glob("*.css"))]
    readers += own_scripts + bundles + list(rendered.values())
    trimmed = trim_css(original.read_text(encoding="utf-8"), classes, readers)
    digest = hashlib.sha256(trimmed.encode("utf-8")).hexdigest()[:8]
    target = sheets / f"main.{digest}.min.css"
    target.write_text(trimmed, encoding="utf-8")
    original.unlink()
    original.with_name(original.name + ".map").unlink(missing_ok=True)
    old, new = f"stylesheets/{original.name}", f"stylesheets/{target.name}"
    for path, text in rendered.items():
        if old in text:
            path.write_text(text.replace(old, new), encoding="utf-8")
