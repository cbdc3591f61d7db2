"""A usage error of a command run with `--format json` is still one JSON document on stdout.

The document is the one every other failure prints (`{"error": {"message", "exit_status"}}`),
and the exit status stays 2; click's usage message still goes to stderr for a person.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from catalog.cli import main
from catalog.cli_options import prints_json
from tests.conftest import REPO

WITH_JSON = sorted(name for name, command in main.commands.items() if prints_json(command))


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def error_document(stdout: str) -> dict[str, Any]:
    document = json.loads(stdout)  # exactly one document: json.loads refuses anything more
    assert set(document) == {"error"} and set(document["error"]) == {"message", "exit_status"}
    return dict(document["error"])


def test_every_command_with_a_format_is_covered() -> None:
    assert {"validate", "build", "check-links", "sync", "new", "init"} <= set(WITH_JSON)


@pytest.mark.parametrize("name", WITH_JSON)
@pytest.mark.parametrize("order", ["format-first", "format-last"])
def test_a_bad_option_with_format_json_is_a_json_error(name: str, order: str) -> None:
    args = ["--format", "json", "--no-such-option"]
    if order == "format-last":
        args = ["--no-such-option", "--format=json"]
    result = invoke(name, *args)
    assert result.exit_code == 2, result.output
    error = error_document(result.stdout)
    assert error["exit_status"] == 2
    assert "--no-such-option" in error["message"]
    assert "No such option" in result.stderr and "Usage:" in result.stderr


def test_a_bad_value_found_by_the_command_is_a_json_error_too() -> None:
    result = invoke("check-links", "--exclude", "(", "--format", "json")
    assert result.exit_code == 2
    error = error_document(result.stdout)
    assert "--exclude" in error["message"] and "bad regular expression" in error["message"]


def test_a_missing_argument_with_format_json_is_a_json_error() -> None:
    result = invoke("import", "--format", "json")
    assert result.exit_code == 2
    assert "MARKDOWN" in error_document(result.stdout)["message"]


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--no-such-option"],  # no JSON asked for
        ["validate", "--format", "text", "--no-such-option"],
        ["validate", "--format", "json", "--format", "text", "--no-such-option"],  # last wins
        ["validate", "--format", "jsn"],  # a bad format is not a request for JSON
        ["schema", "--format", "json"],  # a command without --format
        ["validate", "--", "--format", "json"],
    ],
)
def test_no_json_document_unless_json_was_asked_for(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error:" in result.stderr


def test_the_console_script_prints_the_json_error_as_well() -> None:
    command = [sys.executable, "-m", "catalog", "sync", "--bogus", "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 2
    assert error_document(done.stdout) == {
        "message": "No such option '--bogus'.",
        "exit_status": 2,
    }
    assert "Traceback" not in done.stderr
