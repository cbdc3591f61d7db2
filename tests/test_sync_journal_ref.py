"""arXiv's journal_ref and comment: kept as facts, read as evidence of publication, never alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalog.facts import facts_path, load_facts
from catalog.sync.journal_ref import journal_venue
from catalog.sync.reconcile import venue_lookup
from catalog.sync.run import sync
from catalog.validate import load_catalog
from tests.fakes import papers as make
from tests.fakes.apis import World, serve_fakes

TODAY = dt.date(2026, 12, 1)
FAST = {"arxiv": 0.15, "dblp": 0.05, "semantic-scholar": 0.05}
TITLE = "Sparse Adapters for Everyone"
AUTHORS = ["Ada Lovelace", "Alan Turing"]
ICML_REF = "Proceedings of the 40th International Conference on Machine Learning, PMLR 202, 2023"


def preprint(catalog_dir: Any) -> Any:
    return catalog_dir.add(
        "sparse",
        title=TITLE,
        year=2023,
        venue="arXiv",
        authors=AUTHORS,
        links={"paper": "https://arxiv.org/abs/2301.00001"},
    )


def world(journal_ref: str | None, dblp_venue: str | None) -> World:
    w = World()
    extra = {"journal_ref": journal_ref} if journal_ref else {}
    make.arxiv(w, "2301.00001", TITLE, AUTHORS, comment="9 pages, 4 figures", **extra)
    make.dblp(w, TITLE, AUTHORS, "CoRR", 2023, "journals/corr/abs-2301-00001")
    if dblp_venue:
        make.dblp(w, TITLE, AUTHORS, dblp_venue, 2023, "conf/x/LT23")
    return w


def run(catalog_dir: Any, w: World, **options: Any) -> Any:
    with serve_fakes(w, scale=0.05) as fakes:
        outcome = sync(
            catalog_dir.path,
            env=fakes.env,
            intervals=FAST,
            today=TODAY,
            sources=["arxiv", "dblp"],
            **options,
        )
        assert fakes.too_many == 0
    return outcome


def test_journal_ref_and_comment_are_facts_with_their_url_and_date(catalog_dir: Any) -> None:
    preprint(catalog_dir)
    run(catalog_dir, world(ICML_REF, None))
    facts = load_facts(facts_path(catalog_dir.path))
    ref = facts.get("sparse", "journal_ref")["arxiv"]
    assert (ref.value, ref.url, ref.fetched) == (
        ICML_REF,
        "https://arxiv.org/abs/2301.00001",
        TODAY,
    )
    assert facts.value("sparse", "comment", "arxiv") == "9 pages, 4 figures"
    text = facts_path(catalog_dir.path).read_text(encoding="utf-8")
    assert "  journal_ref:\n    - source: arxiv\n" in text and "  comment:\n" in text


def test_a_journal_ref_that_agrees_supports_the_venue_dblp_decided(catalog_dir: Any) -> None:
    path = preprint(catalog_dir)
    outcome = run(catalog_dir, world(ICML_REF, "ICML"), write=True)
    venue = next(p for p in outcome.proposals if p.field == "venue")
    assert venue.kind == "venue" and venue.new == {"venue": "ICML", "year": 2023}
    assert {f.source for f in venue.evidence} == {"dblp", "arxiv"}
    assert "venue: ICML\n" in path.read_text()


def test_a_journal_ref_that_names_another_venue_is_a_conflict(catalog_dir: Any) -> None:
    path = preprint(catalog_dir)
    before = path.read_bytes()
    outcome = run(catalog_dir, world("Advances in NeurIPS 36 (2023)", "ICML"), write=True)
    venue = next(p for p in outcome.proposals if p.field == "venue")
    assert venue.kind == "conflict" and "dblp: ICML 2023" in venue.note
    assert "journal_ref: 'Advances in NeurIPS 36 (2023)'" in venue.note
    assert path.read_bytes() == before


def test_a_journal_ref_alone_is_reported_and_never_applied(catalog_dir: Any) -> None:
    path = preprint(catalog_dir)
    before = path.read_bytes()
    outcome = run(catalog_dir, world(ICML_REF, None), write=True)
    assert [(p.kind, p.field) for p in outcome.proposals] == [("conflict", "venue")]
    claim = outcome.proposals[0]
    assert claim.new == {"venue": "ICML", "year": 2023}
    assert "only arXiv's journal_ref says ICML 2023" in claim.note
    assert [f.source for f in claim.evidence] == ["arxiv"]
    assert path.read_bytes() == before and outcome.written == []


def test_a_submission_is_not_a_publication(catalog_dir: Any) -> None:
    preprint(catalog_dir)
    outcome = run(catalog_dir, world("Submitted to NeurIPS 2023", None))
    assert outcome.proposals == []


def test_reading_a_journal_ref(catalog_dir: Any) -> None:
    catalog_dir.add("x", title="X")
    venues = load_catalog(catalog_dir.path).venues
    lookup = venue_lookup(venues)
    kinds = {name: v.kind for name, v in venues.entries.items()}

    def read(text: str) -> tuple[str, int | None] | None:
        return journal_venue(text, lookup, kinds)

    assert read(ICML_REF) == ("ICML", 2023)
    assert read("NIPS 2017") == ("NeurIPS", 2017)  # an alias
    assert read("Accepted at ICLR") == ("ICLR", None)  # no year said
    assert read("ICML 2023 Workshop on Efficient Systems") is None  # a workshop, not ICML
    assert read("ICML 2023 and NeurIPS 2023") is None  # two venues: unclear
    assert read("Under review at ICLR 2024") is None
    assert read("arXiv preprint 2023") is None  # a preprint is no venue
    assert read("SICML 2023") is None  # whole words only
    assert read("ICML 2022, extended 2023") == ("ICML", None)  # two years: year unknown
