"""Ctrl-C: the general rule and the graceful variant for long work.

The rule (cli.py): a KeyboardInterrupt anywhere ends the command with one line on stderr and
exit status 130, never a traceback. Long work that can stop cleanly (check-links saving its
cache and printing a partial report, sync) wraps itself in `graceful_stop()`: the first Ctrl-C
only sets the returned event, so the work winds down and reports what it did; a second Ctrl-C
raises KeyboardInterrupt at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOPPING = "stopping: finishing what is in flight (Ctrl-C again to quit at once)"
INTERRUPTED = "interrupted"


@contextmanager
def graceful_stop(message: str = STOPPING) -> Iterator[threading.Event]:
    """An event set by the first Ctrl-C while the block runs; the second raises
    KeyboardInterrupt. Outside the main thread (signals cannot be caught there) the event is
    never set and Ctrl-C keeps its usual effect."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        from catalog.output import echo

        echo(message, err=True)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)
