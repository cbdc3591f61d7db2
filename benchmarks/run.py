"""Time every stage of the catalog on synthetic catalogs, each beside the floor it can't beat.

    .venv/bin/python benchmarks/run.py [--sizes 1000,10000,100000] [--json FILE]

For each size it writes a synthetic catalog (benchmarks/synth.py, cached under the work dir)
and runs, each in a fresh process whose wall time and peak RSS are measured (os.wait4):

- `catalog validate`, `catalog dedupe`, `catalog build --no-site --readme`, each also timed
  in-process (benchmarks/probe.py) so the stage's own share shows apart from loading;
  floor: a bare `yaml.load(..., Loader=yaml.CSafeLoader)` loop over the same files;
- `catalog build --site` up to --site-max; floor: mkdocs-material building as many bare pages;
- `catalog check-links` up to --links-max against local servers on 127.0.0.2-11 that answer
  after --latency; floor: URLs x latency / concurrency.

Prints a table, checks the targets from issue 8, and writes everything as JSON.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click
import yaml
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.synth import MARKER, write_catalog  # noqa: E402
from catalog.records import dump_record  # noqa: E402

PYTHON = sys.executable
CATALOG = str(Path(PYTHON).with_name("catalog"))
PROBE = str(REPO / "benchmarks" / "probe.py")
LINK_HOSTS = [f"127.0.0.{i}" for i in range(2, 12)]
err = Console(stderr=True)


@dataclass
class Measure:
    """One child process: wall seconds, peak resident memory and what it printed."""

    seconds: float
    rss_mib: float
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Row:
    size: int
    stage: str
    status: str = "ok"  # ok | failed
    seconds: float | None = None  # whole process
    inproc: float | None = None  # the stage's own work inside one process (after loading)
    load: float | None = None  # load + validate inside that process
    rss_mib: float | None = None
    floor: str = ""
    floor_seconds: float | None = None
    floor_inproc: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.floor_seconds:
            return None
        return self.seconds / self.floor_seconds


@dataclass
class Check:
    target: str
    value: str
    ok: bool | None  # None: could not be measured


@dataclass
class Report:
    machine: dict[str, Any]
    sizes: list[int]
    rows: list[Row] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    def row(self, size: int, stage: str) -> Row | None:
        return next((r for r in self.rows if r.size == size and r.stage == stage), None)


def run_process(cmd: list[str], cwd: Path | None = None, timeout: float = 3600) -> Measure:
    """Run cmd to completion; its own peak RSS comes from wait4, not from RUSAGE_CHILDREN."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errf:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=errf, stdin=subprocess.DEVNULL, cwd=cwd)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
            time.sleep(0.002)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        errf.seek(0)
        return Measure(
            seconds,
            usage.ru_maxrss / 1024,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            errf.read().decode("utf-8", "replace"),
        )


def best(cmd: list[str], repeat: int, cwd: Path | None = None) -> Measure:
    """The fastest of `repeat` runs (noise only ever adds time); peak RSS is the largest."""
    runs = [run_process(cmd, cwd) for _ in range(repeat)]
    fastest = min(runs, key=lambda m: m.seconds)
    fastest.rss_mib = max(m.rss_mib for m in runs)
    return fastest


def machine_info() -> dict[str, Any]:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal"):
                mem_kib = int(line.split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libyaml": yaml.__with_libyaml__,
    }


def synth_catalog(work: Path, n: int, seed: int, duplicates: int | None = None) -> Path:
    """A synthetic data folder for n records, reused when an earlier run wrote the same one.

    With duplicates=None, 1% of the records are planted duplicates (validate and dedupe run
    on that one); the README, the site and the links need a catalog that validates (0).
    """
    root = (
        work / f"synth-{n}-seed{seed}"
        if duplicates is None
        else work / f"synth-{n}-seed{seed}-dups{duplicates}"
    )
    if (root / MARKER).is_file():
        return root
    if root.exists():
        shutil.rmtree(root)
    err.log(f"writing a synthetic catalog of {n} records to {root}")
    write_catalog(root, n, seed, duplicates)  # writes the marker last
    return root


