"""Readers see what `catalog sync` found: pages, papers.json, papers.bib and feed.xml read the
facts lockfile (never the network)."""

from __future__ import annotations

import json
from typing import Any

import bibtexparser

from catalog.render.exports import atom_feed, papers_bib, papers_json
from catalog.render.pages import build_pages
from catalog.validate import load_catalog

FACTS = """\
# Facts that outside sources state about the papers, with evidence (written by `catalog sync`).
lora:
  abstract:
    - source: arxiv
      url: https://arxiv.org/abs/2106.09685
      fetched: 2026-12-01
      value: An important paradigm of natural language processing.
  archived:
    - source: github
      url: https://github.com/microsoft/LoRA
      fetched: 2026-12-01
      value: true
  citations:
    - source: semantic-scholar
      url: https://www.semanticscholar.org/paper/a8ca46
      fetched: 2026-11-30
      value: 9001
  published:
    - source: arxiv
      url: https://arxiv.org/abs/2106.09685
      fetched: 2026-12-01
      value: 2021-06-17
  stars:
    - source: github
      url: https://github.com/microsoft/LoRA
      fetched: 2026-12-01
      value: 10500
preprint:
  comment:
    - source: arxiv
      url: https://arxiv.org/abs/2402.00001
      fetched: 2026-12-01
      value: "12 pages, 3 figures; code <b>soon</b>"
  doi:
    - source: arxiv
      url: https://arxiv.org/abs/2402.00001
      fetched: 2026-12-01
      value: 10.1000/xyz.2024
  journal_ref:
    - source: arxiv
      url: https://arxiv.org/abs/2402.00001
      fetched: 2026-11-29
      value: "Proc. of ICML 2024, PMLR 235 & co"
"""


def catalog_with_facts(catalog_dir: Any) -> Any:
    catalog_dir.add(
        "lora",
        authors=["Edward J. Hu", "Yelong Shen"],
        links={
            "paper": "https://arxiv.org/abs/2106.09685",
            "code": "https://github.com/microsoft/LoRA",
        },
    )
    catalog_dir.add(
        "preprint",
        title="A Preprint",
        venue="arXiv",
        year=2024,
        authors=["Ada Lovelace"],
        links={"paper": "https://arxiv.org/abs/2402.00001"},
    )
    (catalog_dir.path / "facts.yaml").write_text(FACTS, encoding="utf-8")
    catalog = load_catalog(catalog_dir.path)
    assert not catalog.diagnostics
    return catalog


def test_papers_json_carries_the_facts(catalog_dir: Any) -> None:
    papers = {
        p["id"]: p for p in json.loads(papers_json(catalog_with_facts(catalog_dir)))["papers"]
    }
    lora = papers["lora"]
    assert lora["abstract"].startswith("An important paradigm")
    assert lora["published"] == "2021-06-17" and lora["archived"] is True
    assert lora["citations"] == {
        "count": 9001,
        "fetched": "2026-11-30",
        "url": "https://www.semanticscholar.org/paper/a8ca46",
    }
    assert lora["stars"]["count"] == 10500
    assert (
        lora["preprint"] == "https://arxiv.org/abs/2106.09685"
    )  # published at ICLR, preprint kept
    assert (
        papers["preprint"]["doi"] == "10.1000/xyz.2024" and papers["preprint"]["preprint"] is None
    )
    assert papers["preprint"]["journal_ref"] == {
        "text": "Proc. of ICML 2024, PMLR 235 & co",
        "fetched": "2026-11-29",
        "url": "https://arxiv.org/abs/2402.00001",
    }
    assert papers["preprint"]["comment"]["text"] == "12 pages, 3 figures; code <b>soon</b>"
    assert lora["journal_ref"] is None and lora["comment"] is None


def test_bibtex_has_authors_the_entry_type_doi_and_eprint(catalog_dir: Any) -> None:
    library = bibtexparser.parse_string(papers_bib(catalog_with_facts(catalog_dir)))
    assert not library.failed_blocks
    entries = {e.key: e for e in library.entries}
    assert entries["lora"].entry_type == "inproceedings" and "booktitle" in entries["lora"]
    assert entries["lora"]["author"] == "Edward J. Hu and Yelong Shen"
    preprint = entries["preprint"]
    assert preprint.entry_type == "misc"
    assert (preprint["eprint"], preprint["archivePrefix"], preprint["doi"]) == (
        "2402.00001",
        "arXiv",
        "10.1000/xyz.2024",
    )


def test_the_feed_has_authors_and_the_abstract(catalog_dir: Any) -> None:
    feed = atom_feed(catalog_with_facts(catalog_dir), summaries=None)
    assert "<name>Edward J. Hu</name>" in feed and "<name>Ada Lovelace</name>" in feed
    site = build_pages(catalog_with_facts(catalog_dir))
    assert site.abstracts["lora"].startswith("An important paradigm")
    assert "An important paradigm" in atom_feed(
        catalog_with_facts(catalog_dir), summaries=site.abstracts
    )


def test_the_paper_page_shows_the_facts_with_their_dates(catalog_dir: Any) -> None:
    site = build_pages(catalog_with_facts(catalog_dir))
    page = next(p for p in site.pages if p.path == "papers/lora/")
    html = page.html
    assert "Edward J. Hu, Yelong Shen" in html
    assert "An important paradigm" in html
    assert '<time datetime="2021-06-17">' in html
    assert "9001" in html and "(as of 2026-11-30)" in html
    assert "★ 10500" in html and "cf-archived" in html
    assert (
        "published at ICLR 2022" in html
        and 'href="https://arxiv.org/abs/2106.09685">preprint' in html
    )


def test_a_broken_facts_file_is_a_data_error_at_its_line(catalog_dir: Any) -> None:
    catalog_dir.add("lora")
    (catalog_dir.path / "facts.yaml").write_text(
        FACTS.replace("value: 9001", "value: lots"), encoding="utf-8"
    )
    catalog = load_catalog(catalog_dir.path)
    (problem,) = catalog.diagnostics
    assert (
        problem.code == "bad-facts"
        and problem.path.endswith("facts.yaml")
        and (problem.line, problem.column) == (17, 14)
    )


def test_list_entries_show_the_first_authors(catalog_dir: Any) -> None:
    catalog_dir.add("many", title="Many Authors", authors=["A One", "B Two", "C Three", "D Four"])
    catalog_dir.add("none", title="No Authors")
    site = build_pages(load_catalog(catalog_dir.path))
    home = next(p for p in site.pages if p.path in ("", "index.md", "./"))
    assert '<div class="cf-authors">A One, B Two, C Three et al.</div>' in home.html + (
        home.late or ""
    )
    assert home.html.count("cf-authors") + (home.late or "").count("cf-authors") == 1


def test_the_paper_page_shows_the_authors_journal_ref_and_comment(catalog_dir: Any) -> None:
    site = build_pages(catalog_with_facts(catalog_dir))
    html = next(p for p in site.pages if p.path == "papers/preprint/").html
    assert "<dt>Journal ref</dt> <dd>Proc. of ICML 2024, PMLR 235 &amp; co" in html
    assert "as of 2026-11-29" in html and 'href="https://arxiv.org/abs/2402.00001">arXiv' in html
    assert "12 pages, 3 figures; code &lt;b&gt;soon&lt;/b&gt;" in html  # escaped, never markup
    lora = next(p for p in site.pages if p.path == "papers/lora/").html
    assert "Journal ref" not in lora and "Comments" not in lora
