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
    assert "9,001" in html and "(as of 2026-11-30)" in html
    assert "★ 10,500" in html and "cf-archived" in html
    assert (
        "published at" not in html  # the venue is said once, beside it the preprint
        and 'preprint on <a class="cf-link" href="https://arxiv.org/abs/2106.09685">arXiv</a>'
        in html
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


RULES_FACTS = """\
kept:
  authors:
    - source: arxiv
      url: https://arxiv.org/abs/2106.09685
      fetched: 2026-12-01
      value: [Someone Else]
  published:
    - source: arxiv
      url: https://arxiv.org/abs/2106.09685
      fetched: 2026-12-01
      value: 2021-06-17
pinned:
  authors:
    - source: dblp
      url: https://dblp.org/rec/x
      fetched: 2026-12-01
      value: [Filled In]
rejected:
  decision:
    - source: openreview
      url: https://openreview.net/forum?id=abc
      fetched: 2026-12-01
      value: rejected
  venue:
    - source: dblp
      url: https://dblp.org/rec/y
      fetched: 2026-12-01
      value: {venue: ICLR, year: 2024}
    - source: openreview
      url: https://openreview.net/forum?id=abc
      fetched: 2026-12-01
      value: {venue: ICLR, year: 2024}
"""


def test_the_shared_view_lets_the_record_win_and_facts_fill_only_gaps(catalog_dir: Any) -> None:
    """The record's authors beat the facts'; a pinned empty author list stays empty; a day
    outside the record's year is not its date; a rejected forum never becomes a venue."""
    from catalog.render.citation import citation_meta
    from catalog.render.facts_view import paper_views

    catalog_dir.add("kept", authors=["Edward J. Hu"])  # ICLR 2022; arXiv says 2021-06-17
    catalog_dir.add(
        "pinned", title="Pinned", pin=["authors"], links={"paper": "https://arxiv.org/abs/2401.1"}
    )
    catalog_dir.add(
        "rejected",
        title="Rejected",
        venue="arXiv",
        year=2024,
        links={"paper": "https://arxiv.org/abs/2401.2"},
    )
    (catalog_dir.path / "facts.yaml").write_text(RULES_FACTS, encoding="utf-8")
    catalog = load_catalog(catalog_dir.path)
    assert not catalog.diagnostics
    views = paper_views(catalog)
    assert views["kept"].authors == ("Edward J. Hu",)
    assert views["kept"].date == "2022"  # the preprint's day is not the ICLR paper's
    assert views["pinned"].authors == ()
    assert views["rejected"].accepted_at is None
    tags = citation_meta(catalog, views["rejected"])
    assert "citation_conference_title" not in tags
    assert '"citation_technical_report_institution" content="arXiv preprint"' in tags
    document = {p["id"]: p for p in json.loads(papers_json(catalog))["papers"]}
    assert document["kept"]["authors"] == ["Edward J. Hu"]
    assert document["pinned"]["authors"] == []


def test_the_readme_shows_the_lockfiles_stars_beside_the_code_link(
    catalog_dir: Any, tmp_path: Any
) -> None:
    from catalog.build import build

    catalog_with_facts(catalog_dir)
    readme = tmp_path / "README.md"
    result = build(catalog_dir.path, readme, None)
    assert not result.failed
    text = readme.read_text(encoding="utf-8")
    assert "[Link](https://github.com/microsoft/LoRA) ★ 10.5k |" in text
    assert "GitHub stars, as of 2026-12-01." in text
    assert build(catalog_dir.path, readme, None, check=True).readme_changed is False
