"""`catalog sync`: ask the outside sources what is due, keep their facts, report (or apply) changes.

Only click is imported at module level; the sync stages load when the command runs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from catalog.cli_options import require_data_dir

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
    quiet: bool,
) -> int:
    """Print the report in `fmt`; 0 when the run completed, 130 when interrupted."""
    from catalog.sync.report import render, summary
    from catalog.sync.run import sync

    require_data_dir(data_dir)
    progress = None if quiet or not sys.stderr.isatty() else _Progress()
    try:
        outcome = sync(
            data_dir,
            write=write,
            budget=budget,
            only=only,
            sources=sources,
            ask=fetch,
            progress=progress,
        )
    except KeyboardInterrupt:
        click.echo("interrupted: what was asked so far is saved in the facts file", err=True)
        return 130
    stats = outcome.stats
    click.echo(render(fmt, outcome.proposals, summary(stats, len(outcome.written), write)))
    if not quiet:
        if stats is not None and stats.out_of_time:
            click.echo(
                "note: the budget ran out; the next run resumes where this one stopped", err=True
            )
        for name, why in sorted((stats.stopped if stats else {}).items()):
            click.echo(f"note: stopped asking {name}: {why}", err=True)
        if outcome.written:
            click.echo(f"{len(outcome.written)} record(s) edited", err=True)
    return 0


class _Progress:
    """One line per source on stderr at most every two seconds (a terminal only)."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}

    def __call__(self, source: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last.get(source, 0.0) < 2.0:
            return
        self._last[source] = now
        click.echo(f"sync: {source} {done}/{total}", err=True)
