"""check-links starts checking while the records are read, reads only their links (no
validator), and a 429 window on one host never holds back the others: against real local
servers."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from links_server import ok, redirect, serve, slow, status
from test_links_check import settings

from catalog.cli import main
from catalog.links.collect import collect
from catalog.links.feed import FIRST_BATCH, LinkFeed
from catalog.links.read import OnRecord, read_links
from catalog.links.report import LinkReport, to_json
from catalog.links.run import CheckOptions, check_links
from catalog.validate import load_catalog
from tests.conftest import REPO

CASES = {
    "/ok": ok,
    "/gone": status(404),
    "/moved": redirect(301, "/ok"),
    "/forbidden": status(403),
    "/down": status(503),
}


def _same(report: LinkReport) -> dict[str, Any]:
    """A report without its timings (they differ from run to run)."""
    doc = to_json(report)
    for result in doc["results"]:
        result.pop("elapsed_ms")
    doc["summary"].pop("elapsed_ms")
    return doc


def test_a_feed_gives_the_report_the_validated_catalog_gives(catalog_dir: Any) -> None:
    with serve(CASES) as server:
        for i, path in enumerate(CASES):
            catalog_dir.add(f"p{i:02d}", links={"paper": server.base + path})
        shared = {"paper": f"{server.base}/ok", "code": f"{server.base}/gone"}
        catalog_dir.add("shared-a", links=shared)
        catalog_dir.add("shared-b", links=shared)
        bad = {"paper": f"{server.base}/ok?bad", "code": "htps://github.com/x"}
        catalog_dir.add("bad", links=bad)
        options = CheckOptions(settings=settings(), env={})
        catalog = load_catalog(catalog_dir.path)
        mapped = check_links(collect(catalog), options)
        feed = LinkFeed(catalog_dir.path)
        fed = check_links(feed, options)
    assert _same(fed) == _same(mapped)
    assert len(fed.results) == len(CASES)  # the shared ones once; none of the invalid one
    # the same error as validate's, word for word, at the same place
    (error,) = feed.errors
    assert error.code == "bad-url" and error.path == str(catalog_dir.papers / "bad.yaml")
    assert error in catalog.diagnostics
    assert [ref.record for ref in fed.sources[f"{server.base}/ok"]] == [
        "p00",
        "shared-a",
        "shared-b",
    ]


def test_the_first_links_are_requested_while_the_rest_is_still_read(catalog_dir: Any) -> None:
    asked = threading.Event()

    def first(h: Any) -> None:
        asked.set()
        ok(h)

    with serve({"/first": first, "/p*": ok}) as server:
        catalog_dir.add("a-first", links={"paper": f"{server.base}/first"})
        for i in range(8):
            catalog_dir.add(f"p{i}", links={"paper": f"{server.base}/p{i}"})
        waited: list[bool] = []

        def read(data: Path, on_record: OnRecord) -> Any:
            def each(record: str, links: Any) -> None:
                on_record(record, links)
                if record == f"p{FIRST_BATCH - 2}":  # the first batch is out: a-first...
                    waited.append(asked.wait(10))

            return read_links(data, each)

        feed = LinkFeed(catalog_dir.path, read=read)
        report = check_links(feed, CheckOptions(settings=settings(), env={}))
    assert waited == [True]  # asked while the other records were not read yet
    assert {r.status for r in report.results} == {"ok"} and len(report.results) == 9


def test_a_record_whose_links_are_bad_is_a_file_line_error_and_its_links_are_not_asked(
    catalog_dir: Any,
) -> None:
    with serve({"/good": ok, "/other": ok, "/bad": ok, "/unknown": ok}) as server:
        catalog_dir.add("good", links={"paper": f"{server.base}/good"})
        # an error outside the links is `validate`'s: the links are still checked
        catalog_dir.add("other", links={"paper": f"{server.base}/other"}, colour="red")
        catalog_dir.add("bad", links={"paper": f"{server.base}/bad", "code": "https//x.org/y"})
        catalog_dir.add("unknown", links={"paper": f"{server.base}/unknown", "cod": "x"})
        catalog_dir.add("broken", "title: [unclosed\n")
        catalog_dir.add("nolinks", "title: No Links\nyear: 2022\n")
        args = ["check-links", "--data", str(catalog_dir.path), "--allow-private", "-q"]
        done = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
        hits = dict(server.state.hits)
    assert done.exit_code == 1, done.output
    assert hits == {"/good": 1, "/other": 1}
    papers = catalog_dir.papers
    lines = sorted(done.stderr.splitlines())
    assert lines[0].startswith(f"{papers / 'bad.yaml'}:7:9: error[bad-url] links.code: ")
    assert "(hint: https://x.org/y)" in lines[0]
    assert lines[1].startswith(f"{papers / 'broken.yaml'}:2:1: error[yaml-syntax]")
    assert lines[2].startswith(f"{papers / 'nolinks.yaml'}:1:1: error[missing-field] links:")
    assert lines[3].startswith(f"{papers / 'unknown.yaml'}:7:3: error[unknown-field] links.cod:")
    assert "did you mean 'code'?" in lines[3] and len(lines) == 4
    assert "4 error(s) in the records' links" in done.stdout  # a note in the JSON report


def test_with_only_some_records_only_their_errors_count(catalog_dir: Any) -> None:
    with serve({"/a": ok}) as server:
        catalog_dir.add("a", links={"paper": f"{server.base}/a"})
        catalog_dir.add("bad", links={"paper": "https//x.org/y"})
        checked = LinkFeed(catalog_dir.path, only={"a"})
        check_links(checked, CheckOptions(settings=settings(), env={}))
        changed = LinkFeed(catalog_dir.path, only={"a", "bad"})
        check_links(changed, CheckOptions(settings=settings(), env={}))
    assert checked.errors == [] and list(checked.links()) == [f"{server.base}/a"]
    assert [e.code for e in changed.errors] == ["bad-url"]


PROBE = """
import sys
from catalog.entry import main
try:
    code = main(sys.argv[1:])  # check-links returns (fast_cli), click exits
