"""Host strategies, each against a local server playing that host's API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from click.testing import CliRunner
from links_server import Handler, fresh_check, ok, serve, status

from catalog.cli import main
from catalog.links.collect import collect
from catalog.links.report import LinkReport
from catalog.links.run import CheckOptions, check_links
from catalog.sources.http import Settings
from catalog.sources.safety import AddressPolicy
from catalog.validate import load_catalog

ARXIV_KNOWN = {"2106.09685", "2310.11454", "2402.05445"}
DOIS = {"10.1145/3580305.3599572"}


def arxiv_api(h: Handler) -> None:
    ids = parse_qs(urlsplit(h.path).query)["id_list"][0].split(",")
    entries = "".join(
        f"<entry><id>http://arxiv.org/abs/{i}v2</id><title>Paper {i}</title></entry>"
        for i in ids
        if i in ARXIV_KNOWN
    )
    body = f'<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>'.encode()
    h.reply(200, {"Content-Type": "application/atom+xml"}, body)


ARXIV_MALFORMED = {"1234.5678", "0000.00000"}  # well-formed to our regex, refused by arXiv


def arxiv_api_strict(h: Handler) -> None:
    """Like the real API: one id it finds malformed rejects the whole query with an error entry."""
    ids = parse_qs(urlsplit(h.path).query)["id_list"][0].split(",")
    bad = next((i for i in ids if i in ARXIV_MALFORMED), None)
    if bad is None:
        arxiv_api(h)
        return
    entry = (
        f"<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_{bad}</id>"
        f"<title>Error</title><summary>incorrect id format for {bad}</summary></entry>"
    )
    body = f'<feed xmlns="http://www.w3.org/2005/Atom">{entry}</feed>'.encode()
    h.reply(400 if "0000" in bad else 200, {"Content-Type": "application/atom+xml"}, body)


def doi_api(h: Handler) -> None:
    doi = unquote(h.path.removeprefix("/api/handles/"))
    found = doi in DOIS
    body = json.dumps({"responseCode": 1 if found else 100, "handle": doi}).encode()
    h.reply(200 if found else 404, {"Content-Type": "application/json"}, body)


def json_reply(code: int, data: Any, headers: dict[str, str] | None = None) -> Any:
    body = json.dumps(data).encode()
    return lambda h: h.reply(code, {"Content-Type": "application/json", **(headers or {})}, body)


def repo(full_name: str, archived: bool = False) -> Any:
    html = f"https://github.com/{full_name}"
    return json_reply(200, {"full_name": full_name, "archived": archived, "html_url": html})


GITHUB = {
    "/repos/octo/live": repo("octo/live"),
    "/repos/Octo/Live": repo("octo/live"),
    "/repos/octo/old-name": lambda h: h.reply(301, {"Location": "/repositories/42"}),
    "/repositories/42": repo("octo/new-name"),
    "/repos/octo/frozen": repo("octo/frozen", archived=True),
    "/repos/octo/deleted": json_reply(404, {"message": "Not Found"}),
}
OPENREVIEW = {
    "/notes": lambda h: {
        "good": json_reply(200, {"notes": [{"id": "good"}]}),
        "hidden": json_reply(403, {"name": "ForbiddenError", "message": "no access"}),
        "walled": status(403),
    }.get(parse_qs(urlsplit(h.path).query)["id"][0], json_reply(404, {"name": "NotFoundError"}))(h),
    "/v1/notes": lambda h: (
        json_reply(200, {"notes": [{"id": "old"}]})
        if "id=old" in h.path
        else json_reply(404, {"name": "NotFoundError"})
    )(h),
}


def env_for(base: str) -> dict[str, str]:
    return {
        "CATALOG_ARXIV_API": f"{base}/api/query",
        "CATALOG_DOI_API": f"{base}/api/handles",
        "CATALOG_GITHUB_API": base,
        "CATALOG_GITHUB_WEB": f"{base}/web",
        "CATALOG_OPENREVIEW_API": base,
        "CATALOG_OPENREVIEW_API_V1": f"{base}/v1",
        "CATALOG_IEEE_BASE": base,
    }


def run(data: Path, env: dict[str, str], **options: Any) -> LinkReport:
    settings = Settings(
        timeout=1, retries=1, backoff=0.05, policy=AddressPolicy(allow_private=True)
    )
    return check_links(
        collect(load_catalog(data)), CheckOptions(settings=settings, env=env, **options)
    )


def verdicts(report: LinkReport) -> dict[str, str]:
    return {r.url: r.status for r in report.results}


def test_arxiv_batches_ids_and_spaces_requests(catalog_dir: Any) -> None:
    with serve({"/api/query": arxiv_api}) as server:
        catalog_dir.add("lora", links={"paper": "https://arxiv.org/abs/2106.09685"})
        catalog_dir.add("lora-pdf", links={"paper": "https://arxiv.org/pdf/2106.09685v2.pdf"})
        catalog_dir.add("vera", links={"paper": "http://arxiv.org/abs/2310.11454"})
        catalog_dir.add("ghost", links={"paper": "https://arxiv.org/abs/2401.99999"})
        report = run(catalog_dir.path, env_for(server.base), arxiv_batch=2, arxiv_interval=0.3)
        times = server.state.times["/api/query?id_list=2106.09685%2C2310.11454&max_results=2"]
        requests = [p for _, p in server.state.log]
        first = server.state.times
    assert verdicts(report) == {
        "https://arxiv.org/abs/2106.09685": "ok",
        "https://arxiv.org/pdf/2106.09685v2.pdf": "ok",
        "http://arxiv.org/abs/2310.11454": "ok",
        "https://arxiv.org/abs/2401.99999": "broken",
    }
    assert len(requests) == 2  # three distinct ids, two per request
    second = first["/api/query?id_list=2401.99999&max_results=1"]
    assert second[0] - times[0] >= 0.28  # one request per interval (less clock jitter)
    ghost = next(r for r in report.results if "99999" in r.url)
    assert "arXiv has no paper 2401.99999" in ghost.message


def test_a_malformed_arxiv_id_does_not_make_its_whole_batch_broken(catalog_dir: Any) -> None:
    """arXiv rejects a query with one malformed id: only that id is broken, the rest re-asked."""
    with serve({"/api/query": arxiv_api_strict}) as server:
        catalog_dir.add("lora", links={"paper": "https://arxiv.org/abs/2106.09685"})
        catalog_dir.add("bad", links={"paper": "https://arxiv.org/abs/1234.5678"})
        catalog_dir.add("bad-too", links={"paper": "https://arxiv.org/abs/0000.00000"})
        catalog_dir.add("vera", links={"paper": "https://arxiv.org/abs/2310.11454"})
        catalog_dir.add("ghost", links={"paper": "https://arxiv.org/abs/2401.99999"})
        report = run(catalog_dir.path, env_for(server.base), arxiv_interval=0.05)
        asked = len(server.state.log)
    assert verdicts(report) == {
        "https://arxiv.org/abs/2106.09685": "ok",
        "https://arxiv.org/abs/1234.5678": "broken",
        "https://arxiv.org/abs/0000.00000": "broken",
        "https://arxiv.org/abs/2310.11454": "ok",
        "https://arxiv.org/abs/2401.99999": "broken",
    }
    bad = next(r for r in report.results if "1234.5678" in r.url)
    assert "incorrect id format for 1234.5678" in bad.message
    assert asked == 3  # one query per refusal, then one for the rest


def test_an_arxiv_error_naming_no_id_of_the_batch_is_an_error(catalog_dir: Any) -> None:
    error = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b"<id>http://arxiv.org/api/errors#max_results_must_be_an_integer</id>"
        b"<title>Error</title><summary>max_results must be an integer</summary></entry></feed>"
    )
    with serve({"/api/query": lambda h: h.reply(200, {}, error)}) as server:
        catalog_dir.add("lora", links={"paper": "https://arxiv.org/abs/2106.09685"})
        report = run(catalog_dir.path, env_for(server.base))
    (result,) = report.results
    assert result.status == "error" and "max_results must be an integer" in result.message


def test_arxiv_api_failure_is_an_error_not_broken(catalog_dir: Any) -> None:
    with serve({"/api/query": status(503)}) as server:
        catalog_dir.add("lora", links={"paper": "https://arxiv.org/abs/2106.09685"})
        report = run(catalog_dir.path, env_for(server.base))
    assert verdicts(report) == {"https://arxiv.org/abs/2106.09685": "error"}


def test_arxiv_api_from_the_environment_in_the_cli(catalog_dir: Any) -> None:
    with serve({"/api/query": arxiv_api}) as server:
        catalog_dir.add("ghost", links={"paper": "https://arxiv.org/abs/2401.99999"})
        result = CliRunner().invoke(
            main,
            ["check-links", "--data", str(catalog_dir.path), "--allow-private"],
            env=env_for(server.base),
        )
        log = list(server.state.log)
    assert result.exit_code == 1
    assert "arXiv has no paper 2401.99999" in result.stdout
    assert len(log) == 1 and log[0][1].startswith("/api/query?id_list=2401.99999")


def test_doi_registration_without_following_to_the_publisher(catalog_dir: Any) -> None:
    with serve({"/api/handles/*": doi_api}) as server:
        catalog_dir.add("known", links={"paper": "https://doi.org/10.1145/3580305.3599572"})
        catalog_dir.add("unknown", links={"paper": "https://doi.org/10.1145/0000000.0000000"})
        report = run(catalog_dir.path, env_for(server.base))
        log = list(server.state.log)
    assert verdicts(report) == {
        "https://doi.org/10.1145/3580305.3599572": "ok",
        "https://doi.org/10.1145/0000000.0000000": "broken",
    }
    assert sorted(p for _, p in log) == [
        "/api/handles/10.1145/0000000.0000000",
        "/api/handles/10.1145/3580305.3599572",
    ]


def test_github_renamed_archived_deleted_and_token(catalog_dir: Any) -> None:
    with serve(GITHUB) as server:
        for name in ("live", "old-name", "frozen", "deleted"):
            catalog_dir.add(name, links={"paper": f"https://github.com/octo/{name}"})
        catalog_dir.add("cased", links={"paper": "https://github.com/Octo/Live.git"})
        env = env_for(server.base) | {"GITHUB_TOKEN": "t0ken"}
        report = run(catalog_dir.path, env)
        auth = {h.get("Authorization") for hs in server.state.headers.values() for h in hs}
    assert verdicts(report) == {
        "https://github.com/octo/live": "ok",
        "https://github.com/Octo/Live.git": "ok",
        "https://github.com/octo/old-name": "redirected",
        "https://github.com/octo/frozen": "ok",
        "https://github.com/octo/deleted": "broken",
    }
    results = {r.url: r for r in report.results}
    assert (
        results["https://github.com/octo/old-name"].suggestion == "https://github.com/octo/new-name"
    )
    assert results["https://github.com/octo/frozen"].warning == "repository is archived (read-only)"
    assert results["https://github.com/octo/live"].warning is None
    assert auth == {"Bearer t0ken"}


def test_github_rate_limit_falls_back_to_the_page(catalog_dir: Any) -> None:
    limited = {
        "/repos/*": status(403, {"X-RateLimit-Remaining": "0"}),
        "/web/octo/live": ok,
        "/web/octo/gone": status(404),
    }
    with serve(limited) as server:
        catalog_dir.add("live", links={"paper": "https://github.com/octo/live"})
        catalog_dir.add("gone", links={"paper": "https://github.com/octo/gone"})
        report = run(catalog_dir.path, env_for(server.base))
        api_calls = [p for _, p in server.state.log if p.startswith("/repos/")]
    assert verdicts(report) == {
        "https://github.com/octo/live": "ok",
        "https://github.com/octo/gone": "broken",
    }
    assert 1 <= len(api_calls) <= 2  # stops asking the API once it said "rate limited"
    assert all("rate limit" in r.message for r in report.results)


def test_openreview_forbidden_can_be_real(catalog_dir: Any) -> None:
    with serve(OPENREVIEW) as server:
        for note in ("good", "hidden", "walled", "old", "missing"):
            catalog_dir.add(note, links={"paper": f"https://openreview.net/forum?id={note}"})
        report = run(catalog_dir.path, env_for(server.base))
    assert verdicts(report) == {
        "https://openreview.net/forum?id=good": "ok",
        "https://openreview.net/forum?id=hidden": "broken",  # a JSON ForbiddenError: not public
        "https://openreview.net/forum?id=walled": "blocked",  # a bare 403: a wall, unverified
        "https://openreview.net/forum?id=old": "ok",  # found by the v1 API
        "https://openreview.net/forum?id=missing": "broken",
    }


def test_ieee_xplore_teapot_is_blocked_not_broken(catalog_dir: Any) -> None:
    routes = {"/document/123": status(418), "/document/456": ok, "/document/789": status(404)}
    with serve(routes) as server:
        for number in ("123", "456", "789"):
            catalog_dir.add(
                f"d{number}", links={"paper": f"https://ieeexplore.ieee.org/document/{number}"}
            )
        report = run(catalog_dir.path, env_for(server.base))
    assert verdicts(report) == {
        "https://ieeexplore.ieee.org/document/123": "blocked",
        "https://ieeexplore.ieee.org/document/456": "ok",
        "https://ieeexplore.ieee.org/document/789": "broken",
    }
    teapot = next(r for r in report.results if r.url.endswith("/123"))
    assert "IEEE Xplore turns scripts away (HTTP 418)" in teapot.message


def test_strategies_respect_the_address_policy(catalog_dir: Any) -> None:
    with serve({"/api/query": arxiv_api, "/repos/*": repo("octo/live")}) as server:
        catalog_dir.add("lora", links={"paper": "https://arxiv.org/abs/2106.09685",
                                       "code": "https://github.com/octo/live"})  # fmt: skip
        settings = Settings(timeout=1, retries=0)
        report = check_links(
            collect(load_catalog(catalog_dir.path)),
            CheckOptions(settings=settings, env=env_for(server.base)),
        )
        log = list(server.state.log)
    assert log == []
    assert {r.status for r in report.results} == {"skipped"}


def test_a_retry_to_the_arxiv_api_keeps_its_interval(catalog_dir: Any) -> None:
    """arXiv allows one request every few seconds: a retry after a 503 waits as long too."""
    calls: list[int] = []

    def flaky_once(h: Handler) -> None:
        calls.append(1)
        if len(calls) == 1:
            h.reply(503, {"Content-Type": "text/plain"}, b"busy")
        else:
            arxiv_api(h)

    with serve({"/api/query": flaky_once}) as server:
        catalog_dir.add("lora", links={"paper": "https://arxiv.org/abs/2106.09685"})
        report = run(catalog_dir.path, env_for(server.base), arxiv_interval=0.3)
        (stamps,) = server.state.times.values()
    assert verdicts(report) == {"https://arxiv.org/abs/2106.09685": "ok"}
    assert len(stamps) == 2
    assert stamps[1] - stamps[0] >= 0.28  # not the 0.05 s backoff


def test_every_arxiv_host_name_holds_arxiv() -> None:
    """Strategies.split looks for arXiv ids only in URLs that say "arxiv" somewhere."""
    from catalog.sources.arxiv import HOSTS

    assert all("arxiv" in host for host in HOSTS)


def test_the_host_tables_are_the_clients_own() -> None:
    """hosts.py names the hosts each client reads (so it need not import the clients to know)."""
    from catalog.links import hosts
    from catalog.sources import arxiv, doi, github, openreview

    assert hosts.DOI_HOSTS == doi.HOSTS
    assert hosts.ARXIV_BATCH == arxiv.BATCH
    assert arxiv.ARXIV.interval == hosts.ARXIV_INTERVAL
    for host in ("github.com", "GitHub.com", "www.github.com", "gist.github.com", "gitlab.com"):
        named = github.repo_of(f"https://{host}/octo/live") is not None
        assert named == (host.lower() in hosts.GITHUB_HOSTS), host
    for host in ("openreview.net", "OpenReview.net", "www.openreview.net", "api.openreview.net"):
        named = openreview.note_of(f"https://{host}/forum?id=abc") is not None
        assert named == (host.lower() in hosts.OPENREVIEW_HOSTS), host


CLIENTS = (
    "catalog.sources.arxiv",
    "catalog.sources.doi",
    "catalog.sources.github",
    "catalog.sources.openreview",
    "catalog.identity",
    "catalog.sources.service",
)
MODULES = 'sorted(m for m in sys.modules if m.startswith("catalog."))'


def fresh_run(data: Path, env: dict[str, str]) -> tuple[int, set[str], dict[str, Any]]:
    """check-links in a new process: exit status, catalog modules imported, JSON report."""
    code, modules, doc = fresh_check(data, env, MODULES)
    return code, set(modules), doc


def test_a_run_over_plain_hosts_imports_no_source_client(catalog_dir: Any) -> None:
    with serve({"/a": ok}) as server:
        catalog_dir.add("a", links={"paper": f"{server.base}/a"})
        code, modules, doc = fresh_run(catalog_dir.path, env_for(server.base))
        hits = dict(server.state.hits)
    assert code == 0 and hits == {"/a": 1}, doc
    assert "catalog.sources.http" in modules  # the engine ran
    assert not modules & set(CLIENTS)


# The dataclasses of the link checker and its engine, in the modules the process imported.
DATACLASSES = (
    'sorted(f"{n}.{k}" for n, m in list(sys.modules.items())'
    ' if n.startswith(("catalog.links.", "catalog.sources."))'
    " for k, v in vars(m).items() if isinstance(v, type) and v.__module__ == n"
    ' and "__dataclass_fields__" in vars(v))'
)


def test_a_cold_run_builds_no_dataclass_of_its_own(catalog_dir: Any) -> None:
    """Building a dataclass costs ~1.5 ms of start-up: the link checker and its engine (the
    scheduler, the results, the HTTP layer) use named tuples and plain classes instead, as does
    the record reader they share with validate (Source, Diagnostic)."""
    with serve({"/a": ok}) as server:
        catalog_dir.add("a", links={"paper": f"{server.base}/a"})
        code, built, doc = fresh_check(catalog_dir.path, env_for(server.base), DATACLASSES)
    assert code == 0 and doc["summary"]["ok"] == 1, doc
    assert built == []


def test_each_strategy_still_applies_in_a_fresh_process(catalog_dir: Any) -> None:
    """The clients imported on demand: an arXiv, DOI, GitHub and OpenReview URL each asks its
    API (the local fake), beside a plain URL."""
    routes = {"/api/query": arxiv_api, "/api/handles/*": doi_api, "/a": ok, **GITHUB}
    routes |= OPENREVIEW
    with serve(routes) as server:
        catalog_dir.add("a", links={"paper": f"{server.base}/a"})
        catalog_dir.add("lora", links={"paper": "https://arxiv.org/abs/2106.09685"})
        catalog_dir.add("doi", links={"paper": "https://doi.org/10.1145/3580305.3599572"})
        catalog_dir.add(
            "gh", links={"paper": f"{server.base}/a", "code": "https://github.com/octo/frozen"}
        )
        catalog_dir.add("or", links={"paper": "https://openreview.net/forum?id=hidden"})
        code, modules, doc = fresh_run(catalog_dir.path, env_for(server.base))
        asked = sorted(path.split("?")[0] for _, path in server.state.log)
    said = {r["url"]: (r["status"], r["message"]) for r in doc["results"]}
    assert said["https://arxiv.org/abs/2106.09685"][1].startswith("listed by the arXiv API")
    assert said["https://doi.org/10.1145/3580305.3599572"][1].startswith("DOI registered")
    assert said["https://github.com/octo/frozen"][0] == "ok"
    assert (
        "OpenReview note hidden is not public" in said["https://openreview.net/forum?id=hidden"][1]
    )
    assert asked == [
        "/a",
        "/api/handles/10.1145/3580305.3599572",
        "/api/query",
        "/notes",
        "/repos/octo/frozen",
    ]
    assert code == 1 and set(CLIENTS) <= modules  # the hidden note is broken
