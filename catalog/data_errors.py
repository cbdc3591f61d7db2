"""Commands that add to the data (`import`, `new`) work on clean data only.

Data with errors is refused whole, before any source is asked or any file written: a broken
registry would turn every name into "unknown" (or be rewritten without its entries), and a
record added beside broken ones would be built on a catalog nobody can validate.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from catalog.diagnostics import Diagnostic
from catalog.errors import CatalogError

HINT = "run `catalog validate` and fix them first"


class DataErrors(CatalogError):
    """The data has errors, so nothing was done: `problems` ends with the refusal itself."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        self.problems = problems
        super().__init__(problems[-1].message_and_hint())


def refusal(diagnostics: Iterable[Diagnostic], data_dir: Path, nothing: str) -> list[Diagnostic]:
    """The data's errors and one `data-errors` line saying `nothing` was done; [] when clean.

    A registry or config file that is not there yet is no error here (an import creates it).
    """
    errors = [d for d in diagnostics if d.severity == "error" and not _absent(d)]
    if not errors:
        return []
    said = f"the data has {len(errors)} error(s); {nothing}"
    return [*errors, Diagnostic(str(data_dir), 0, 0, "error", "data-errors", said, HINT)]


def _absent(problem: Diagnostic) -> bool:
    return problem.code == "unreadable" and not Path(problem.path).exists()