except SystemExit as exc:
    code = exc.code
print(code, sorted({m.split(".")[0] for m in sys.modules}), file=sys.stderr)
"""


def test_a_cold_run_imports_no_pydantic_no_validator_and_no_yaml(catalog_dir: Any) -> None:
    with serve({"/a": ok}) as server:
        catalog_dir.add("a", links={"paper": f"{server.base}/a"})
        args = ["check-links", "--data", str(catalog_dir.path), "--allow-private"]
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        )
        hits = dict(server.state.hits)
    code, _, modules = done.stderr.strip().splitlines()[-1].partition(" ")
    assert code == "0" and hits == {"/a": 1}, done.stderr
    assert "'pycurl'" in modules
    assert "'yaml'" not in modules  # a plainly written record is read without PyYAML
    assert "'pydantic'" not in modules and "'pydantic_core'" not in modules


def test_a_429_window_on_one_host_does_not_hold_back_the_others(catalog_dir: Any) -> None:
    """Host one says 429 (Retry-After: 2) to its first requests; the run's 2 slots are not
    spent waiting: host two's 8 links are all checked inside the window."""

    def limited(h: Any) -> None:
        if time.monotonic() - h.server.state.times["/x0"][0] < 2:
            h.reply(429, {"Retry-After": "2"})
        else:
            ok(h)

    with serve({"/x*": limited}) as one, serve({"/p*": slow(0.05)}, "127.0.0.2") as two:
        for i in range(2):
            catalog_dir.add(f"a{i}", links={"paper": f"{one.base}/x{i}"})
        for i in range(8):
            catalog_dir.add(f"b{i}", links={"paper": f"{two.base}/p{i}"})
        options = CheckOptions(settings=settings(per_host=2, concurrency=2, timeout=5), env={})
        report = check_links(LinkFeed(catalog_dir.path), options)
        window_opened = one.state.times["/x0"][0]
        others = [t - window_opened for ts in two.state.times.values() for t in ts]
    assert {r.status for r in report.results} == {"ok"}, [r.message for r in report.results]
    assert len(others) == 8 and max(others) < 1.8  # all inside host one's 2 s window


def test_the_console_script_ends_a_check_at_once_yet_loses_nothing(
    catalog_dir: Any, tmp_path: Path
) -> None:
    """`python -m catalog check-links`, like the console script, ends with os._exit once the
    report is flushed and the atexit callbacks have run (logging's, asyncio imports it): no
    interpreter teardown. The whole report reaches a pipe and a file, the cache is written
    whole, the exit status is kept; the tempfile module is never loaded."""
    cache = tmp_path / "links.json"
    probe = (
        "import atexit, runpy, sys; from catalog import collector\n"
        "said = lambda: print(collector.teardown_skipped(), 'tempfile' in sys.modules,"
        " file=sys.stderr)\n"
        "atexit.register(said)\n"
        "import os; end = os._exit\n"
        "os._exit = lambda code: (print('os._exit', file=sys.stderr, flush=True), end(code))\n"
        "runpy.run_module('catalog', run_name='__main__')\n"
    )
    with serve({"/a": ok, "/gone": status(404)}) as server:
        for i in range(60):  # more report than one write
            catalog_dir.add(f"r{i:02d}", links={"paper": f"{server.base}/a?{i}"})
        catalog_dir.add("gone", links={"paper": f"{server.base}/gone"})
        args = ["check-links", "--data", str(catalog_dir.path), "--allow-private"]
        args += ["--format", "json", "--cache", str(cache)]
        piped = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=REPO
        )
        out = tmp_path / "report.json"
        with out.open("w", encoding="utf-8") as handle:
            console = [sys.executable, "-m", "catalog", *args]
            to_file = subprocess.run(console, stdout=handle, cwd=REPO, check=False)
    assert piped.returncode == 1 and to_file.returncode == 1  # the 404
    assert piped.stderr.split()[-3:] == ["True", "False", "os._exit"]  # atexit ran, then
    # os._exit instead of a teardown; no tempfile
    report = json.loads(piped.stdout)
    assert len(report["results"]) == 61 and report["summary"]["broken"] == 1
    again = json.loads(out.read_text(encoding="utf-8"))  # the cache answered, but the 404
    assert [(r["url"], r["status"]) for r in again["results"]] == [
        (r["url"], r["status"]) for r in report["results"]
    ]
    assert again["summary"]["cached"] == 60
    assert len(json.loads(cache.read_text(encoding="utf-8"))["entries"]) == 60


