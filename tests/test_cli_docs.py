"""docs/cli.md is generated from the commands' --help and must match it (regenerate it with
`.venv/bin/catalog cli-docs` after changing a command or an option)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.cli import main
from catalog.commands.cli_docs import render
from tests.conftest import REPO

DOC = REPO / "docs" / "cli.md"


def test_docs_cli_md_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render(main), (
        "docs/cli.md is stale: run `.venv/bin/catalog cli-docs`"
    )


def test_the_reference_holds_every_visible_command_and_option() -> None:
    text = render(main)
    for name, command in main.commands.items():
        assert (f"## `catalog {name}`" in text) is not command.hidden, name
        if command.hidden:
            continue
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in text, (name, opt)


def test_the_reference_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    wide = render(main)
    monkeypatch.setenv("COLUMNS", "40")
    assert render(main) == wide


def test_check_fails_on_a_stale_reference_and_writing_fixes_it(tmp_path: Path) -> None:
    target = tmp_path / "cli.md"
    target.write_text("# old\n", encoding="utf-8")
    runner = CliRunner()
    stale = runner.invoke(main, ["cli-docs", "--output", str(target), "--check"])
    assert stale.exit_code == 1 and "is stale" in stale.stderr
    assert runner.invoke(main, ["cli-docs", "--output", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8") == render(main)
    assert runner.invoke(main, ["cli-docs", "--output", str(target), "--check"]).exit_code == 0
