"""The memory a command really takes: PSS and RSS summed over its whole process tree.

A build forks page writers and an export process; each one's ru_maxrss counts the pages it
shares with the parent again, and the parent's ru_maxrss leaves the children out. PSS (a
shared page divided among the processes that map it) summed over the tree is what the
machine gives the build, so that is the figure the targets are checked against. Sampled
from /proc/<pid>/smaps_rollup every `interval` seconds (Linux; elsewhere: None).

    python benchmarks/tree_memory.py COMMAND ARGS...    # prints the peaks when it ends
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def tree(root: int) -> list[int]:
    """root and every process descended from it, now."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir(PROC):
        if not entry.isdigit():
            continue
        try:
            stat = (PROC / entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def usage(pid: int) -> tuple[int, int, int]:
    """PSS, RSS and private-dirty KiB of a process (0, 0, 0 once it ended)."""
    pss = rss = dirty = 0
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0, 0, 0
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name == "Pss":
            pss = int(rest.split()[0])
        elif name == "Rss":
            rss = int(rest.split()[0])
        elif name == "Private_Dirty":
            dirty = int(rest.split()[0])
    return pss, rss, dirty


@dataclass
class TreeSampler:
    """Samples a running process tree in a thread until stop(); peaks in MiB."""

    root: int
    interval: float = 0.2
    peak_pss_mib: float = 0.0
    peak_rss_mib: float = 0.0
    peak_processes: int = 0  # the most processes alive at one sample
    # At the peak of the summed PSS: each process's (PSS, private dirty) MiB, root first.
    at_peak: list[tuple[float, float]] = field(default_factory=list)
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @staticmethod
    def available() -> bool:
        return (PROC / str(os.getpid()) / "smaps_rollup").is_file()

    def start(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = tree(self.root)
            each = [usage(pid) for pid in pids]
            pss, rss = sum(e[0] for e in each) / 1024, sum(e[1] for e in each) / 1024
            self.samples += 1
            if pss > self.peak_pss_mib:
                self.peak_pss_mib = pss
                self.at_peak = [(round(e[0] / 1024), round(e[2] / 1024)) for e in each if e[0]]
            self.peak_rss_mib = max(self.peak_rss_mib, rss)
            self.peak_processes = max(self.peak_processes, len(pids))
            self._stop.wait(self.interval)


def main(argv: list[str]) -> int:
    if not TreeSampler.available():
        print("tree_memory: needs /proc/<pid>/smaps_rollup (Linux)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    process = subprocess.Popen(argv)
    sampler = TreeSampler(process.pid).start()
    status = process.wait()
    sampler.stop()
    print(
        f"exit {status}, wall {time.perf_counter() - t0:.1f} s, "
        f"peak summed PSS {sampler.peak_pss_mib:.0f} MiB, "
        f"peak summed RSS {sampler.peak_rss_mib:.0f} MiB, "
        f"at most {sampler.peak_processes} processes; "
        f"at the peak, (PSS, private dirty) MiB each: {sampler.at_peak}"
    )
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
