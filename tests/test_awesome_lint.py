"""awesome-lint (npm, installed by `npm ci`) passes on the README that `catalog build` writes.

scripts/awesome-lint.mjs runs awesome-lint's own config minus `awesome-github`, the one rule
that asks the GitHub API about the repository (network and a GitHub remote needed).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import REPO
from test_readme import HOSTILE_TITLES, config, paper, stars_for, synthetic_papers

from catalog.render.readme import render_readme

LINT = [shutil.which("node") or "node", str(REPO / "scripts" / "awesome-lint.mjs")]


def awesome_lint(readme: Path) -> subprocess.CompletedProcess[str]:
    assert (REPO / "node_modules" / "awesome-lint").is_dir(), "run `npm ci` first"
    return subprocess.run(
        [*LINT, readme.name], cwd=readme.parent, capture_output=True, text=True, timeout=120
    )


def test_shipped_readme_passes_awesome_lint() -> None:
    """The committed README (test_readme checks it is fresh) beside the real CONTRIBUTING.md."""
    result = awesome_lint(REPO / "README.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✔ Linting" in result.stdout + result.stderr


def test_hostile_and_wide_readme_passes_awesome_lint(tmp_path: Path) -> None:
    """Escaped hostile titles and non-ASCII widths keep pipes aligned and markup inert.

    awesome-lint's repository rule wants a contributing file beside the README; the shipped
    README meets it with the real one, here a stand-in does.
    """
    papers = synthetic_papers(300, seed=7)
    papers += [paper(f"hostile-{i}", title=t, keywords=[]) for i, t in enumerate(HOSTILE_TITLES)]
    papers.append(paper("emoji", title="Emoji 🚀 and 低秩适配 widths", keywords=[]))
    readme = tmp_path / "README.md"
    text = render_readme(papers, config(title="Awesome Test"), stars=stars_for(papers))
    assert "★" in text  # stars from the lockfile keep the tables aligned too
    readme.write_text(text, encoding="utf-8")
    (tmp_path / "CONTRIBUTING.md").write_text("Add a record under data/papers/.\n")
    result = awesome_lint(readme)
    assert result.returncode == 0, result.stdout + result.stderr


def test_awesome_lint_can_fail(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    text = render_readme([paper("lora")], config(title="Awesome Test"))
    readme.write_text(text.replace("| 2022 |", "| 2022 | x |", 1), encoding="utf-8")
    (tmp_path / "CONTRIBUTING.md").write_text("x\n")
    result = awesome_lint(readme)
    assert result.returncode == 1
    assert "table-pipe-alignment" in result.stdout + result.stderr