FORKED = """
import json, os, signal, sys
from catalog import forking
from catalog.links import feed
forking.spare_core = lambda others: sys.argv[1] != "thread"  # however busy the machine is
started = []
real_fork = feed._fork
def fork(data_dir):
    child = real_fork(data_dir)
    started.append(child is not None)
    return child
feed._fork = fork
if sys.argv[1] in ("dies", "sigint", "keyboard"):  # the child sends the contact and 4 records, then dies
    def serve(data_dir, fd):
        from catalog.forking import put, send
        from catalog.links.read import read_contact, read_links
        backlog = bytearray()
        put(backlog, ("contact", read_contact(data_dir)))
        records = []
        def each(record, found):
            records.append((record, found))
            if len(records) == 4:
                put(backlog, ("records", records))
                send(fd, backlog, wait=True)
                if sys.argv[1] == "keyboard":
                    raise KeyboardInterrupt
                os.kill(os.getpid(), signal.SIGKILL if sys.argv[1] == "dies" else signal.SIGINT)
        read_links(data_dir, each)
    feed._serve = serve
from catalog.entry import main
code = main(sys.argv[2:])
print(json.dumps([code, started]), file=sys.stderr)
"""


def test_records_read_by_a_child_give_the_report_read_here(catalog_dir: Any) -> None:
    """The forked reader (a core to spare) and the worker thread (none) give the same report,
    the same errors at file:line, the same User-Agent; a child killed halfway is reported
    and the records it did not send are read here."""
    agents: list[str] = []

    def seen(h: Any) -> None:
        agents.append(h.headers["User-Agent"])
        ok(h)

    with serve({"/p*": seen}) as server:
        for i in range(12):
            catalog_dir.add(f"p{i:02d}", links={"paper": f"{server.base}/p{i % 9}"})
        catalog_dir.add("bad", links={"paper": f"{server.base}/p-bad", "code": "https//x.org"})
        args = ["check-links", "--data", str(catalog_dir.path), "--allow-private"]
        args += ["--format", "json"]
        runs = {}
        for how in ("thread", "fork", "dies", "sigint", "keyboard"):
            done = subprocess.run(
                [sys.executable, "-c", FORKED, how, *args],
                capture_output=True,
                text=True,
                cwd=REPO,
                check=False,
            )
            code, started = json.loads(done.stderr.strip().splitlines()[-1])
            report = json.loads(done.stdout)
            for result in report["results"]:
                result.pop("elapsed_ms")
            runs[how] = (code, started, report["results"], done.stderr.splitlines()[:-1])
    thread, fork, dies = runs["thread"], runs["fork"], runs["dies"]
    assert thread[:2] == (1, [False]) and fork[:2] == (1, [True]) and dies[:2] == (1, [True])
    assert fork[2] == thread[2] and dies[2] == thread[2]
    assert len(thread[2]) == 9 and len(thread[2][0]["sources"]) == 2  # p00 and p09 share p0
    error = f"{catalog_dir.papers / 'bad.yaml'}:7:9: error[bad-url] links.code: "
    assert [line[: len(error)] for line in thread[3]] == [error]
    assert fork[3] == thread[3]
    assert dies[3][0].startswith("warning: the process reading the records stopped early")
    assert "(killed by SIGKILL); reading the rest here" in dies[3][0]
    assert dies[3][1:] == thread[3]
    sigint = runs["sigint"]  # Ctrl-C's signal: no warning (it is this process' to report)
    assert sigint[:3] == (1, [True], thread[2]) and sigint[3] == thread[3]
    keyboard = runs["keyboard"]  # KeyboardInterrupt in the child: as Ctrl-C's signal
    assert keyboard[:3] == (1, [True], thread[2]) and keyboard[3] == thread[3]
    assert len(agents) == 45 and {a.split(" ", 1)[1] for a in agents} == {
        "(+https://github.com/example/awesome-test)"
    }
