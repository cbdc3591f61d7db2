"""The site's pages leave the page cache once they are on disk: the build writes them once
and never reads them back, and at 100,000 papers they are 2.7 GB.

Held in the cache, every page takes memory the kernel has not handed out before, and on a
virtual machine whose host takes back free memory (free page reporting, as on the machines
these builds were measured on) touching such memory is what writing costs: 2.7 GB of fresh
pages took 20 s of system time, the same bytes written into recycled pages 2.4 s. So a
page writer starts each file's writeback once it is written and, a few hundred files later
(written back by then), drops its pages from the cache, so the next files reuse them. The
files are the same; a page still being written back when asked is simply kept. Where
posix_fadvise is missing (Windows, macOS), files are closed as written and left alone.
"""

from __future__ import annotations

import os
from collections import deque

LAG = 256  # files kept open between starting a file's writeback and dropping its pages


class Recycler:
    """The files one process writes, each closed and its cached pages dropped a little
    after it was written (LAG files later, or at close())."""

    def __init__(self, lag: int = LAG) -> None:
        self._lag = max(0, lag)
        self._open: deque[int] = deque()
        self._advise = hasattr(os, "posix_fadvise")

    def written(self, fd: int) -> None:
        """fd's file is written: start its writeback; it is closed here from now on."""
        if not self._advise:
            os.close(fd)
            return
        if not self._drop(fd, close=False):  # a file system that takes no advice
            self._advise = False
            self.close()
            os.close(fd)
            return
        self._open.append(fd)
        while len(self._open) > self._lag:
            self._drop(self._open.popleft(), close=True)

    def close(self) -> None:
        """Drop and close every file still held (their pages stay cached if not on disk)."""
        while self._open:
            self._drop(self._open.popleft(), close=True)

    def __enter__(self) -> Recycler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _drop(self, fd: int, *, close: bool) -> bool:
        """Ask the kernel to drop fd's cached pages (it writes dirty ones back first, and
        keeps those not on disk yet); False if the file system refused the advice."""
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            return True
        except OSError:
            return False
        finally:
            if close:
                os.close(fd)
