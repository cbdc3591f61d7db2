"""`catalog build`: validate data/, then write README.md (and the site) from it, or check it.

Everything is read and rendered before anything is written, and nothing is written when the
data has errors, so a failed build never leaves a half-updated README or site behind.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from catalog import collector
from catalog.catalog import Catalog
from catalog.diagnostics import Diagnostic, has_errors
from catalog.parallel import Background
from catalog.render.facts_view import readme_stars
from catalog.render.readme import render_readme
from catalog.render.site import build_site
from catalog.resources import catalog_templates
from catalog.validate import load_catalog
from catalog.writer import output_lock, write_atomic

DIFF_CONTEXT = 1
DIFF_MAX_LINES = 60
BACKGROUND_README_FROM = 1000  # papers; fewer: rendering it here costs less than a fork


@dataclass
class BuildResult:
    """What a build did or, with check, would do."""

    catalog: Catalog
    readme: Path | None  # None: the README was not asked for
    readme_text: str | None = None  # None when validation failed
    readme_changed: bool = False
    diff: str = ""
    site_built: bool = False
    site_dir: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.catalog.diagnostics

    @property
    def failed(self) -> bool:
        return has_errors(self.diagnostics)


def build(
    data_dir: Path,
    readme: Path | None,
    site_dir: Path | None,
    *,
    check: bool = False,
    step: Callable[[str], None] = lambda stage: None,
) -> BuildResult:
    """Render from data_dir; write README (unless readme is None) and the site (unless
    site_dir is None) unless check. `step` is told each stage's name as it starts (progress).

    With check, nothing is written and `readme_changed`/`diff` tell whether README is stale.
    """
    if check or readme is None:  # the site takes its own lock (writer.publish_folder)
        return _build(data_dir, readme, site_dir, check=check, step=step)
    with output_lock(readme):  # one build at a time: README and site come from the same run
        return _build(data_dir, readme, site_dir, check=check, step=step)


def _build(
    data_dir: Path,
    readme: Path | None,
    site_dir: Path | None,
    *,
    check: bool,
    step: Callable[[str], None],
) -> BuildResult:
    step("validating")
    catalog = load_catalog(data_dir)
    result = BuildResult(catalog, readme, site_dir=site_dir)
    if result.failed or catalog.config is None:
        return result
    with collector.paused():  # 100,000 new Sources and no cycle: nothing to collect
        catalog.forget_sources()  # every diagnostic is made: the files' text is not needed
    if readme is None:
        if site_dir is not None and not check:
            step("site")
            build_site(catalog, site_dir, step=lambda name: step(f"site: {name}"))
            result.site_built = True
        return result
    step("README")
    render = functools.partial(
        render_readme,
        catalog.papers,
        catalog.config,
        topics=catalog.topics.entries,
        templates=catalog_templates(data_dir),
        stars=readme_stars(catalog),
    )
    if site_dir is not None and not check and len(catalog.papers) >= BACKGROUND_README_FROM:
        # A forked child renders the README while this process builds the site; the site
        # is swapped in only once the README is rendered (a template error stops both).
        rendering = Background(render)
        texts: list[str] = []
        step("site")
        build_site(
            catalog,
            site_dir,
            step=lambda name: step(f"site: {name}"),
            before_publish=lambda: texts.append(rendering.result()),
        )
        result.site_built = True
        text = texts[0]
    else:
        text = render()
    current = _read(readme)
    result.readme_text = text
    result.readme_changed = current != text
    if check:
        if result.readme_changed:
            result.diff = short_diff(current or "", text, str(readme))
            if current is None:
                result.notes.append(f"{readme} does not exist")
        return result
    if site_dir is not None and not result.site_built:
        step("site")
        build_site(catalog, site_dir, step=lambda name: step(f"site: {name}"))
        result.site_built = True
    if result.readme_changed:
        write_atomic(readme, text)
    return result


def short_diff(old: str, new: str, name: str) -> str:
    """A unified diff of the README on disk against the rendered one, cut to a screenful."""
    lines = list(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"{name} (on disk)",
            tofile=f"{name} (rendered from data)",
            n=DIFF_CONTEXT,
        )
    )
    lines = [line if line.endswith("\n") else line + "\n" for line in lines]
    if len(lines) > DIFF_MAX_LINES:
        more = len(lines) - DIFF_MAX_LINES
        lines = [*lines[:DIFF_MAX_LINES], f"... ({more} more diff lines)\n"]
    return "".join(lines)


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