def planted(data: Path) -> int:
    return int(json.loads((data / MARKER).read_text(encoding="utf-8"))["duplicates"])


def probe(stage: str, data: Path, repeat: int) -> tuple[Measure, dict[str, Any] | None]:
    measure = best([PYTHON, PROBE, stage, str(data)], repeat)
    if measure.returncode != 0:
        return measure, None
    return measure, json.loads(measure.stdout)


def failure(measure: Measure) -> str:
    lines = (measure.stderr or measure.stdout).strip().splitlines()
    return f"exit {measure.returncode}: {lines[-1][:150] if lines else ''}"


def parse_floor(report: Report, n: int, data: Path, repeat: int, label: str) -> Row:
    """The floor row: a bare C-loader parse of the same record files, in its own process."""
    measure, result = probe("parse", data, max(repeat, 2))  # the first run warms the cache
    if result is None:
        raise click.ClickException(f"parse floor failed: {failure(measure)}")
    row = Row(n, label, seconds=measure.seconds, inproc=result["load"], load=result["load"],
              rss_mib=measure.rss_mib, floor="(this is the floor)")  # fmt: skip
    report.rows.append(row)
    return row


def bench_core(report: Report, n: int, dups: Path, clean: Path, repeat: int) -> None:
    """Validate and dedupe (on the catalog with planted duplicates) and the README (on the
    clean one), each beside the parse floor of its catalog: process and in-process times."""
    floors = {
        dups: parse_floor(report, n, dups, repeat, "parse floor"),
        clean: parse_floor(report, n, clean, repeat, "parse floor (0 dups)"),
    }
    out = clean.parent / f"out-{n}"
    out.mkdir(exist_ok=True)
    readme_md = str(out / "README.md")
    stages = {
        "validate": (dups, ["validate", "--format", "json"]),
        "dedupe": (dups, ["dedupe", "--format", "json"]),
        "readme": (clean, ["build", "--no-site", "--readme", readme_md]),
    }
    for stage, (data, args) in stages.items():
        floor = floors[data]
        row = Row(n, stage, floor="C-loader parse", floor_seconds=floor.seconds,
                  floor_inproc=floor.inproc)  # fmt: skip
        report.rows.append(row)
        err.log(f"{n}: {stage}")
        measure = best([CATALOG, *args, "--data", str(data)], repeat)
        row.seconds, row.rss_mib = measure.seconds, measure.rss_mib
        row.note, ok = _check_output(stage, measure, data)
        if not ok:
            row.status = "failed"
            continue
        probe_m, result = probe(stage, data, repeat)
        if result is None:
            row.note = (row.note + "; " if row.note else "") + f"in-process: {failure(probe_m)}"
            continue
        row.load = result["load"]
        row.inproc = result["load"] if stage == "validate" else result["stage"]
        row.rss_mib = max(row.rss_mib or 0, probe_m.rss_mib)


def _check_output(stage: str, measure: Measure, data: Path) -> tuple[str, bool]:
    """Did the command do its job? Validate and dedupe must find exactly the planted copies."""
    expected = planted(data)
    if stage == "validate":
        try:
            codes = [d["code"] for d in json.loads(measure.stdout)["diagnostics"]]
        except (ValueError, KeyError, TypeError):
            return f"output not understood; {failure(measure)}", False
        found = codes.count("duplicate-paper")
        others = len(codes) - found
        note = f"{found} duplicate-paper errors, {expected} planted"
        if others or found != expected:
            return f"{note}, {others} other diagnostics (!)", False
        return note, True
    if stage == "dedupe":
        return _dedupe_note(measure.stdout, data)
    if measure.returncode != 0:
        return failure(measure), False
    return "", True


def _dedupe_note(stdout: str, data: Path) -> tuple[str, bool]:
    expected = planted(data)
    try:
        groups = len(json.loads(stdout)["groups"])
    except (ValueError, KeyError, TypeError):
        return f"output not understood ({expected} planted)", False
    return f"{groups} groups found, {expected} planted", groups == expected


