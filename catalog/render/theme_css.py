"""Material's stylesheet, trimmed to the site (catalog/render/css_trim.py says how and why).

Runs on the staged site after mkdocs and before the generated pages go into the shell: it
knows where Material puts its stylesheet and scripts, so it sits with site.py and shell.py
on the mkdocs side of the build.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from catalog.render.css_trim import (
    PALETTE,
    attribute_values,
    html_classes,
    script_words,
    template_classes,
    theme_classes,
    trim_css,
)
from catalog.resources import templates_dir

RENDER = Path(__file__).resolve().parent  # the modules that write the pages' markup


def trim_theme_stylesheet(staged: Path, overrides: Path | None = None) -> None:
    """Replace the theme's main.*.min.css and palette.*.min.css by trimmed copies, each
    named by its content.

    The generated pages are not made yet (they are written from the shell later): the
    classes they may use are the words in the class attributes of what makes them, the
    site's templates (the catalog's own `overrides` too) and the render modules; the palette
    colours in use are those of the palette form every page carries. The new names keep the
    theme's cache-busting contract (a different file, a different name); every page mkdocs
    rendered, the shell included, is pointed to them, so the generated pages are too.
    """
    sheets = staged / "assets" / "stylesheets"
    main, palette = sorted(sheets.glob("main.*.min.css")), sorted(sheets.glob("palette.*.min.css"))
    if len(main) != 1 or len(palette) > 1:
        return  # not the theme this was written for: leave its stylesheets alone
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
    colours = attribute_values(rendered.values(), PALETTE)
    others = [p.read_text(encoding="utf-8") for p in sorted(assets.glob("*.css"))]
    others += own_scripts + bundles + list(rendered.values())
    texts = {sheet: sheet.read_text(encoding="utf-8") for sheet in main + palette}
    for sheet in main + palette:
        readers = [text for other, text in texts.items() if other != sheet] + others
        texts[sheet] = trim_css(texts[sheet], classes, readers, colours)
    for sheet, text in texts.items():
        _replace(sheet, text, rendered)


def _replace(sheet: Path, text: str, rendered: dict[Path, str]) -> None:
    """sheet's new text under a name of its own, the old file and its map gone, and the
    pages that linked the old name linking the new one."""
    kind = sheet.name.split(".")[0]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    target = sheet.with_name(f"{kind}.{digest}.min.css")
    sheet.unlink()
    sheet.with_name(sheet.name + ".map").unlink(missing_ok=True)
    target.write_text(text, encoding="utf-8")
    old, new = f"stylesheets/{sheet.name}", f"stylesheets/{target.name}"
    for path, page in rendered.items():
        if old in page:
            rendered[path] = page.replace(old, new)
            path.write_text(rendered[path], encoding="utf-8")
