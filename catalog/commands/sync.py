"""`catalog sync`: ask the outside sources what is due, keep their facts, report (or apply) changes.

Only click is imported at module level; the sync stages load when the command runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from catalog import output
from catalog.cli_options import require_data_dir
from catalog.errors import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from catalog.sync.report import Format


def run(
    data_dir: Path,
    *,
    fmt: Format,
    write: bool,
    budget: float | None,
    only: Sequence[str],
    sources: Sequence[str],
    fetch: bool,
) -> int:
    """Print the report in `fmt`; 0 when the run completed."""
    from catalog.sync.report import render, summary
    from catalog.sync.run import sync

    require_data_dir(data_dir)
    with output.progress("sync") as bar:

        def progress(source: str, done: int, total: int) -> None:
            bar.step(f"{source} {done}/{total}")

        # Ctrl-C: sync saves what was asked before the interrupt goes on (exit 130).
        outcome = sync(
            data_dir,
            write=write,
            budget=budget,
            only=only,
            sources=sources,
            ask=fetch,
            progress=progress,
        )
    stats = outcome.stats
    report = render(fmt, outcome.proposals, summary(stats, len(outcome.written), write))
    if fmt == "text" and output.is_quiet():
        report = report.rpartition("\n")[0]  # -q: the proposals without the summary line
    if report:
        click.echo(report)
    if stats is not None and stats.out_of_time:
        output.note("note: the budget ran out; the next run resumes where this one stopped")
    for name, why in sorted((stats.stopped if stats else {}).items()):
        output.warn(f"stopped asking {name}: {why}")
    if outcome.written:
        output.note(f"{len(outcome.written)} record(s) edited")
    if stats is not None and stats.stopped and not sum(stats.learned.values()):
        # Every source that was asked gave up and none said anything: not a clean run.
        output.warn("no source could be asked; nothing was learned (network, rate limit?)")
        return EXIT_USAGE
    return EXIT_OK
