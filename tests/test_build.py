"""`catalog build`: writes README.md, --check guards it, and bad data writes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from collections_seen import collections_in
from conftest import REPO, CatalogDir

from catalog.catalog import Catalog
from catalog.cli import main
from catalog.render.commands import TEST_COMMAND


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["build", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def readme(tmp_path: Path) -> Path:
    return tmp_path / "out" / "README.md"


def test_build_writes_readme_then_leaves_it_alone(catalog_dir: CatalogDir, readme: Path) -> None:
    catalog_dir.add("lora")
    code, _, err = run("--data", str(catalog_dir.path), "--readme", str(readme), "--no-site")
    assert code == 0, err
    assert "written (1 papers" in err
    text = readme.read_text(encoding="utf-8")
    assert "**LoRA: Low-Rank Adaptation of Large Language Models**" in text
    before = readme.stat().st_mtime_ns
    code, _, err = run("--data", str(catalog_dir.path), "--readme", str(readme), "--no-site")
    assert code == 0 and "unchanged" in err
    assert readme.stat().st_mtime_ns == before


def test_check_fresh_stale_and_missing(catalog_dir: CatalogDir, readme: Path) -> None:
    catalog_dir.add("lora")
    args = ("--data", str(catalog_dir.path), "--readme", str(readme))
    code, out, err = run(*args, "--check")
    assert code == 1 and "does not exist" in err and not readme.exists()

    assert run(*args, "--no-site")[0] == 0
    code, out, err = run(*args, "--check")
    assert (code, out) == (0, "") and "up to date" in err

    stale = readme.read_text(encoding="utf-8").replace("**1** paper", "**2** papers")
    readme.write_text(stale + "hand edit\n", encoding="utf-8")
    code, out, err = run(*args, "--check")
    assert code == 1 and "is stale" in err
    assert out.startswith(f"--- {readme} (on disk)\n+++ {readme} (rendered from data)\n")
    assert "-The list holds **2** papers" in out and "+The list holds **1** paper;" in out
    assert "-hand edit" in out
    assert readme.read_text(encoding="utf-8") == stale + "hand edit\n"  # check writes nothing


def test_check_diff_is_short(catalog_dir: CatalogDir, readme: Path) -> None:
    for i in range(100):
        catalog_dir.add(f"p{i}", title=f"Paper {i}", links={"paper": f"https://x.org/{i}"})
    readme.parent.mkdir()
    readme.write_text("old\n" * 500, encoding="utf-8")
    code, out, _ = run("--data", str(catalog_dir.path), "--readme", str(readme), "--check")
    assert code == 1
    assert len(out.splitlines()) <= 61 and out.rstrip().endswith("more diff lines)")


def test_invalid_data_writes_nothing(catalog_dir: CatalogDir, readme: Path, tmp_path: Path) -> None:
    catalog_dir.add("lora")
    catalog_dir.add("broken", venue="Nowhere Conf")
    readme.parent.mkdir()
    readme.write_text("keep me\n", encoding="utf-8")
    site = tmp_path / "site"
    code, out, err = run(
        "--data", str(catalog_dir.path), "--readme", str(readme), "--site", str(site)
    )
    assert code == 1
    assert "broken.yaml:" in out and "error[unknown-venue]" in out
    assert "nothing was written" in err
    assert readme.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in readme.parent.iterdir()) == ["README.md"]  # no temp files
    assert not site.exists()

    readme.unlink()
    assert run("--data", str(catalog_dir.path), "--readme", str(readme), "--no-site")[0] == 1
    assert not readme.exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = run("--data", str(tmp_path / "missing"))
    assert code == 2 and "no data folder" in err


def test_same_bytes_whatever_file_order_locale_and_time_zone(
    catalog_dir: CatalogDir, tmp_path: Path
) -> None:
    titles = ["Émile ça", "zeta", "Alpha", "ı dotless", "İ dotted", "ß straße", "Ångström"]
    for i, title in enumerate(titles):
        catalog_dir.add(f"p{i}", title=title, links={"paper": f"https://x.org/{i}"})
    # The same records written in the reverse order: another directory order on disk.
    other = tmp_path / "other"
    shutil.copytree(catalog_dir.path, other, ignore=shutil.ignore_patterns("*.yaml"))
    for name in ("catalog.yaml", "venues.yaml", "keywords.yaml"):
        shutil.copy(catalog_dir.path / name, other / name)
    for path in sorted(catalog_dir.papers.iterdir(), reverse=True):
        shutil.copy(path, other / "papers" / path.name)

    outputs = []
    for data, tz, lang in [
        (catalog_dir.path, "UTC", "C"),
        (other, "Pacific/Kiritimati", "tr_TR.UTF-8"),
        (other, "America/St_Johns", "de_DE.UTF-8"),
    ]:
        out = tmp_path / f"README-{tz.replace('/', '-')}.md"
        env = {**os.environ, "TZ": tz, "LC_ALL": lang, "LANG": lang, "PYTHONHASHSEED": "random"}
        subprocess.run(
            [sys.executable, "-m", "catalog", "build", "--no-site", "--data", str(data),
             "--readme", str(out)],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_ci_runs_the_readme_test_command() -> None:
    """README's footer, CONTRIBUTING.md and .ci/run share catalog.render.commands."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in ci.splitlines() if line and not line.startswith("#")]
    assert commands[-1] == TEST_COMMAND


