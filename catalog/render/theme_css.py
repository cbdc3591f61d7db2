"""Material's stylesheet, trimmed to the site (catalog/render/css_trim.py says how and why).

Runs on the staged site after mkdocs and before the generated pages go into the shell: it
knows where Material puts its stylesheet and scripts, so it sits with site.py and shell.py
on the mkdocs side of the build.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from catalog.render.css_trim import (
    html_classes,
    script_words,
    template_classes,
    theme_classes,
    trim_css,
)
from catalog.resources import templates_dir

RENDER = Path(__file__).resolve().parent  # the modules that write the pages' markup


def trim_theme_stylesheet(staged: Path, overrides: Path | None = None) -> None:
    """Replace assets/stylesheets/main.*.min.css by its trimmed copy, named by its content.

    The generated pages are not made yet (they are written from the shell later): the
    classes they may use are the words in the class attributes of what makes them, the
    site's templates (the catalog's own `overrides` too) and the render modules. The new
    name keeps the theme's cache-busting contract (a different file, a different name);
    every page mkdocs rendered, the shell included, is pointed to it, so the generated
    pages are too.
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
    makers = [*sorted((templates_dir() / "site").glob("*.j2")), *sorted(RENDER.glob("*.py"))]
    if overrides is not None and overrides.is_dir():
        makers += sorted(overrides.glob("*.j2"))
    classes |= template_classes(p.read_text(encoding="utf-8") for p in makers)
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
