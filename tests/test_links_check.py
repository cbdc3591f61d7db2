"""catalog check-links against a real local server: verdicts, politeness, safety, output."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from links_server import (
    huge_body,
    no_head,
    ok,
    rate_limited_once,
    redirect,
    serve,
    slow,
    status,
    unavailable_once,
)

from catalog.cli import main
from catalog.links.check import check
from catalog.links.feed import LinkFeed
from catalog.links.report import LinkReport
from catalog.links.run import CheckOptions, check_links
from catalog.sources.http import Http, Settings, retry_after
from catalog.sources.safety import AddressPolicy, Guard, RefusedAddress, parse_networks

FAST = ["--timeout", "0.5", "--retries", "1", "--backoff", "0.05"]

ROUTES = {
    "/ok": ok,
    "/gone-404": status(404),
    "/gone-410": status(410),
    "/moved": redirect(301, "/ok"),
    "/temporary": redirect(302, "/ok"),
    "/loop-a": redirect(302, "/loop-b"),
    "/loop-b": redirect(302, "/loop-a"),
    "/limited": rate_limited_once,
    "/no-head": no_head,
    "/unavailable-once": unavailable_once,
    "/down": status(503),
    "/slow": slow(1.5),
    "/huge": huge_body,
    "/forbidden": status(403),
    "/moved-to-gone": redirect(308, "/gone-404"),
}


def settings(**overrides: Any) -> Settings:
    fields: dict[str, Any] = {
        "timeout": 0.5,
        "retries": 1,
        "backoff": 0.05,
        "policy": AddressPolicy(allow_private=True),
    }
    fields.update(overrides)
    return Settings(**fields)


def run(data: Path, **options: Any) -> LinkReport:
    """Check as the CLI does on a cold run: the records are read while their links are checked."""
    options.setdefault("settings", settings())
    options.setdefault("env", {})
    return check_links(LinkFeed(data), CheckOptions(**options))


def add_links(catalog_dir: Any, base: str, paths: list[str]) -> None:
    for i, path in enumerate(paths):
        catalog_dir.add(f"p{i:02d}", links={"paper": base + path})


def cli(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, ["check-links", *args], env=env, catch_exceptions=False)


def by_url(report: LinkReport, base: str) -> dict[str, Any]:
    return {r.url.removeprefix(base): r for r in report.results}


def test_every_case_gets_the_right_verdict(catalog_dir: Any) -> None:
    with serve(ROUTES) as server:
        add_links(catalog_dir, server.base, list(ROUTES))
        started = time.monotonic()
        report = run(catalog_dir.path)
        took = time.monotonic() - started
        state = server.state
    got = by_url(report, server.base)
    assert {path: r.status for path, r in got.items()} == {
        "/ok": "ok",
        "/gone-404": "broken",
        "/gone-410": "broken",
        "/moved": "redirected",
        "/temporary": "ok",
        "/loop-a": "error",
        "/loop-b": "error",
        "/limited": "ok",
        "/no-head": "ok",
        "/unavailable-once": "ok",
        "/down": "error",
        "/slow": "error",
        "/huge": "ok",
        "/forbidden": "blocked",
        "/moved-to-gone": "broken",
    }
    assert got["/gone-410"].http_status == 410
    assert got["/moved"].suggestion == server.base + "/ok"
    assert got["/temporary"].suggestion is None
    assert got["/temporary"].final_url == server.base + "/ok"
    assert "redirect loop" in got["/loop-a"].message
    assert "timed out" in got["/slow"].message
    # 429 then 200: asked twice, and the second time only after Retry-After (1 s).
    limited = state.times["/limited"]
    assert len(limited) == 2 and limited[1] - limited[0] >= 0.95
    # HEAD refused with 405 (here or on an earlier URL of the host): answered by GET.
    assert [m for m, p in state.log if p == "/no-head"][-1] == "GET"
    # 503 once: retried after a backoff, then fine.
    assert got["/unavailable-once"].attempts == 2
    # A persistent 503 is tried 1 + --retries times, then called an error (not broken).
    assert state.hits["/down"] == 2
    # The 200 MB body is never downloaded: the response is closed after its headers.
    assert state.body_bytes_sent < 32 * 1024 * 1024
    assert got["/huge"].http_status == 200
    assert took < 5


def test_head_refused_falls_back_to_get_and_is_remembered_per_host(catalog_dir: Any) -> None:
    routes = {"/no-head": no_head, "/no-head-2": no_head}
    with serve(routes) as server:
        add_links(catalog_dir, server.base, ["/no-head", "/no-head-2"])
        report = run(catalog_dir.path, settings=settings(per_host=1))
        log = list(server.state.log)
    assert log == [("HEAD", "/no-head"), ("GET", "/no-head"), ("GET", "/no-head-2")]
    assert {r.status for r in report.results} == {"ok"}


def test_no_request_reaches_a_private_address_by_default(catalog_dir: Any) -> None:
    with serve(ROUTES) as server:
        add_links(catalog_dir, server.base, ["/ok", "/gone-404", "/moved"])
        catalog_dir.add("by-name", links={"paper": server.base.replace("127.0.0.1", "localhost")})
        result = cli("--data", str(catalog_dir.path), "--format", "json", *FAST)
        log = list(server.state.log)
    assert log == []
    doc = json.loads(result.stdout)
    assert {r["status"] for r in doc["results"]} == {"skipped"}
    assert all("refused" in r["message"] for r in doc["results"])
    assert result.exit_code == 0


def test_every_redirect_hop_is_checked_against_the_policy(catalog_dir: Any) -> None:
    with serve({}, "127.0.0.2") as inner:
        inner.state.routes["/secret"] = ok
        with serve({"/hop": redirect(302, inner.base + "/secret")}) as outer:
            catalog_dir.add("hop", links={"paper": outer.base + "/hop"})
            only_outer = AddressPolicy(allow_networks=parse_networks(["127.0.0.1/32"]))
            report = run(catalog_dir.path, settings=settings(policy=only_outer))
            assert outer.state.log == [("HEAD", "/hop")]
        assert inner.state.log == []
    (result,) = report.results
    assert result.status == "skipped"
    assert "127.0.0.2" in result.message


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("169.254.169.254", True),
        ("100.100.100.200", True),  # shared address space (RFC 6598), a cloud metadata address
        ("224.0.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("fe80::1", True),
        ("8.8.8.8", False),
        ("2606:4700::1111", False),
    ],
)
def test_address_policy_refuses_every_address_off_the_internet(address: str, refused: bool) -> None:
    assert (AddressPolicy().refuses(address) is not None) is refused
    assert AddressPolicy(allow_private=True).refuses(address) is None


def test_connections_to_refused_addresses_fail_before_sending() -> None:
    """The second layer: even a request that skips the pre-check cannot connect."""

    async def unchecked_get(url: str) -> None:
        engine = Http(settings(policy=AddressPolicy()))
        async with engine:  # engine.send skips Guard.refusal: only the socket check is left
            await engine.send("GET", url, end=time.monotonic() + 2)

    with serve(ROUTES) as server:
        with pytest.raises(RefusedAddress) as caught:
            asyncio.run(unchecked_get(server.base + "/ok"))
        log = list(server.state.log)
    assert log == []
    assert "refused: 127.0.0.1 is, or resolves to, a loopback address" in str(caught.value)


def test_a_url_used_by_many_records_is_checked_once(catalog_dir: Any) -> None:
    with serve(ROUTES) as server:
        for name in ("a", "b", "c"):
            catalog_dir.add(name, links={"paper": server.base + "/ok", "code": server.base + "/ok"})
        report = run(catalog_dir.path)
        log = list(server.state.log)
    assert log == [("HEAD", "/ok")]
    (result,) = report.results
    assert result.records == ("a", "b", "c")
    assert len(report.sources[result.url]) == 6


def test_cache_reuses_working_links_and_rechecks_failures(catalog_dir: Any, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    with serve(ROUTES) as server:
        add_links(catalog_dir, server.base, ["/ok", "/moved", "/gone-404"])
        first = run(catalog_dir.path, cache_path=cache)
        before = len(server.state.log)
        second = run(catalog_dir.path, cache_path=cache)
        again = server.state.log[before:]
        saved = json.loads(cache.read_text())
        stale = run(catalog_dir.path, cache_path=cache, max_age=0)
        after_stale = server.state.log[before + len(again) :]
    assert not any(r.cached for r in first.results)
    assert {p for _, p in again} == {"/gone-404"}  # only the failure is asked again
    got = by_url(second, server.base)
    assert got["/ok"].cached and got["/moved"].cached and got["/moved"].status == "redirected"
    assert got["/gone-404"].status == "broken" and not got["/gone-404"].cached
    assert second.summary()["cached"] == 2
    assert {p for _, p in after_stale} >= {"/ok", "/moved", "/gone-404"}
    assert not any(r.cached for r in stale.results)
    assert set(saved["entries"]) == {server.base + "/ok", server.base + "/moved"}


@pytest.mark.parametrize("content", ["{not json", '{"version": 1, "entries": []}', "\udcff"])
def test_a_corrupt_cache_warns_and_starts_fresh(
    catalog_dir: Any, tmp_path: Path, content: str
) -> None:
    cache = tmp_path / "links.json"
    cache.write_bytes(content.encode("utf-8", "surrogateescape"))
    with serve(ROUTES) as server:
        add_links(catalog_dir, server.base, ["/ok"])
        result = cli("--data", str(catalog_dir.path), "--cache", str(cache), "--allow-private")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "fresh" in result.stderr
    assert server.base + "/ok" in json.loads(cache.read_text())["entries"]


def test_exit_status_and_strict(catalog_dir: Any) -> None:
    with serve(ROUTES) as server:
        add_links(catalog_dir, server.base, ["/ok", "/down", "/forbidden"])
        data = ["--data", str(catalog_dir.path), "--allow-private", *FAST]
        relaxed = cli(*data)
        strict = cli(*data, "--strict")
        catalog_dir.add("dead", links={"paper": server.base + "/gone-410"})
        broken = cli(*data)
    assert relaxed.exit_code == 0, relaxed.output
    assert strict.exit_code == 1
    assert broken.exit_code == 1
    assert "error[link-broken] links.paper" in broken.stdout
    assert "warning[link-error]" in relaxed.stdout and "notice[link-blocked]" in relaxed.stdout


def test_output_formats(catalog_dir: Any) -> None:
    with serve(ROUTES) as server:
        add_links(catalog_dir, server.base, ["/ok", "/gone-404", "/moved"])
        data = ["--data", str(catalog_dir.path), "--allow-private", *FAST]
        as_json = json.loads(cli(*data, "--format", "json").stdout)
        github = cli(*data, "--format", "github").stdout
        markdown = cli(*data, "--format", "markdown").stdout
        text = cli(*data).stdout
    keys = {"url", "status", "http_status", "final_url", "records", "message", "attempts"}
    assert all(keys | {"elapsed_ms"} <= set(r) for r in as_json["results"])
    assert as_json["summary"]["broken"] == 1 and as_json["summary"]["redirected"] == 1
    gone = next(r for r in as_json["results"] if r["url"].endswith("/gone-404"))
    assert gone["records"] == ["p01"] and gone["http_status"] == 404
    assert gone["sources"][0]["line"] > 0
    path = str(catalog_dir.papers / "p01.yaml")
    line = gone["sources"][0]["line"]
    assert f"::error file={path},line={line},col=" in github
    assert "title=link-broken::links.paper" in github
    assert "::warning" in github and "hint: use " + server.base + "/ok" in github
    assert "| broken | p01" in markdown and markdown.startswith("### Link check failed")
    assert f"p01 ({path})" in text and f"{path}:{line}:" in text
    assert "3 links checked" in text


def test_bad_options_are_usage_errors(catalog_dir: Any) -> None:
    data = ["--data", str(catalog_dir.path)]
    assert cli(*data, "--shard", "3/2").exit_code == 2
    assert cli(*data, "--max-age", "soon").exit_code == 2
    assert cli(*data, "--exclude", "(").exit_code == 2
    assert cli("--data", str(catalog_dir.path / "nope")).exit_code == 2


def test_invalid_urls_are_broken(catalog_dir: Any) -> None:
    catalog_dir.add("port", links={"paper": "http://127.0.0.1:99999/x"})
    (result,) = run(catalog_dir.path).results
    assert result.status == "broken" and "invalid URL" in result.message


def test_a_name_that_does_not_exist_is_broken_a_failing_resolver_is_an_error() -> None:
    """DNS answers come from an injected resolver: tests never ask a real one."""

    def resolver(host: str, port: int, **_: Any) -> list[Any]:
        code = socket.EAI_NONAME if host == "gone.example" else socket.EAI_AGAIN
        raise socket.gaierror(code, "resolver says no")

    engine = Http(settings(), Guard(AddressPolicy(), resolver))

    async def both() -> tuple[Any, Any]:
        async with engine:
            return (
                await check(engine, "https://gone.example/paper"),
                await check(engine, "https://flaky.example/paper"),
            )

    gone, flaky = asyncio.run(both())
    assert gone.status == "broken" and "does not exist" in gone.message
    assert flaky.status == "error" and "could not resolve" in flaky.message
    assert engine.requests_sent == 0


def test_the_connection_goes_to_the_address_the_guard_checked() -> None:
    """The name is resolved once, by the guard (an injected resolver here): the transport is
    pinned to that address and never asks DNS itself (no resolver here knows the name)."""
    asked: list[str] = []

    def resolver(host: str, port: int, **_: Any) -> list[Any]:
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    with serve(ROUTES) as server:
        port = server.server_address[1]
        engine = Http(settings(), Guard(AddressPolicy(allow_private=True), resolver))

        async def twice() -> tuple[Any, Any]:
            async with engine:
                url = f"http://pinned.example:{port}/ok"
                return await check(engine, url), await check(engine, url)

        first, second = asyncio.run(twice())
        hosts = [h["Host"] for h in server.state.headers["/ok"]]
    assert (first.status, second.status) == ("ok", "ok")
    assert hosts == [f"pinned.example:{port}"] * 2
    assert asked == ["pinned.example"]  # once, for both checks


def test_retry_after_is_read_in_seconds_or_as_a_date_and_capped() -> None:
    from email.utils import formatdate

    assert retry_after({"retry-after": "2"}, 60) == 2
    assert retry_after({"retry-after": "3600"}, 60) == 60
    assert retry_after({"retry-after": "soon"}, 60) is None
    assert retry_after({}, 60) is None
    in_ten = retry_after({"retry-after": formatdate(time.time() + 10, usegmt=True)}, 60)
    assert in_ten is not None and 8 <= in_ten <= 10


def test_exclude_skips_without_asking(catalog_dir: Any) -> None:
    with serve(ROUTES) as server:
        add_links(catalog_dir, server.base, ["/ok", "/gone-404"])
        result = cli(
            "--data",
            str(catalog_dir.path),
            "--allow-private",
            "--exclude",
            "gone",
            "--format",
            "json",
        )
        log = list(server.state.log)
        agent = server.state.headers["/ok"][0]["User-Agent"]
    assert log == [("HEAD", "/ok")]
    assert result.exit_code == 0
    # An honest User-Agent naming the tool and where to reach its users (repo_url).
    assert agent.startswith(f"catalog-check-links/{version('catalog')} ")
    assert agent.endswith("(+https://github.com/example/awesome-test)")
    skipped = [r for r in json.loads(result.stdout)["results"] if r["status"] == "skipped"]
    assert [r["url"] for r in skipped] == [server.base + "/gone-404"]


def test_concurrency_is_limited_in_total_and_per_host(catalog_dir: Any) -> None:
    inflight: dict[str, int] = {"all": 0}
    peaks: dict[str, int] = {"all": 0}
    lock = threading.Lock()

    def counted(h: Any) -> None:
        host = h.server.base
        with lock:
            for key in (host, "all"):
                inflight[key] = inflight.get(key, 0) + 1
                peaks[key] = max(peaks.get(key, 0), inflight[key])
        time.sleep(0.05)
        with lock:
            for key in (host, "all"):
                inflight[key] -= 1
        ok(h)

    with serve({"/p*": counted}) as one, serve({"/p*": counted}, "127.0.0.2") as two:
        for i in range(12):
            catalog_dir.add(f"a{i:02d}", links={"paper": f"{one.base}/p{i}"})
            catalog_dir.add(f"b{i:02d}", links={"paper": f"{two.base}/p{i}"})
        report = run(catalog_dir.path, settings=settings(per_host=2, concurrency=3))
    assert {r.status for r in report.results} == {"ok"} and len(report.results) == 24
    assert peaks[one.base] <= 2 and peaks[two.base] <= 2
    assert peaks["all"] == 3  # the total limit is reached, and never passed


def test_a_429_holds_back_the_whole_host_until_retry_after(catalog_dir: Any) -> None:
    def quick(h: Any) -> None:
        time.sleep(0.05)
        ok(h)

    with serve({"/a-limited": rate_limited_once, "/p*": quick}) as server:
        catalog_dir.add("limited", links={"paper": f"{server.base}/a-limited"})
        for i in range(6):
            catalog_dir.add(f"p{i}", links={"paper": f"{server.base}/p{i}"})
        report = run(catalog_dir.path, settings=settings(per_host=2))
        times = dict(server.state.times)
    assert {r.status for r in report.results} == {"ok"}
    refused_at = times["/a-limited"][0]
    others = [t - refused_at for path, ts in times.items() if path.startswith("/p") for t in ts]
    # Only the request already in flight beside the 429 went out before Retry-After (1 s).
    assert sum(1 for t in others if t < 0.9) <= 1
    assert len(others) == 6


def test_redirects_are_followed_up_to_ten(catalog_dir: Any) -> None:
    chain: dict[str, Any] = {f"/hop{i}": redirect(302, f"/hop{i + 1}") for i in range(11)}
    chain["/hop11"] = ok
    with serve(chain) as server:
        catalog_dir.add("ten", links={"paper": f"{server.base}/hop1"})  # 10 redirects
        catalog_dir.add("eleven", links={"paper": f"{server.base}/hop0"})  # 11 redirects
        got = by_url(run(catalog_dir.path), server.base)
    assert got["/hop1"].status == "ok" and got["/hop1"].final_url == server.base + "/hop11"
    assert got["/hop0"].status == "error" and "more than 10 redirects" in got["/hop0"].message


def test_refused_and_reset_connections_are_errors_not_broken(catalog_dir: Any) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    def hang_up(h: Any) -> None:
        h.close_connection = True  # close without an answer

    with serve({"/reset": hang_up}) as server:
        catalog_dir.add("refused", links={"paper": f"http://127.0.0.1:{port}/x"})
        catalog_dir.add("reset", links={"paper": f"{server.base}/reset"})
        report = run(catalog_dir.path)
        hits = server.state.hits["/reset"]
    got = {r.url: r for r in report.results}
    refused, reset = got[f"http://127.0.0.1:{port}/x"], got[f"{server.base}/reset"]
    assert refused.status == "error" and "connection refused" in refused.message
    assert reset.status == "error" and "closed the connection" in reset.message
    assert refused.attempts == 2 and hits == 2  # retried (--retries 1), then given up


def test_a_hosts_limit_comes_back_once_its_429_window_has_passed(catalog_dir: Any) -> None:
    """A 429 halves the host's slots (4 -> 2); after its Retry-After (1 s) all 4 are back.

    The 429 is answered 0.3 s after it was asked, so every request sent beside it has reached
    the server by then, however busy the machine: any request after that was sent in the window.
    """
    inflight = {"now": 0}
    starts: list[tuple[float, int]] = []
    lock = threading.Lock()
    answered: list[float] = []

    def limited_late(h: Any) -> None:
        if h.count == 1:
            time.sleep(0.3)
            answered.append(time.monotonic())
            h.reply(429, {"Retry-After": "1"})
        else:
            ok(h)

    def counted(h: Any) -> None:
        with lock:
            inflight["now"] += 1
            starts.append((time.monotonic(), inflight["now"]))
        time.sleep(0.2)
        with lock:
            inflight["now"] -= 1
        ok(h)

    with serve({"/a-limited": limited_late, "/p*": counted}) as server:
        catalog_dir.add("limited", links={"paper": f"{server.base}/a-limited"})
        for i in range(16):
            catalog_dir.add(f"p{i:02d}", links={"paper": f"{server.base}/p{i}"})
        report = run(catalog_dir.path, settings=settings(per_host=4, concurrency=10, timeout=2))
    assert {r.status for r in report.results} == {"ok"}
    refused_at = answered[0]
    during = [n for t, n in starts if refused_at + 0.05 < t < refused_at + 0.95]
    after = [n for t, n in starts if t >= refused_at + 0.95]
    assert not during  # the whole host waits out the window
    assert max(after) == 4  # and then gets its 4 slots back, not the halved 2


def test_a_result_as_json_names_every_field() -> None:
    from catalog.links.verdict import Result

    result = Result("https://example.org/", "ok", records=("a",))
    assert set(result.as_json()) == set(Result._fields)
    assert Result.from_json(result.as_json()) == result
