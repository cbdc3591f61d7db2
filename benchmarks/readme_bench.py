"""Time `catalog build --no-site` on a synthetic catalog against the bare C-loader parse.

Both are timed as whole processes (interpreter start included), best of --repeat runs; the
in-process split (load + validate, render) shows where the build's time goes.
Target (issue 4): README from 10,000 records in at most 3x the parse floor.

    .venv/bin/python benchmarks/readme_bench.py [-n 10000] [--repeat 3]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_catalog

from catalog.render.readme import render_readme
from catalog.validate import load_catalog

TARGET_RATIO = 3.0
FLOOR = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    with open(path, "rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
"""


def best_of(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


@click.command()
@click.option("-n", "--papers", "n", type=click.IntRange(min=1), default=10_000, show_default=True)
@click.option("--repeat", type=click.IntRange(min=1), default=3, show_default=True)
def main(n: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="readme-bench-") as tmp:
        data = Path(tmp) / "data"
        write_catalog(data, n, seed=0, duplicates=0)
        readme = Path(tmp) / "README.md"
        floor = best_of([sys.executable, "-c", FLOOR, str(data / "papers")], repeat)
        build = best_of(
            [sys.executable, "-m", "catalog", "build", "--no-site", "--data", str(data),
             "--readme", str(readme)],
            repeat,
        )  # fmt: skip
        start = time.perf_counter()
        catalog = load_catalog(data)
        loaded = time.perf_counter()
        assert catalog.config is not None and not catalog.diagnostics, catalog.diagnostics[:3]
        text = render_readme(catalog.papers, catalog.config, topics=catalog.topics.entries)
        rendered = time.perf_counter()
        size = len(text.encode("utf-8"))
        ratio = build / floor
        print(f"records:                     {n}")
        print(f"C-loader parse (process):    {floor:.3f} s")
        print(f"catalog build (process):     {build:.3f} s")
        print(f"  in-process load+validate:  {loaded - start:.3f} s")
        print(f"  in-process render:         {rendered - loaded:.3f} s")
        print(f"README size:                 {size} bytes ({size / 1024:.0f} KiB)")
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
        print(
            f"ratio build/parse:           {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x: {verdict})"
        )
        sys.exit(0 if ratio <= TARGET_RATIO else 1)


if __name__ == "__main__":
    main()
