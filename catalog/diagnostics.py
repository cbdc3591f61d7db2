"""One type for every data problem, and the three ways of printing a list of them.

Codes are the stable contract (tests and CI match on them); wording may change.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Literal, NamedTuple

from catalog.shown import MAX_MESSAGE as MAX_MESSAGE
from catalog.shown import escape_data as _escape_data
from catalog.shown import escape_property as _escape_property
from catalog.shown import shorten as shorten
from catalog.shown import visible as visible

Severity = Literal["error", "warning"]
Format = Literal["text", "json", "github"]


class _Fields(NamedTuple):
    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str | None = None


class Diagnostic(_Fields):
    """A problem found in a data file, at a 1-based line and column (0 when unknown).

    A named tuple (frozen, ordered by its fields), not a dataclass: the process that reads a
    link check's records would import dataclasses (and inspect) for this class alone."""

    __slots__ = ()

    def __new__(
        cls,
        path: str,
        line: int,
        column: int,
        severity: Severity,
        code: str,
        message: str,
        hint: str | None = None,
    ) -> Diagnostic:
        hint = None if hint is None else shorten(hint)
        return super().__new__(cls, path, line, column, severity, code, shorten(message), hint)

    def _replace(self, **changes: Any) -> Diagnostic:
        """A copy with `changes`, made through `__new__`: a new message is bounded too."""
        return Diagnostic(**{**self._asdict(), **changes})

    def text(self) -> str:
        """Compiler-style line that editors and CI logs make clickable."""
        where = visible(self.path)
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.severity}[{self.code}] {self.message_and_hint()}"

    def github(self) -> str:
        """A GitHub workflow command: an annotation on the file's line in the PR."""
        props = [f"file={_escape_property(visible(self.path))}"]
        if self.line:
            props += [f"line={self.line}", f"col={self.column or 1}"]
        props.append(f"title={_escape_property(self.code)}")
        return f"::{self.severity} {','.join(props)}::{_escape_data(self.message_and_hint())}"

    def message_and_hint(self) -> str:
        """The message and its hint, without the place: for a line that says where already."""
        return self.message + (f" (hint: {self.hint})" if self.hint else "")

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = self._asdict()
        data["file"] = data.pop("path")
        return {
            k: data[k] for k in ("file", "line", "column", "severity", "code", "message", "hint")
        }


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def summary(diagnostics: Sequence[Diagnostic], checked: int) -> dict[str, int]:
    counts = Counter(d.severity for d in diagnostics)
    return {
        "files": checked,
        "errors": counts["error"],
        "warnings": counts["warning"],
    }


def format_report(diagnostics: Sequence[Diagnostic], checked: int, fmt: Format) -> str:
    """Render diagnostics (sorted by file and line) plus a summary in the chosen format."""
    ordered = sorted(diagnostics)
    counts = summary(ordered, checked)
    if fmt == "json":
        doc = {"diagnostics": [d.as_json() for d in ordered], "summary": counts}
        return json.dumps(doc, indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(d.github() for d in ordered)
    lines = [d.text() for d in ordered]
    lines.append(
        f"{counted(counts['files'], 'file')} checked: {counted(counts['errors'], 'error')}, "
        f"{counted(counts['warnings'], 'warning')}"
    )
    return "\n".join(lines)


def counted(number: int, noun: str) -> str:
    """`1 error`, `2 errors`: the summary line reads as English."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