def bench_site(report: Report, n: int, data: Path, repeat: int) -> None:
    row = Row(n, "site", floor="mkdocs, bare pages")
    report.rows.append(row)
    out = data.parent / f"out-{n}"
    err.log(f"{n}: site")
    measure = best(
        [CATALOG, "build", "--data", str(data), "--site", str(out / "site"),
         "--readme", str(out / "README-site.md")],
        repeat,
    )  # fmt: skip
    row.seconds, row.rss_mib = measure.seconds, measure.rss_mib
    if measure.returncode != 0:
        row.status, row.note = "failed", failure(measure)
    err.log(f"{n}: site floor (mkdocs, {n} bare pages)")
    bare = bare_mkdocs_project(data.parent / f"bare-site-{n}", n)
    floor = best(
        [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(bare / "mkdocs.yml"),
         "-d", str(bare / "out")],
        repeat,
    )  # fmt: skip
    row.floor_seconds = floor.seconds if floor.returncode == 0 else None
    if floor.returncode != 0:
        row.note += f" floor {failure(floor)}"


def bare_mkdocs_project(root: Path, n: int) -> Path:
    """mkdocs-material with n one-paragraph pages kept out of nav: the site's floor."""
    if (root / "mkdocs.yml").is_file():
        return root
    docs = root / "docs" / "papers"
    docs.mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Papers\n\nBare pages.\n", encoding="utf-8")
    for i in range(n):
        (docs / f"p{i}.md").write_text(f"# Paper {i}\n\nA paper.\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: bare\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n"
        "nav:\n  - index.md\nnot_in_nav: |\n  /papers/\n",
        encoding="utf-8",
    )
    return root


