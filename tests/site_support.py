"""A small tricky catalog built into a site once per test session, and a server for it.

Shared by tests/test_site.py (browser) and tests/test_site_build.py (files and exports).
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import http.server
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import CONFIG, record

from catalog.catalog import Catalog
from catalog.records import dump_record
from catalog.render.pages import PAGE_SIZE
from catalog.render.site import build_site
from catalog.validate import load_catalog

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCRIPT_TITLE = '<script>window.__pwned = 1</script></script><img src=x onerror="window.__pwned=2">'
SCRIPT_KEYWORD = "</script><script>window.__pwned=3</script>"
# The oldest paper: on a home page of a few entries, the script renders it from the data.
TEMPLATE_TITLE = "</template><img src=x onerror=window.__pwned=4><b>bold</b> & <!-- Old"

VENUES = """\
arXiv:
  full_name: arXiv preprint
  kind: preprint
ICLR:
  full_name: International Conference on Learning Representations
  kind: conference
NeurIPS:
  full_name: Conference on Neural Information Processing Systems
  kind: conference
R&D <Journal>:
  full_name: Journal of R&D {braces} 100% _under_
  kind: journal
"""

KEYWORDS = f"""\
Federated Learning: {{}}
Quantization: {{}}
Pioneering Paper: {{}}
LoRA+ & Friends: {{}}
"{SCRIPT_KEYWORD}": {{}}
"""

PAPERS: dict[str, dict[str, Any]] = {
    "lora": record(links={"paper": "https://arxiv.org/abs/2106.09685",
                          "code": "https://github.com/microsoft/LoRA"}),
    "qlora": record(title="QLoRA: Efficient Finetuning of Quantized LLMs", year=2023,
                    venue="NeurIPS", keywords=["Quantization"], added=dt.date(2024, 8, 1),
                    authors=["Tim Dettmers", "Artidoro Pagnoni"]),
    "fedlora": record(title="FedLoRA: Federated Low-Rank Adaptation", year=2024,
                      venue="arXiv", keywords=["Federated Learning", "Quantization"],
                      added=dt.date(2024, 9, 3)),
    "fed-iclr": record(title="Federated Adapters at Scale", year=2024, venue="ICLR",
                       keywords=["Federated Learning"], added=dt.date(2024, 9, 4)),
    "braces": record(title="{Curly} 100% $math$ #hash & under_score ~ ^ \\ back", year=2023,
                     venue="R&D <Journal>", keywords=["LoRA+ & Friends"],
                     links={"paper": "https://example.org/paper?id={x}&y=50%25",
                            "project": "https://example.org/p"},
                     added=dt.date(2024, 7, 20)),
    "script-title": record(title=SCRIPT_TITLE, year=2024, venue="arXiv",
                           keywords=[SCRIPT_KEYWORD], added=dt.date(2024, 10, 1)),
    "old-one": record(title="An Older Low-Rank Paper", year=2021, venue="arXiv", keywords=[],
                      added=dt.date(2024, 7, 1)),
    "hostile-old": record(title=TEMPLATE_TITLE, year=2020, venue="NeurIPS",
                          keywords=["Federated Learning", SCRIPT_KEYWORD],
                          links={"paper": "https://arxiv.org/abs/2001.00001",
                                 "code": "https://github.com/example/old?a=1&b=2"},
                          added=dt.date(2024, 6, 1)),
    "zeta-adapt": record(title="Zeta Adaptation for Vision", year=2023, venue="ICLR",
                         keywords=["Quantization", "LoRA+ & Friends"],
                         added=dt.date(2024, 11, 5)),
}  # fmt: skip


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    catalog: Catalog


def write_data(root: Path) -> Path:
    data = root / "data"
    (data / "papers").mkdir(parents=True)
    (data / "catalog.yaml").write_text(CONFIG, encoding="utf-8")
    (data / "venues.yaml").write_text(VENUES, encoding="utf-8")
    (data / "keywords.yaml").write_text(KEYWORDS, encoding="utf-8")
    for n, (paper_id, fields) in enumerate(PAPERS.items()):
        if fields["links"]["paper"] == record()["links"]["paper"] and paper_id != "lora":
            fields = {**fields, "links": {"paper": f"https://arxiv.org/abs/2401.{n:05d}"}}
        (data / "papers" / f"{paper_id}.yaml").write_text(dump_record(fields), encoding="utf-8")
    return data


@functools.cache
def built_site(page_size: int = PAGE_SIZE) -> BuiltSite:
    """Build once per session (mkdocs takes a second or two even for a small catalog).

    With the default page size the home page renders every test paper itself; a small one
    leaves the rest for the script to render from the embedded data.
    """
    root = Path(tempfile.mkdtemp(prefix="catalog-site-test-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    catalog = load_catalog(write_data(root))
    assert not catalog.diagnostics, catalog.diagnostics
    build_site(catalog, root / "build" / "site", page_size=page_size)
    return BuiltSite(root / "build" / "site", catalog)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
