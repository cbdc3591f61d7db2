"""Local fakes of the outside APIs `catalog sync` asks, answering in their real shapes.

Each fake is a real HTTP server on 127.0.0.1 with the source's published rate limit: a request
that comes sooner than its interval (or past its hourly quota, for GitHub) gets a 429, and is
counted, so tests and the benchmark can assert that sync never earns one. `latency` delays
every answer (the benchmark uses 100 ms). Shapes, error forms included, follow each API's
documentation and public clients' recorded answers:

- arXiv: an Atom feed per `id_list` query; an unknown id is simply absent; a malformed id gives
  one entry whose id is an `/api/errors#...` URL, titled `Error`.
- DBLP: `{"result": {"hits": {"@total", "@sent", "hit": [{"info": {...}}]}}}`; no match has no
  `hit` key; one author is an object, several a list; arXiv versions are `CoRR` entries.
- OpenReview v2: `GET /notes?id=` -> `{"notes": [...], "count": n}`; content fields are
  `{"value": ...}`; an unknown id is a 404 `{"name": "NotFoundError", ...}`.
- Crossref: `GET /works/{doi}` -> `{"status": "ok", "message-type": "work", "message": {...}}`;
  an unknown DOI is a 404 with the text "Resource not found.".
- Semantic Scholar: `POST /graph/v1/paper/batch?fields=...` with `{"ids": [...]}` -> a list in
  the same order, `null` for an unknown id.
- GitHub: `GET /repos/{owner}/{repo}`; a renamed repository is a 301 to /repositories/{id}
  with `{"message": "Moved Permanently", "url": ...}`; a missing one a 404 `{"message": "Not
  Found"}`; `x-ratelimit-*` headers on every answer.
- GitHub GraphQL: `POST /graphql` `{"query": ...}` with a bearer token (none: 401 "This endpoint
  requires you to be authenticated."; a wrong one: 401 "Bad credentials"); aliased
  `repository(owner:, name:)` fields answer `{"data": {"r0": {...}}}` with only the fields
  selected (an unknown one: `undefinedField`, no data); a missing repository is `"r0": null`
  with a `NOT_FOUND` error (`path: ["r0"]`, "Could not resolve to a Repository with the name
  'o/n'."); a renamed one resolves to its new `nameWithOwner`; past the hour's points (1 a
  query) HTTP 200 with a `RATE_LIMITED` error and `x-ratelimit-remaining: 0`; past
  `max_aliases` the rest of the query is null with `RESOURCE_LIMITS_EXCEEDED` errors, past
  `timeout_aliases` a 502 (GitHub's 10-second limit).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from tests.fakes.graphql import graphql_answer

Answer = tuple[int, dict[str, str], bytes]


def _json(status: int, doc: Any, **headers: str) -> Answer:
    return (
        status,
        {"Content-Type": "application/json; charset=utf-8", **headers},
        json.dumps(doc).encode(),
    )


def _norm(title: str) -> str:
    return "".join(c for c in title.lower() if c.isalnum())


@dataclass
class World:
    """What the fakes know: papers by arXiv id, DOI, title, forum and repository."""

    arxiv: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> entry fields
    dblp: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # title -> hit infos
    openreview: dict[str, dict[str, Any]] = field(default_factory=dict)  # note id -> note
    crossref: dict[str, dict[str, Any]] = field(default_factory=dict)  # doi -> message
    s2: dict[str, dict[str, Any]] = field(default_factory=dict)  # "ARXIV:id"/"DOI:x" -> paper
    github: dict[str, dict[str, Any]] = field(default_factory=dict)  # full name -> repo
    renamed: dict[str, str] = field(default_factory=dict)  # old full name -> new full name
    acl: dict[str, str] = field(default_factory=dict)  # anthology id -> its BibTeX
    malformed: set[str] = field(default_factory=set)  # arXiv ids its API calls malformed

    def add_dblp(self, info: dict[str, Any]) -> None:
        self.dblp.setdefault(_norm(info["title"]), []).append(info)


class Fake(ThreadingHTTPServer):
    """One API on its own port, with its rate limit and a log of every request."""

    daemon_threads = True

    def __init__(self, name: str, world: World, interval: float, latency: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.name = name
        self.world = world
        self.interval = interval
        self.latency = latency
        self.quota: int | None = None  # requests per window (GitHub)
        self.window = 3600.0
        self.requests = 0
        self.too_many = 0
        self.log: list[tuple[str, str, bytes]] = []
        self.refused_at: list[tuple[float, float]] = []  # (previous admitted, this one)
        self.tokens: set[str] = set()  # GitHub: the tokens GraphQL accepts
        self.points = 5000  # GitHub GraphQL: points an hour (a user's token)
        self.max_aliases: int | None = None  # GitHub GraphQL: resource limits past this many
        self.timeout_aliases: int | None = None  # GitHub GraphQL: a 502 past this many
        self._points_used = 0
        self._last = -1e9
        self._window_start = time.monotonic()
        self._in_window = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def admit(self, path: str) -> Answer | None:
        """None when the request is within the limit, else the 429 the API would send."""
        with self._lock:
            now = time.monotonic()
            self.requests += 1
            if self.quota is not None and path in ("/rate_limit", "/graphql"):
                return None  # GitHub: /rate_limit is free; GraphQL counts its own points
            if self.quota is not None:
                if now - self._window_start >= self.window:
                    self._window_start, self._in_window = now, 0
                self._in_window += 1
                if self._in_window > self.quota:
                    self.too_many += 1
                    doc = {
                        "message": "API rate limit exceeded for 127.0.0.1.",
                        "documentation_url": "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
                    }
                    return _json(429, doc, **self._quota_headers())
                return None
            if now - self._last < self.interval * 0.9:
                self.too_many += 1
                self.refused_at.append((self._last, now))
                return (
                    429,
                    {
                        "Retry-After": str(max(1, round(self.interval))),
                        "Content-Type": "text/plain",
                    },
                    b"Too Many Requests",
                )
            self._last = now
            return None

    def new_window(self) -> None:
        """Start the next quota window now (the hour has passed)."""
        with self._lock:
            self._window_start, self._in_window = time.monotonic(), 0
            self._points_used = 0

    def _quota_headers(self) -> dict[str, str]:
        if self.quota is None:
            return {}
        reset = int(time.time() + self.window - (time.monotonic() - self._window_start))
        left = max(0, self.quota - self._in_window)
        return {
            "x-ratelimit-limit": str(self.quota),
            "x-ratelimit-remaining": str(left),
            "x-ratelimit-reset": str(reset),
        }

    def answer(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: bytes,
        sent: Mapping[str, str] | None = None,
    ) -> Answer:
        if self.name == "github" and path == "/graphql":
            return graphql_answer(self, method, body, sent or {})
        handler = getattr(self, f"_{self.name}")
        status, headers, out = handler(method, path, query, body)
        with self._lock:
            headers = {**headers, **self._quota_headers()}
        return status, headers, out

    # --- arXiv -------------------------------------------------------------------------------
    def _arxiv(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
        ids = [i for i in (query.get("id_list") or [""])[0].split(",") if i]
        entries = []
        for ident in ids:
            if not _arxiv_id_ok(ident) or ident in self.world.malformed:
                entries = [_arxiv_error(ident)]
                break
            entry = self.world.arxiv.get(ident)
            if entry is not None:
                entries.append(_arxiv_entry(ident, entry))
        feed = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f'  <title type="html">ArXiv Query: search_query=&amp;id_list={escape(",".join(ids))}</title>\n'
            "  <id>http://arxiv.org/api/fake</id>\n  <updated>2026-12-01T00:00:00-05:00</updated>\n"
            f'  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(entries)}</opensearch:totalResults>\n'
            + "".join(entries)
            + "</feed>\n"
        )
        return 200, {"Content-Type": "application/atom+xml; charset=UTF-8"}, feed.encode()

    # --- DBLP --------------------------------------------------------------------------------
    def _dblp(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
        q = (query.get("q") or [""])[0]
        infos = self.world.dblp.get(_norm(q), [])
        hits: dict[str, Any] = {
            "@total": str(len(infos)),
            "@computed": str(len(infos)),
            "@sent": str(len(infos)),
            "@first": "0",
        }
        if infos:
            hits["hit"] = [
                {"@score": "10", "@id": str(4000 + i), "info": info, "url": f"URL#{4000 + i}"}
                for i, info in enumerate(infos)
            ]
        doc = {
            "result": {
                "query": f"{q}*",
                "status": {"@code": "200", "text": "OK"},
                "time": {"@unit": "msecs", "text": "1.00"},
                "completions": {"@total": "0", "@computed": "0", "@sent": "0"},
                "hits": hits,
            }
        }
        return _json(200, doc)

    # --- OpenReview --------------------------------------------------------------------------
    def _openreview(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> Answer:
        note_id = (query.get("id") or query.get("forum") or [""])[0]
        note = self.world.openreview.get(note_id)
        if path.rstrip("/") != "/notes" or note is None:
            return _json(
                404,
                {
                    "name": "NotFoundError",
                    "message": f"The Note {note_id} was not found",
                    "status": 404,
                    "details": {"path": "id", "value": note_id},
                },
            )
        return _json(200, {"notes": [note], "count": 1})

    # --- Crossref ----------------------------------------------------------------------------
    def _crossref(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
        doi = unquote(path.removeprefix("/works/")).lower()
        work = self.world.crossref.get(doi) if path.startswith("/works/") else None
        if work is None:
            return 404, {"Content-Type": "text/plain"}, b"Resource not found."
        return _json(
            200,
            {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": work},
        )

    # --- Semantic Scholar --------------------------------------------------------------------
    def _s2(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
        if method != "POST" or path != "/graph/v1/paper/batch":
            return _json(404, {"error": "Not found"})
        try:
            ids = json.loads(body)["ids"]
        except (ValueError, KeyError, TypeError):
            return _json(400, {"error": "Unrecognized or invalid request body"})
        if len(ids) > 500:
            return _json(400, {"error": "Cannot request more than 500 ids at once"})
        return _json(200, [self.world.s2.get(i) for i in ids])

    # --- ACL Anthology -------------------------------------------------------------------
    def _acl(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
        """aclanthology.org/{id}.bib: the paper's BibTeX; anything else its HTML 404 page."""
        bib = self.world.acl.get(path.strip("/").removesuffix(".bib"))
        if bib is None or not path.endswith(".bib"):
            page = b"<!doctype html><title>Page not found - ACL Anthology</title>"
            return 404, {"Content-Type": "text/html; charset=utf-8"}, page
        return 200, {"Content-Type": "application/x-bibtex; charset=utf-8"}, bib.encode()

    # --- GitHub ------------------------------------------------------------------------------
    def _github(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
        if path == "/rate_limit":
            with self._lock:
                headers = self._quota_headers()
            core = {
                "limit": int(headers["x-ratelimit-limit"]),
                "remaining": int(headers["x-ratelimit-remaining"]),
                "reset": int(headers["x-ratelimit-reset"]),
                "used": int(headers["x-ratelimit-limit"]) - int(headers["x-ratelimit-remaining"]),
                "resource": "core",
            }
            return _json(200, {"resources": {"core": core}, "rate": core})
        repos = {k.lower(): v for k, v in self.world.github.items()}
        if path.startswith("/repositories/"):
            ident = path.removeprefix("/repositories/")
            repo = next((r for r in repos.values() if str(r.get("id")) == ident), None)
            return _json(200, repo) if repo else _json(404, _NOT_FOUND)
        name = path.removeprefix("/repos/").lower()
        if name in repos:
            return _json(200, repos[name])
        moved = {k.lower(): v for k, v in self.world.renamed.items()}.get(name)
        if moved and moved.lower() in repos:
            target = f"{self.url}/repositories/{repos[moved.lower()]['id']}"
            doc = {
                "message": "Moved Permanently",
                "url": target,
                "documentation_url": "https://docs.github.com/v3/#http-redirects",
            }
            return _json(301, doc, Location=target)
        return _json(404, _NOT_FOUND)


_NOT_FOUND = {
    "message": "Not Found",
    "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository",
    "status": "404",
}


def _arxiv_id_ok(ident: str) -> bool:
    return bool(re.fullmatch(r"\d{4}\.\d{4,5}(v\d+)?|[a-z-]+(\.[A-Z]{2})?/\d{7}(v\d+)?", ident))


def _arxiv_error(ident: str) -> str:
    return (
        f"  <entry>\n    <id>http://arxiv.org/api/errors#incorrect_id_format_for_{escape(ident)}</id>\n"
        f"    <title>Error</title>\n    <summary>incorrect id format for {escape(ident)}</summary>\n"
        "    <updated>2026-12-01T00:00:00-05:00</updated>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n"
    )


def _arxiv_entry(ident: str, e: dict[str, Any]) -> str:
    version = e.get("version", 1)
    authors = "".join(
        f"    <author>\n      <name>{escape(a)}</name>\n    </author>\n"
        for a in e.get("authors", [])
    )
    extra = ""
    if e.get("doi"):
        extra += f'    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">{escape(e["doi"])}</arxiv:doi>\n'
    if e.get("journal_ref"):
        extra += f'    <arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">{escape(e["journal_ref"])}</arxiv:journal_ref>\n'
    if e.get("comment"):
        extra += f'    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">{escape(e["comment"])}</arxiv:comment>\n'
    return (
        f"  <entry>\n    <id>http://arxiv.org/abs/{ident}v{version}</id>\n"
        f"    <updated>{e.get('updated', e.get('published', '2021-01-01'))}T17:37:39Z</updated>\n"
        f"    <published>{e.get('published', '2021-01-01')}T17:37:18Z</published>\n"
        f"    <title>{escape(e.get('title', ''))}</title>\n    <summary>  {escape(e.get('summary', ''))}\n</summary>\n"
        + authors
        + extra
        + f'    <link href="http://arxiv.org/abs/{ident}v{version}" rel="alternate" type="text/html"/>\n'
        f'    <link title="pdf" href="http://arxiv.org/pdf/{ident}v{version}" rel="related" type="application/pdf"/>\n'
        '    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>\n'
        "  </entry>\n"
    )


class _Handler(BaseHTTPRequestHandler):
    server: Fake
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        fake = self.server
        with fake._lock:
            fake.log.append((self.command, self.path, body))
        refused = fake.admit(parts.path)
        if fake.latency:
            time.sleep(fake.latency)
        status, headers, out = refused or fake.answer(
            self.command, parts.path, parse_qs(parts.query), body, dict(self.headers.items())
        )
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its deadline): nothing to answer

    do_GET = _serve
    do_POST = _serve