def test_a_readme_rendered_beside_the_site_is_the_same(
    catalog_dir: CatalogDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from catalog import build, parallel

    monkeypatch.setattr(build, "BACKGROUND_README_FROM", 0)  # a forked child renders it
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    for n in range(3):
        link = {"paper": f"https://arxiv.org/abs/2401.0000{n}"}
        catalog_dir.add(f"paper-{n}", title=f"Paper number {n}", links=link)
    alone, beside = tmp_path / "alone.md", tmp_path / "beside.md"
    code, _, err = run("--data", str(catalog_dir.path), "--readme", str(alone), "--no-site")
    assert code == 0, err
    site = tmp_path / "site"
    args = ["--data", str(catalog_dir.path), "--readme", str(beside), "--site", str(site)]
    code, _, err = run(*args)
    assert code == 0, err
    assert beside.read_bytes() == alone.read_bytes()
    assert (site / "papers" / "paper-1" / "index.html").is_file()


def test_a_readme_template_error_keeps_the_old_site(
    catalog_dir: CatalogDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from catalog import build, parallel

    monkeypatch.setattr(build, "BACKGROUND_README_FROM", 0)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    catalog_dir.add("lora")
    readme, site = tmp_path / "README.md", tmp_path / "site"
    args = ["--data", str(catalog_dir.path), "--readme", str(readme), "--site", str(site)]
    code, _, err = run(*args)
    assert code == 0, err
    before = (site / "index.html").read_bytes()
    link = {"paper": "https://arxiv.org/abs/2402.09353"}
    catalog_dir.add("dora", title="DoRA: Weight-Decomposed Low-Rank Adaptation", links=link)
    templates = catalog_dir.path.parent / "templates"
    templates.mkdir()
    (templates / "README.md.j2").write_text("{{ 1 / 0 }}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code != 0
    assert (site / "index.html").read_bytes() == before  # the old site, whole
    assert not (site / "papers" / "dora").exists()


def test_the_sources_are_let_go_with_the_collector_held_off(
    catalog_dir: CatalogDir, readme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One new Source per paper and no cycle (at 100,000 papers they set off full
    collections); the collector is on again afterwards."""
    import gc

    catalog_dir.add("lora")
    with collections_in(monkeypatch, (Catalog, "forget_sources")) as seen:
        code, _, err = run("--data", str(catalog_dir.path), "--readme", str(readme), "--no-site")
    assert code == 0, err
    assert seen == {"forget_sources": 0}
    assert gc.isenabled()
