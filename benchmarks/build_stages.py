"""Run `catalog build ARGS...` in this process and record when each stage starts.

    python benchmarks/build_stages.py MARKS_FILE build --data D --site S ...

MARKS_FILE gets one JSON list of {"stage", "wall", "cpu", "children_cpu", "sys", "gc",
"peak_mib", "children_peak_mib"}: the seconds since start (wall, this process's CPU, its
joined children's CPU, the kernel's part of both, and this process's CPU in the cyclic
garbage collector) and the peak resident memory so far, at the start of
each stage the build names (its progress steps) and at the end ("done"). The stages are the
ones `catalog build` shows as progress, so this is the real command, not a copy of it.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

START = time.perf_counter()
marks: list[dict[str, Any]] = []
collecting = {"seconds": 0.0, "since": 0.0}  # this process's CPU in the cyclic collector


def _collector(phase: str, info: dict[str, Any]) -> None:
    now = time.process_time()
    if phase == "start":
        collecting["since"] = now
    else:
        collecting["seconds"] += now - collecting["since"]


def mark(stage: str) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the page writers, once joined
    marks.append(
        {
            "stage": stage,
            "wall": round(time.perf_counter() - START, 3),
            "cpu": round(usage.ru_utime + usage.ru_stime, 3),
            "children_cpu": round(children.ru_utime + children.ru_stime, 3),
            "sys": round(usage.ru_stime + children.ru_stime, 3),  # the kernel's share of both
            "gc": round(collecting["seconds"], 3),
            "peak_mib": round(usage.ru_maxrss / 1024),
            "children_peak_mib": round(children.ru_maxrss / 1024),
        }
    )


def main() -> int:
    from catalog import output

    plain = output.progress

    @contextmanager
    def recorded(label: str, total: int | None = None, *, counted: bool = False) -> Iterator[Any]:
        with plain(label, total, counted=counted) as shown:
            shown.step = mark
            yield shown

    output.progress = recorded  # type: ignore[assignment]
    gc.callbacks.append(_collector)
    mark("start")
    from catalog.entry import main as catalog_main

    try:
        catalog_main(sys.argv[2:])
    except SystemExit as exit:
        status = int(exit.code or 0)
    else:
        status = 0
    mark("done")
    Path(sys.argv[1]).write_text(json.dumps(marks), encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
