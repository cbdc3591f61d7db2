"""What the README says about itself comes from catalog.yaml, not from fixed text: the Awesome
badge (`awesome`) and the Contributing section (`contributing`)."""

from __future__ import annotations

from catalog.render.commands import SETUP_COMMAND, TEST_COMMAND
from catalog.render.readme import render_readme
from catalog.validate import load_catalog
from tests.conftest import CONFIG, CatalogDir


def readme(catalog_dir: CatalogDir, extra: str = "") -> str:
    (catalog_dir.path / "catalog.yaml").write_text(CONFIG + extra, encoding="utf-8")
    catalog_dir.add("lora")
    catalog = load_catalog(catalog_dir.path)
    assert catalog.diagnostics == [] and catalog.config is not None
    return render_readme(catalog.papers, catalog.config)


def test_by_default_an_awesome_list_with_the_packaged_contributing_text(
    catalog_dir: CatalogDir,
) -> None:
    text = readme(catalog_dir)
    assert text.startswith(
        "# Awesome-Test [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)\n"
    )
    footer = text.split("\n## Contributing\n", 1)[1]
    assert SETUP_COMMAND in footer and TEST_COMMAND in footer


def test_a_catalog_that_is_not_an_awesome_list_has_no_badge(catalog_dir: CatalogDir) -> None:
    text = readme(catalog_dir, "awesome: false\n")
    assert text.startswith("# Awesome-Test\n")
    assert "awesome.re" not in text
    assert "- [Papers](#papers)" in text  # anchors no longer count the badge's text


def test_the_contributing_section_comes_from_the_config(catalog_dir: CatalogDir) -> None:
    text = readme(catalog_dir, "contributing: Send a pull request to *our* lab.\n")
    footer = text.split("\n## Contributing\n", 1)[1]
    assert footer == "\nSend a pull request to *our* lab.\n"
    assert SETUP_COMMAND not in text
