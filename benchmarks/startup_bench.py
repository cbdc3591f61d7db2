"""Start-up: `catalog --help` and `catalog validate` against a bare interpreter, paired in one run.

Every figure is a whole process (interpreter start included), run interleaved with its floor
so the machine's noise hits both alike; the median of --repeat rounds is reported.

- floor `python -c pass`: the interpreter alone;
- floor `python + parse`: the interpreter, `import yaml` and the C-loader parse of every file
  `catalog validate` reads (catalog.yaml, the registries, topics.yaml and facts.yaml when
  present, and the records), nothing else;
- `catalog --help` (target: at most 3x `python -c pass`);
- `catalog validate` on the data folder (target: at most 2.5x `python + parse`),
both through the console script next to the interpreter (.venv/bin/catalog), as a user runs them.

A user's interpreter loads the package from bytecode (.pyc, written by pip at install time or
by the first run); with PYTHONDONTWRITEBYTECODE set (as in some CI and agent shells) every run
would compile the package's sources again (~35 ms), so the warm-up run writes them.

It also lists the heavy packages each command imported, so a regression in lazy start-up shows
by name, not only as milliseconds.

`catalog validate` parses its files in a forked child while it imports pydantic
(catalog/read_ahead.py) when a core is free at that moment (nothing else runnable), else
in one process: the child's CPU counts in `cpu ms` (a process's children are in its rusage).
Plainly written files are read without PyYAML (catalog/yaml_lines.py), so `yaml` in the
import list means some file needed the C loader; the list also says whether the probe run
read ahead (the parent then never imports the line reader: the child used it).

    .venv/bin/python benchmarks/startup_bench.py [--data data] [--repeat 21] [--json out.json]
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import click

HELP_TARGET = 3.0
VALIDATE_TARGET = 2.5
HEAVY = ("pydantic", "jinja2", "pycurl", "requests", "mkdocs", "material", "rich", "yaml")
PARSE = """
import sys, yaml
from pathlib import Path
data = Path(sys.argv[1])
names = ("catalog.yaml", "venues.yaml", "keywords.yaml", "topics.yaml", "facts.yaml")
paths = [data / n for n in names if (data / n).exists()]
paths += sorted((data / "papers").glob("*.yaml"))
for path in paths:
    with open(path, "rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
"""
IMPORTED = """
import sys
from catalog.entry import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = {m.split(".")[0] for m in sys.modules} & set(sys.argv[0].split(","))
if "validate" in sys.argv[1:] and "catalog.yaml_lines" not in sys.modules:
    heavy.add("(read ahead)")
print(",".join(sorted(heavy)), file=sys.stderr)
"""


def _write_bytecode(cmd: list[str]) -> None:
    """One run that writes the .pyc files a normal interpreter writes (see the docstring)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def _time(cmd: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; CPU (user + system of the child) is what the noise of a
    shared machine disturbs least."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def imported(args: list[str]) -> list[str]:
    """The heavy packages a command imports (run in a child, so nothing is cached here)."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORTED.replace("sys.argv[0]", repr(",".join(HEAVY))), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    last = done.stderr.strip().splitlines()[-1:] or [""]
    return [name for name in last[0].split(",") if name]


@click.command()
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path("data"),
    show_default=True,
)
@click.option("--repeat", type=click.IntRange(min=3), default=21, show_default=True)
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False))
def main(data: Path, repeat: int, json_path: Path | None) -> None:
    python = sys.executable
    script = str(Path(python).with_name("catalog"))  # the console script a user runs
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "python + parse": [python, "-c", PARSE, str(data)],
        "catalog --help": [script, "--help"],
        "catalog validate": [script, "validate", "--data", str(data)],
    }
    for cmd in commands.values():  # warm the OS caches and .pyc files once
        _write_bytecode(cmd)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            samples[name].append(_time(cmd))
    ms = {name: statistics.median(w for w, _ in runs) * 1000 for name, runs in samples.items()}
    cpu = {name: statistics.median(c for _, c in runs) * 1000 for name, runs in samples.items()}
    names = ("catalog.yaml", "venues.yaml", "keywords.yaml", "topics.yaml", "facts.yaml")
    files = sum((data / n).exists() for n in names) + len(list((data / "papers").glob("*.yaml")))
    pairs = {"catalog --help": "python -c pass", "catalog validate": "python + parse"}
    ratio = {name: ms[name] / ms[floor] for name, floor in pairs.items()}
    cpu_ratio = {name: cpu[name] / cpu[floor] for name, floor in pairs.items()}
    targets = {"catalog --help": HELP_TARGET, "catalog validate": VALIDATE_TARGET}
    print(
        f"start-up, median of {repeat} interleaved runs ({sys.version.split()[0]}, {files} files)"
    )
    print(f"{'command':<18} {'wall ms':>8} {'cpu ms':>8}  {'wall x':>7} {'cpu x':>7}  target")
    for name in commands:
        line = f"{name:<18} {ms[name]:>8.1f} {cpu[name]:>8.1f}"
        if name in pairs:
            line += f"  {ratio[name]:>7.2f} {cpu_ratio[name]:>7.2f}  <= {targets[name]}x"
            line += f" {pairs[name]}"
        print(line)
    heavy = {
        "catalog --help": imported(["--help"]),
        "catalog validate": imported(["validate", "--data", str(data)]),
    }
    for name, modules in heavy.items():
        print(f"{name} imports: {', '.join(modules) or 'none of ' + ', '.join(HEAVY)}")
    result = {
        "repeat": repeat,
        "files": files,
        "median_wall_ms": ms,
        "median_cpu_ms": cpu,
        "wall_ratio": ratio,
        "cpu_ratio": cpu_ratio,
        "targets": targets,
        "heavy_imports": heavy,
        "met": {name: ratio[name] <= targets[name] for name in pairs},
    }
    print(json.dumps(result, indent=2))
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
