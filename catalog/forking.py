"""A forked child that works beside this process and sends its results down a pipe.

What `read_ahead` (validate's files) and `links.feed` (check-links' records) share: whether a
fork is safe and worth it now, a pipe wide enough that the child never waits for a parent still
busy importing, and length-prefixed pickles for messages. Nothing heavy is imported here.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import IO, Any

HEAD = 4  # bytes of a message's length
PIPE_BYTES = 1 << 20  # Linux's default most for an unprivileged process


def can_fork() -> bool:
    """Fork is there, and no other thread runs: one holding a lock at fork time would leave
    it held for ever in the child."""
    return hasattr(os, "fork") and threading.active_count() == 1


def spare_core(others: float) -> bool:
    """Whether, with `others` tasks running besides this process, a core is free for a child
    beside it (this process and its child need a core each)."""
    from catalog.parallel import cores

    count = cores()
    return count >= 2 and others <= count - 2


def others_running() -> float:
    """Tasks runnable at this moment besides this one, or the 1-minute load average."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            running = handle.read().split()[3].split("/")[0]
        return int(running) - 1
    except (OSError, IndexError, ValueError):
        pass
    try:
        return os.getloadavg()[0]
    except OSError:  # no load figure to read: trust the core count
        return 0.0


def widen(fd: int) -> None:
    """A pipe of PIPE_BYTES (Linux: 64 KB by default); where it can't be, the child waits."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):
        pass


def start(serve: Callable[[int], None]) -> tuple[int, IO[bytes]] | None:
    """Fork a child that runs `serve(fd)`, fd the write end of a wide pipe, and exits: status 0
    when `serve` returns, 1 when it raises, and as Ctrl-C's signal would on a Ctrl-C (so the
    parent tells an interrupt from a failure). Here: the child's pid and the pipe's read end,
    or None when the fork fails."""
    read_end, write_end = os.pipe()
    widen(write_end)
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns
        status = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: die quietly, the parent reports
            os.close(read_end)
            serve(write_end)
            status = 0
        except KeyboardInterrupt:  # end as Ctrl-C's signal would: no warning in the parent
            os.kill(os.getpid(), signal.SIGINT)
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, os.fdopen(read_end, "rb")


def reap(pid: int, *, kill: bool = False) -> int | None:
    """Wait for the child, SIGKILLed first with `kill` when it is still at work: its wait
    status, or None when it was reaped already (by a SIGCHLD handler)."""
    try:
        if kill:
            ended, status = os.waitpid(pid, os.WNOHANG)
            if ended:
                return status
            os.kill(pid, signal.SIGKILL)
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return None


def put(backlog: bytearray, message: object) -> None:
    """Append `message` to `backlog`, framed: its length (HEAD bytes, little-endian), then its
    pickle."""
    import pickle

    body = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    backlog += len(body).to_bytes(HEAD, "little")
    backlog += body


def send(fd: int, backlog: bytearray, *, wait: bool) -> None:
    """Write what the pipe takes now (all of it with `wait`), keeping the rest in `backlog`."""
    os.set_blocking(fd, wait)
    while backlog:
        try:
            written = os.write(fd, backlog)
        except BlockingIOError:
            return
        del backlog[:written]


def frame(stream: IO[bytes]) -> bytes:
    """One message's pickle; EOFError when the stream ends before it does. pickle.loads of
    the bytes is several times faster than pickle.load reading the stream itself."""
    head = stream.read(HEAD)
    size = int.from_bytes(head, "little")
    body = stream.read(size)
    if len(head) < HEAD or len(body) < size:
        raise EOFError("the message was cut short")
    return body


def loads() -> Callable[[bytes], Any]:
    """The C unpickler itself where there is one: importing pickle.py around it costs the
    parent 6M instructions more, for nothing it uses."""
    try:
        from _pickle import loads
    except ImportError:  # an interpreter without the C accelerator
        from pickle import loads
    return loads


def describe(status: int) -> str:
    """A child's wait status in words."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