class _SlowHandler(BaseHTTPRequestHandler):
    """Answers 200 with an empty body after the server's latency; keeps connections alive."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        time.sleep(self.server.latency)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = _answer
    do_GET = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def latency_servers(latency: float) -> Iterator[int]:
    """One threaded server per loopback host (127.0.0.2-11), all on one free port."""
    servers: list[ThreadingHTTPServer] = []
    port = 0
    try:
        for host in LINK_HOSTS:
            server = ThreadingHTTPServer((host, port), _SlowHandler)
            server.daemon_threads = True
            server.latency = latency  # type: ignore[attr-defined]
            server.request_queue_size = 512
            port = server.server_address[1]
            servers.append(server)
            threading.Thread(target=server.serve_forever, daemon=True).start()
        yield port
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def link_catalog(data: Path, root: Path, port: int) -> tuple[Path, int]:
    """A copy of `data` whose links point at the local hosts instead of the internet."""
    if root.exists():
        shutil.rmtree(root)
    (root / "papers").mkdir(parents=True)
    for name in ("catalog.yaml", "venues.yaml", "keywords.yaml"):
        shutil.copy(data / name, root / name)
    urls = set()
    for path in sorted((data / "papers").glob("*.yaml")):
        fields = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        host = LINK_HOSTS[zlib.crc32(path.stem.encode()) % len(LINK_HOSTS)]
        fields["links"] = {
            kind: f"http://{host}:{port}/{path.stem}/{kind}" for kind in fields["links"]
        }
        urls.update(fields["links"].values())
        (root / "papers" / path.name).write_text(dump_record(fields), encoding="utf-8")
    return root, len(urls)


def bench_links(
    report: Report, n: int, data: Path, latency: float, concurrency: int, per_host: int,
) -> None:  # fmt: skip
    row = Row(n, "links", floor="URLs x latency / concurrency")
    report.rows.append(row)
    cache = data.parent / f"links-{n}.cache.json"
    cache.unlink(missing_ok=True)
    with latency_servers(latency) as port:
        root, count = link_catalog(data, data.parent / f"links-{n}", port)
        cmd = [CATALOG, "check-links", "--data", str(root), "--format", "json", "--allow-private",
               "--concurrency", str(concurrency), "--per-host", str(per_host),
               "--cache", str(cache)]  # fmt: skip
        err.log(f"{n}: links ({count} URLs, {latency * 1000:.0f} ms each)")
        measure = run_process(cmd)
    parallel = min(concurrency, per_host * len(LINK_HOSTS))
    row.floor_seconds = count * latency / parallel
    row.seconds, row.rss_mib = measure.seconds, measure.rss_mib
    row.note = f"{count} URLs, {parallel} at a time"
    if measure.returncode != 0:
        row.status, row.note = "failed", f"{row.note}; {failure(measure)}"


def check_targets(report: Report) -> None:
    """The targets of issue 8, each with the figure it was judged on."""
    checks = report.checks

    def ratio_check(stage: str, limit: float) -> None:
        row = report.row(10_000, stage)
        ratio = row.ratio if row and row.status == "ok" else None
        checks.append(
            Check(
                f"{stage} <= {limit:g}x parse floor at 10k (whole process)",
                f"{ratio:.2f}x" if ratio else "not measured",
                ratio <= limit if ratio else None,
            )
        )

    ratio_check("validate", 2)
    ratio_check("readme", 3)
    row = report.row(100_000, "dedupe")
    ok = row is not None and row.status == "ok" and row.inproc is not None
    checks.append(
        Check(
            "dedupe of 100k < 1 s beyond loading",
            f"{row.inproc:.3f} s" if ok and row and row.inproc is not None else "not measured",
            (row.inproc < 1.0) if ok and row and row.inproc is not None else None,
        )
    )
    mem = [r.rss_mib for r in report.rows if r.size == 100_000 and r.stage in ("validate", "dedupe")
           and r.status == "ok" and r.rss_mib]  # fmt: skip
    checks.append(
        Check(
            "100k validate + dedupe <= 1 GiB RSS",
            f"{max(mem):.0f} MiB" if mem else "not measured",
            max(mem) <= 1024 if mem else None,
        )
    )
    row = report.row(10_000, "site")
    ok = row is not None and row.status == "ok" and row.seconds is not None
    checks.append(
        Check(
            "site at 10k <= 30 s",
            f"{row.seconds:.1f} s" if ok and row and row.seconds else "not measured",
            (row.seconds <= 30) if ok and row and row.seconds else None,
        )
    )
    for stage in ("validate", "dedupe", "readme", "site", "links"):
        for small in report.sizes:
            big = small * 10
            a, b = report.row(small, stage), report.row(big, stage)
            if not (a and b and a.status == b.status == "ok" and a.seconds and b.seconds):
                continue
            # the stage's own in-process time when it is large enough to measure, else the
            # whole process (whose fixed start-up cost makes growth look better than it is)
            use_inproc = a.inproc is not None and b.inproc is not None and a.inproc >= 0.05
            x, y = (a.inproc, b.inproc) if use_inproc else (a.seconds, b.seconds)
            assert x is not None and y is not None
            growth = y / x
            checks.append(
                Check(
                    f"{stage}: {big:,} vs {small:,} records <= 12x time",
                    f"{growth:.1f}x ({'in-process' if use_inproc else 'process'})",
                    growth <= 12,
                )
            )


def fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


HEADERS = ("records", "stage", "process s", "floor s", "x floor", "in-process s", "load s",
           "peak MiB", "notes")  # fmt: skip


def table_rows(report: Report) -> list[tuple[str, ...]]:
    rows = []
    for r in report.rows:
        if r.status != "ok":
            rows.append((f"{r.size:,}", r.stage, "", fmt(r.floor_seconds), "", "", "", "",
                         f"{r.status}: {r.note}"))  # fmt: skip
            continue
        rows.append((
            f"{r.size:,}", r.stage, fmt(r.seconds), fmt(r.floor_seconds),
            fmt(r.ratio, 1), fmt(r.inproc, 3), fmt(r.load), fmt(r.rss_mib, 0), r.note,
        ))  # fmt: skip
    return rows


def title(report: Report) -> str:
    m = report.machine
    return (
        f"{m['cpus']} cores ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}, "
        f"libyaml {'yes' if m['libyaml'] else 'NO'}"
    )


VERDICT = {True: "met", False: "MISSED", None: "n/a"}


def print_report(report: Report, console: Console) -> None:
    table = Table(title=f"catalog benchmarks: {title(report)}")
    for name in HEADERS:
        table.add_column(name, justify="left" if name in ("stage", "notes") else "right")
    for row in table_rows(report):
        table.add_row(*row)
    console.print(table)
    checks = Table(title="targets (issue 8)")
    for name in ("target", "measured", "verdict"):
        checks.add_column(name)
    for c in report.checks:
        colour = {True: "green", False: "red", None: "yellow"}[c.ok]
        checks.add_row(c.target, c.value, f"[{colour}]{VERDICT[c.ok]}[/]")
    console.print(checks)


def markdown_report(report: Report) -> str:
    """The same tables in GitHub markdown, for CONTRIBUTING.md's Performance section."""

    def table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
        rule = ["---" if h in ("stage", "notes", "target", "measured", "verdict") else "---:"
                for h in headers]  # fmt: skip
        lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
        return lines + ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]

    checks = [(c.target, c.value, VERDICT[c.ok]) for c in report.checks]
    body = [f"Machine: {title(report)}.", "", *table(HEADERS, table_rows(report)), ""]
    body += table(("target", "measured", "verdict"), checks)
    return "\n".join(body) + "\n"


