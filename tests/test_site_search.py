"""One search: the home page's text filter and the site search find the same papers for the
same words (title, authors, venue, keywords, ids, DOIs, also those only data/facts.yaml
holds; prefixes and simple stems), papers rank
above listing pages, and the index loads only once search is used."""

from __future__ import annotations

import json

import pytest
from site_support import (
    FACT_DOI,
    BuiltSite,
    Watched,
)

from catalog.render.search import query_words, stem, terms

# Query -> the papers it finds in tests/site_support.py's catalog.
QUERIES = {
    "dettmers": {"qlora"},  # an author
    "Tim Dettmers": {"qlora"},
    "2106.09685": {"lora"},  # an arXiv id, from the paper link
    "2106": {"lora"},
    "https://arxiv.org/abs/2106.09685v2": {"lora"},  # an id as a reader pastes it
    "arXiv:2106.09685": {"lora"},
    "2106.09685v1.pdf": {"lora"},
    f"https://doi.org/{FACT_DOI}": {"fed-iclr"},
    f"doi:{FACT_DOI}": {"fed-iclr"},
    FACT_DOI: {"fed-iclr"},  # a DOI, only in data/facts.yaml
    "10.1002": {"fed-iclr"},  # its prefix
    "hopper": {"fed-iclr"},  # an author only the facts name
    "quantiz": {"qlora", "fedlora", "zeta-adapt"},  # a prefix of a word
    "quantized": {"qlora", "fedlora", "zeta-adapt"},  # a stem: Quantization, Quantized
    "quantization neurips": {"qlora"},  # words AND together, across fields
    "International Conference on Learning": {"lora", "fed-iclr", "zeta-adapt"},  # venue name
    "paged optimizer": {"qlora"},  # the abstract, from data/facts.yaml
    "normalfloat": {"qlora"},
    "müller": set(),
}


def test_stems_and_terms_follow_the_documented_rules() -> None:
    assert query_words("https://arxiv.org/pdf/2106.09685v3.pdf") == ["2106.09685"]
    assert query_words("DOI: 10.1000/xyz a") == ["10.1000", "xyz"]
    assert query_words("arxiv lora") == ["arxiv", "lora"]  # the venue's name stays a word
    assert stem("quantization") == stem("quantized") == stem("quantizes") == "quantiz"
    assert stem("adapters") == "adapter" and stem("class") == "class" and stem("lora") == "lora"
    assert {"2106.09685", "2106", "09685"} <= terms("arXiv 2106.09685")
    assert "muller" in terms("Müller")


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_the_home_filter_finds(page: Watched, query: str) -> None:
    page.open_home()
    page.filter(query)
    assert page.visible_ids() == QUERIES[query]


def test_the_site_search_finds_the_same_papers_and_ranks_them_first(page: Watched) -> None:
    page.page.goto(page.base + "papers/braces/")
    page.page.wait_for_load_state("networkidle")
    for query, expected in QUERIES.items():
        paths = page.site_search(query)
        papers = [p for p in paths if p.startswith("papers/")]
        assert {p.split("/")[1] for p in papers} == expected, query
        assert paths[: len(papers)] == papers, f"{query}: a listing page above a paper: {paths}"
    assert "keywords/quantization/" in page.site_search("quantization")


def test_the_index_loads_only_when_search_is_used(page: Watched, site: BuiltSite) -> None:
    page.page.goto(page.base + "papers/lora/")
    page.page.wait_for_load_state("networkidle")
    stub = json.loads((site.root / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == []  # what Material fetches on every page: nothing that grows
    assert not [u for u in page.requests if "/search/" in u and "search_index" not in u]
    page.site_search("lora")
    assert [u for u in page.requests if u.endswith("/search/manifest.json")]
    assert [u for u in page.requests if "/search/t" in u]
