"""Time `catalog import` of a synthetic 1,000-row list into a fresh `catalog init`, then
`catalog build`, as whole processes (interpreter start included), best of --repeat runs.

The list mixes the formats the importer reads: a table with other headers and venue-year
cells (`NeurIPS 2024`, `ICLR'24`, `N/A` codes) and a bulleted list (`- [Title](url) - Venue
2024 [code](url)`), under emoji and numbered headings, with a few repeats.
Target (issue 14): import + build of 1,000 rows within 5 s.

    .venv/bin/python benchmarks/import_bench.py [-n 1000] [--repeat 3] [--site/--no-site]
"""

from __future__ import annotations

import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

TARGET_SECONDS = 5.0
VENUES = [
    "NeurIPS 2024",
    "ICLR'24",
    "CVPR 2024 (Oral)",
    "ICML 2023",
    "arXiv",
    "ACL 2024",
    "NIPS 2022",
]
WORDS = [
    "low",
    "rank",
    "sparse",
    "adapter",
    "tuning",
    "efficient",
    "mixture",
    "experts",
    "vision",
    "language",
    "model",
]


def synthetic_list(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    lines = [
        "# Awesome Synthetic",
        "",
        "Rows for the import benchmark.",
        "",
        "## 🔥 1. Methods",
        "",
    ]
    lines += ["| Paper | Conference | Github |", "| --- | --- | --- |"]
    half = n // 2
    for i in range(n):
        title = f"Method{i}: " + " ".join(rng.choice(WORDS) for _ in range(6)).title()
        url = f"https://arxiv.org/abs/24{(i % 12) + 1:02d}.{i:05d}"
        code = f"[code](https://github.com/example/m{i})" if i % 3 else "N/A"
        venue = rng.choice(VENUES)
        if i == half:
            lines += ["", "## 2. More Methods", ""]
        if i < half:
            lines.append(f"| [{title}]({url}) | {venue} | {code} |")
        else:
            lines.append(f"- [{title}]({url}) - {venue} {code if i % 3 else ''}".rstrip())
    return "\n".join(lines) + "\n"


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one process: on a shared machine CPU time is the steadier one."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


@click.command()
@click.option("-n", "rows", default=1000, show_default=True)
@click.option("--repeat", default=3, show_default=True)
@click.option("--site/--no-site", default=True, show_default=True, help="Build the site too.")
def main(rows: int, repeat: int, site: bool) -> None:
    """Print the import, build and total times, and whether the total meets the target."""
    catalog = str(Path(sys.executable).parent / "catalog")
    best: tuple[tuple[float, float], tuple[float, float]] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "list.md"
        listing.write_text(synthetic_list(rows), encoding="utf-8")
        for run in range(repeat):
            root = Path(tmp) / f"run{run}"
            subprocess.run([catalog, "init", str(root)], check=True, capture_output=True)
            imported = timed([catalog, "import", str(listing)], root)
            built = timed([catalog, "build", *([] if site else ["--no-site"])], root)
            written = len(list((root / "data" / "papers").glob("*.yaml")))
            if best is None or imported[0] + built[0] < best[0][0] + best[1][0]:
                best = (imported, built)
            shutil.rmtree(root)
    assert best is not None
    (imported, imported_cpu), (built, built_cpu) = best
    total = imported + built
    verdict = "OK" if total <= TARGET_SECONDS else f"over the {TARGET_SECONDS:.0f} s target"
    what = "build" if site else "build --no-site"
    print(
        f"import {rows} rows ({written} records): {imported:.2f} s (CPU {imported_cpu:.2f} s); "
        f"{what}: {built:.2f} s (CPU {built_cpu:.2f} s); total {total:.2f} s "
        f"(CPU {imported_cpu + built_cpu:.2f} s)  {verdict}"
    )


if __name__ == "__main__":
    main()
