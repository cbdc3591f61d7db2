"""Outside services, each behind one thin client, all on one HTTP layer.

Nothing else in catalog talks HTTP. The layer:

- `http.Http`, the engine: libcurl's multi interface on the loop (`transport`: pooled
  connections, only to addresses the guard checked), redirects followed by hand with the SSRF
  guard on every hop (`safety`), retries with backoff, `Retry-After`, one deadline per fetch
  (a wait past it is reported, never slept), bodies never decoded and capped.
- `limits.Hosts`: per-host in-flight slots, an API's published interval, 429 windows (a 429
  halves the host's slots until its window has passed).
- `service.Service`: a service's name, base URL (overridable by `CATALOG_<NAME>_API`), interval
  and API-key variable; `service.open_http(services, contact=repo_url)` builds an engine for
  them (User-Agent naming the catalog's `repo_url`; env-set base URLs trusted by the guard).
- `request.get_json` / `get_text` / `get_ok` / `get`: the polite one-call API for clients.
- `blocking.Blocking`: the same from synchronous code (a loop on a background thread).

Clients: `arxiv` (export API, Atom via defusedxml, 3 s interval, batched `id_list`), `github`,
`doi` (handle API), `openreview` (v2 then v1).

Adding a source (say DBLP), in `catalog/sources/dblp.py`:

    DBLP = Service("DBLP", "CATALOG_DBLP_API", "https://dblp.org", interval=1.0)

    class DblpClient:
        def __init__(self, engine: Http, env: Mapping[str, str] | None = None) -> None:
            self.engine, self.api = engine, DBLP.base(env)

        async def search(self, title: str) -> list[Hit]:
            data = await get_json(self.engine, f"{self.api}/search/publ/api",
                                  params={"q": title, "format": "json"}, what=DBLP.name)
            return parse_hits(data)  # a pure function over the API's documented shape

    # async code:
    async with open_http([DBLP], contact=repo_url) as engine:
        hits = await DblpClient(engine).search("LoRA")
    # synchronous code:
    with Blocking(open_http([DBLP], contact=repo_url)) as http:
        hits = http.run(DblpClient(http.engine).search("LoRA"))

Failures are `SourceError` (a CatalogError: one line naming the service and the cause);
`request.NotFound` for a 404. Tests point `CATALOG_DBLP_API` at a local server answering in the
API's real shapes. This package imports nothing heavy: import the module you use.
"""