def load_report(path: Path) -> Report:
    data = json.loads(path.read_text(encoding="utf-8"))
    report = Report(data["machine"], data["sizes"])
    report.rows = [Row(**{k: v for k, v in r.items() if k != "ratio"}) for r in data["rows"]]
    report.checks = [Check(**c) for c in data["checks"]]
    return report


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--sizes", default="1000,10000,100000", show_default=True,
              help="Comma-separated catalog sizes (records).")  # fmt: skip
@click.option("--json", "json_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the figures as JSON here.")  # fmt: skip
@click.option("--work", type=click.Path(path_type=Path, file_okay=False),
              default=REPO / "build" / "bench", show_default=True,
              help="Where synthetic catalogs and outputs go (reused between runs).")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--repeat", type=click.IntRange(min=1), default=1, show_default=True,
              help="Runs per measurement; the fastest counts.")  # fmt: skip
@click.option("--site-max", type=int, default=10_000, show_default=True)
@click.option("--links-max", type=int, default=10_000, show_default=True)
@click.option("--latency", type=float, default=0.1, show_default=True, help="Seconds per link.")
@click.option("--concurrency", type=int, default=80, show_default=True)
@click.option("--per-host", type=int, default=8, show_default=True)
@click.option("--markdown", is_flag=True, help="Print markdown tables instead of rich ones.")
@click.option("--from-json", "from_json", help="Measure nothing: print an earlier --json's tables.",
              type=click.Path(path_type=Path, dir_okay=False, exists=True))  # fmt: skip
def main(
    sizes: str, json_file: Path | None, work: Path, seed: int, repeat: int, site_max: int,
    links_max: int, latency: float, concurrency: int, per_host: int, markdown: bool,
    from_json: Path | None,
) -> None:  # fmt: skip
    """Time each stage of the catalog on synthetic catalogs of the given sizes."""
    if from_json:
        report = load_report(from_json)
        if markdown:
            click.echo(markdown_report(report), nl=False)
        else:
            print_report(report, Console(width=200))
        return
    try:
        size_list = sorted({int(s) for s in sizes.split(",") if s.strip()})
    except ValueError as exc:
        raise click.BadParameter(f"expected numbers, got {sizes!r}", param_hint="--sizes") from exc
    work.mkdir(parents=True, exist_ok=True)
    report = Report(machine_info(), size_list)
    for n in size_list:
        dups = synth_catalog(work, n, seed)
        clean = synth_catalog(work, n, seed, duplicates=0)
        bench_core(report, n, dups, clean, repeat)
        if n <= site_max:
            bench_site(report, n, clean, repeat)
        if n <= links_max:
            bench_links(report, n, clean, latency, concurrency, per_host)
    check_targets(report)
    if markdown:
        click.echo(markdown_report(report), nl=False)
    else:
        print_report(report, Console(width=200))
    if json_file:
        payload = {
            "machine": report.machine,
            "sizes": report.sizes,
            "rows": [asdict(r) | {"ratio": r.ratio} for r in report.rows],
            "checks": [asdict(c) for c in report.checks],
        }
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        err.log(f"wrote {json_file}")


if __name__ == "__main__":
    main()