# Published limits: arXiv one request / 3 s; Semantic Scholar 1 / s; Crossref's public pool 5 / s;
# DBLP and OpenReview publish no number but throttle bursts (sync keeps to 1 / s); GitHub 60 an
# hour without a token.
LIMITS = {
    "arxiv": 3.0,
    "dblp": 1.0,
    "openreview": 1.0,
    "crossref": 0.2,
    "s2": 1.0,
    "github": 0.0,
    "acl": 1.0,  # `catalog new --acl` only: one BibTeX file per paper
}
ENV = {
    "arxiv": ("CATALOG_ARXIV_API", "/api/query"),
    "dblp": ("CATALOG_DBLP_API", "/search/publ/api"),
    "openreview": ("CATALOG_OPENREVIEW_API", ""),
    "crossref": ("CATALOG_CROSSREF_API", ""),
    "s2": ("CATALOG_SEMANTIC_SCHOLAR_API", "/graph/v1"),
    "github": ("CATALOG_GITHUB_API", ""),
    "acl": ("CATALOG_ACL_API", ""),
}


@dataclass
class Fakes:
    servers: dict[str, Fake]

    @property
    def env(self) -> dict[str, str]:
        env = {ENV[name][0]: server.url + ENV[name][1] for name, server in self.servers.items()}
        env["CATALOG_OPENREVIEW_API_V1"] = self.servers["openreview"].url + "/v1"  # its 404s
        return env

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.servers.values())

    @property
    def too_many(self) -> int:
        return sum(s.too_many for s in self.servers.values())


@contextmanager
def serve_fakes(
    world: World,
    *,
    scale: float = 1.0,
    latency: float = 0.0,
    github_quota: int = 60,
    github_tokens: frozenset[str] = frozenset(),
) -> Iterator[Fakes]:
    """All six fakes, each on its own port; `scale` shrinks every interval (fast tests)."""
    with ExitStack() as stack:
        servers = {}
        for name, interval in LIMITS.items():
            fake = Fake(name, world, interval * scale, latency)
            if name == "github":
                fake.quota = github_quota
                fake.tokens = set(github_tokens)
            threading.Thread(target=fake.serve_forever, args=(0.02,), daemon=True).start()
            stack.callback(fake.server_close)
            stack.callback(fake.shutdown)
            servers[name] = fake
        yield Fakes(servers)
