"""Instructions, not seconds: the site stages that run in the build's own process (pages,
related papers), counted by valgrind's callgrind at each size, and their growth.

On these shared 2-core VMs one stage's CPU time varies by +-15% from run to run (the pages
stage of 10,000 papers: 109-151 us a paper over five rounds in one process), so its growth
from 10,000 to 100,000 papers (target: <= 11x, benchmarks/site_bench.py --whole) moves by
as much between runs of the same code. An instruction count does not: it tells whether a
stage does 10x the work at 10x the papers, so what is left of a ratio over 10x is the
machine (caches, memory, neighbours), not the code. Measured: 10,000 -> 100,000 papers,
pages 4.70G -> 47.12G (10.03x), related papers 3.24G -> 32.46G (10.01x); 1,000 -> 10,000:
9.80x and 9.70x (the fixed part: templates, the statistics page).

Loading runs uninstrumented; only the stages are counted (a small C helper issues
callgrind's client requests at each stage's start and end: it is compiled here with the
system's cc and <valgrind/callgrind.h>; without them or valgrind the benchmark says so and
stops). The package is byte-compiled first, as an installed copy is. Slow: ~50x the
stages' CPU time (10,000 papers ~2.5 min, 100,000 ~25 min, on one core).

    .venv/bin/python benchmarks/stage_instructions.py --sizes 1000,10000 --work build/bench-site
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bytecode import compile_package
from synth import clean_catalog

HELPER_C = """#include <valgrind/callgrind.h>
void stage_start(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_ZERO_STATS; }
void stage_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
void stage_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""
# Run under callgrind: load the catalog, then count build_pages stage by stage.
CHILD = """
import ctypes, gc, sys
from pathlib import Path
from catalog import collector
from catalog.render.pages import build_pages
from catalog.validate import load_catalog

helper = ctypes.CDLL(sys.argv[1])
catalog = load_catalog(Path(sys.argv[2]))
catalog.forget_sources()
stages = ["pages"]

def step(name):
    helper.stage_dump(stages[-1].encode())
    stages.append(name)

helper.stage_start()
with collector.paused():  # as catalog/render/site.py builds them
    build_pages(catalog, step=step)
helper.stage_dump(stages[-1].encode())
helper.stage_stop()
"""


def helper_library(folder: Path) -> Path | None:
    """The client-request helper, compiled into folder (None: no cc or no callgrind.h)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    source, library = folder / "stages.c", folder / "libstages.so"
    source.write_text(HELPER_C, encoding="utf-8")
    built = subprocess.run(
        [cc, "-O2", "-shared", "-fPIC", "-o", str(library), str(source)],
        capture_output=True,
        text=True,
    )
    return library if built.returncode == 0 else None


def count(data: Path, helper: Path, folder: Path) -> dict[str, int]:
    """Each stage's instructions for one catalog (stage name -> Ir)."""
    out = folder / "callgrind.out"
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
         sys.executable, "-c", CHILD, str(helper), str(data)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    stages: dict[str, int] = {}
    for dump in sorted(folder.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:])):
        name = total = None
        for line in dump.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("desc: Trigger: Client Request: "):
                name = line.removeprefix("desc: Trigger: Client Request: ")
            elif line.startswith("summary: "):
                total = int(line.split()[1])
        if name is not None and total is not None:
            stages[name] = total
        dump.unlink()
    out.unlink(missing_ok=True)
    return stages


def growth(rows: list[dict[str, Any]]) -> list[str]:
    """Each stage's instructions at the larger size as a multiple of the smaller's."""
    lines = []
    for small, large in itertools.pairwise(rows):
        for stage, ir in large["stages"].items():
            base = small["stages"].get(stage)
            if base:
                lines.append(
                    f"{stage:>16}: {small['papers']:>7} -> {large['papers']:>7}: "
                    f"{base / 1e9:7.3f}G -> {ir / 1e9:7.3f}G instructions ({ir / base:5.2f}x)"
                )
    return lines


@click.command()
@click.option("--sizes", default="1000,10000", show_default=True)
@click.option("--work", type=click.Path(path_type=Path), default=Path("build/bench-site"))
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Also write JSON here.")
def main(sizes: str, work: Path, json_out: Path | None) -> None:
    if shutil.which("valgrind") is None:
        raise click.ClickException("valgrind is not installed: no instruction counts")
    compile_package()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        helper = helper_library(Path(scratch))
        if helper is None:
            raise click.ClickException("no C compiler or <valgrind/callgrind.h>: no counts")
        for papers in sorted(int(x) for x in sizes.split(",") if x):
            stages = count(clean_catalog(work, papers), helper, Path(scratch))
            rows.append({"papers": papers, "stages": stages})
            per_paper = {name: round(ir / papers) for name, ir in stages.items()}
            print(f"{papers} papers: instructions per paper {per_paper}", file=sys.stderr)
    for line in growth(rows):
        print(line, file=sys.stderr)
    document = json.dumps({"instructions": rows})
    if json_out is not None:
        json_out.write_text(document, encoding="utf-8")
    print(document)


if __name__ == "__main__":
    main()
