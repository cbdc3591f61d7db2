"""What an import did (or, with --dry-run, would do): the command's whole result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.diagnostics import Diagnostic


@dataclass
class ImportResult:
    """What an import did (or, with dry_run, would do): the JSON document of the command."""

    written: list[dict[str, Any]] = field(default_factory=list)  # id, path, title, line
    overlaps: list[dict[str, Any]] = field(default_factory=list)  # line, title, record, file, key
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # key, rows, record
    skipped: list[dict[str, Any]] = field(default_factory=list)  # line, title, code, reason
    diagnostics: list[Diagnostic] = field(default_factory=list)
    new_venues: list[str] = field(default_factory=list)
    new_keywords: list[str] = field(default_factory=list)
    new_sections: list[str] = field(default_factory=list)
    recognized: bool = True
    dry_run: bool = False

    def skip(self, line: int, title: str, why: Diagnostic) -> None:
        """Name a row that is not written, and why (the diagnostic at its line)."""
        self.skipped.append({"line": line, "title": title, "code": why.code, "reason": why.message})

    def exit_code(self) -> int:
        """0 written (warnings allowed), 1 rows in error or conflicts, 2 nothing recognized."""
        if not self.recognized:
            return 2
        return 1 if any(d.severity == "error" for d in self.diagnostics) else 0
