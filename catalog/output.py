"""What every command prints besides its report: notes, warnings, JSON, progress.

Reports go to stdout; notes, warnings and progress to stderr. `-q/--quiet` (set once per run by
the CLI) silences notes and progress; warnings and errors always show. Progress is drawn with
rich only when stderr is a terminal, so logs and pipes get nothing, and rich is imported only
then, so a command in CI never pays for it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_state = {"quiet": False}


def set_quiet(quiet: bool) -> None:
    _state["quiet"] = quiet


def is_quiet() -> bool:
    return _state["quiet"]


def echo(message: str, err: bool = False, color: bool | None = None) -> None:
    """`click.echo` of a line of text, without importing click unless the line holds an
    escape code (which click strips when the stream is no terminal, and color is not True):
    check-links' start-up reads its command line without click (`catalog.fast_cli`)."""
    stream = sys.stderr if err else sys.stdout
    if stream is not None and ("\x1b" not in message or color is True):
        try:
            stream.write(message + "\n")  # encoded whole before any byte is written
        except UnicodeEncodeError:  # a stream in ASCII: click writes it its own way
            pass
        else:
            stream.flush()
            return
    import click

    click.echo(message, err=err, color=color)


def note(message: str) -> None:
    """An informational line on stderr, unless -q."""
    if not _state["quiet"]:
        echo(message, err=True)


def warn(message: str) -> None:
    """A `warning:` line on stderr, even with -q: it asks for the user's attention."""
    echo(f"warning: {message}", err=True)


def same_stream() -> bool:
    """Whether stdout and stderr reach the same terminal, pipe or file: a line printed on both
    (a warning the report repeats) would show twice."""
    try:
        return os.path.samestat(os.fstat(sys.stdout.fileno()), os.fstat(sys.stderr.fileno()))
    except (OSError, ValueError, AttributeError):  # not real files (a test runner's buffers)
        return False


def emit_json(document: Any) -> None:
    """The command's result as exactly one JSON document on stdout."""
    echo(json.dumps(document, indent=2, ensure_ascii=False), color=True)  # no escape codes


def _nothing(_: object) -> None:
    pass


class Progress:
    """Steps of long work: `start(total)` once the size is known, `advance(n)` as items finish,
    `step(label)` to name the current stage. All no-ops when progress is not shown.

    A plain class, not a dataclass: every command imports this module, and a dataclass'
    methods are compiled at every start-up."""

    __slots__ = ("advance", "start", "step")

    def __init__(
        self,
        start: Callable[[int | None], None] = _nothing,
        advance: Callable[[int], None] = _nothing,
        step: Callable[[str], None] = _nothing,
    ) -> None:
        self.start, self.advance, self.step = start, advance, step


def progress_shown() -> bool:
    return not _state["quiet"] and sys.stderr.isatty()


@contextmanager
def progress(label: str, total: int | None = None, *, counted: bool = False) -> Iterator[Progress]:
    """A transient rich progress line on stderr while the block runs (a no-op when -q or when
    stderr is not a terminal): a spinner, the label and current step, the time taken, and
    for `counted` work (items of a known total) a bar with done/total."""
    if not progress_shown():
        yield Progress()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import (
        Progress as Bar,
    )

    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if counted:
        columns += [BarColumn(), MofNCompleteColumn()]
    with Bar(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)

        def start(size: int | None) -> None:
            bar.update(task, total=size)

        def advance(count: int) -> None:
            bar.advance(task, count)

        def step(name: str) -> None:
            bar.update(task, description=f"{label}: {name}")

        yield Progress(start=start, advance=advance, step=step)
