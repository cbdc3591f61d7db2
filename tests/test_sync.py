"""`catalog sync` against local fakes of arXiv, DBLP, OpenReview, Crossref, Semantic Scholar, GitHub."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from catalog.errors import CatalogError
from catalog.facts import Fact, Facts, dump_facts, facts_path, load_facts, save_facts
from catalog.sync.report import as_json, as_markdown, as_text
from catalog.sync.run import sync
from tests.fakes import papers as make
from tests.fakes.apis import World, serve_fakes

TODAY = dt.date(2026, 12, 1)
FAST = {
    "arxiv": 0.15,
    "dblp": 0.05,
    "openreview": 0.05,
    "crossref": 0.01,
    "semantic-scholar": 0.05,
    "github": 0.0,
}
SCALE = 0.05  # the fakes' intervals, scaled like FAST (arXiv 3 s -> 0.15 s)
JOURNAL = "TPAMI:\n  full_name: IEEE Transactions on Pattern Analysis and Machine Intelligence\n  kind: journal\n"
LORA = "LoRA: Low-Rank Adaptation of Large Language Models"
AUTHORS = ["Edward J. Hu", "Yelong Shen", "Phillip Wallis"]


def preprint(catalog_dir: Any, paper_id: str = "lora", **fields: Any) -> Path:
    base: dict[str, Any] = {
        "title": LORA,
        "year": 2021,
        "venue": "arXiv",
        "links": {"paper": "https://arxiv.org/abs/2106.09685"},
    }
    base.update(fields)
    return catalog_dir.add(paper_id, **base)


def run(catalog_dir: Any, world: World, **options: Any) -> Any:
    with serve_fakes(world, scale=SCALE) as fakes:
        outcome = sync(catalog_dir.path, env=fakes.env, intervals=FAST, today=TODAY, **options)
        assert fakes.too_many == 0
        outcome.requests = fakes.requests
        outcome.fakes = fakes
    return outcome


def kinds(outcome: Any) -> list[tuple[str, str, str]]:
    return [(p.kind, p.paper_id, p.field) for p in outcome.proposals]


def iclr_world(decision: str = "ICLR.cc/2022/Conference", label: str = "ICLR 2022 Poster") -> World:
    world = World()
    make.arxiv(world, "2106.09685", LORA, AUTHORS, published="2021-06-17")
    make.dblp(world, LORA, AUTHORS, "CoRR", 2021, "journals/corr/abs-2106-09685")
    make.dblp(
        world,
        LORA,
        [*AUTHORS[:2], "Phillip Wallis 0001"],
        "ICLR",
        2022,
        "conf/iclr/HuSWALWWC22",
        ee="https://openreview.net/forum?id=nZeVKeeFYf9",
    )
    make.openreview(world, "nZeVKeeFYf9", LORA, decision, label, AUTHORS)
    make.s2(world, "ARXIV:2106.09685", 9001, ArXiv="2106.09685")
    return world


def test_a_preprint_published_at_iclr_moves_when_dblp_and_openreview_agree(
    catalog_dir: Any,
) -> None:
    path = preprint(catalog_dir)
    outcome = run(catalog_dir, iclr_world(), write=True)
    venue = next(p for p in outcome.proposals if p.kind == "venue")
    assert venue.new == {"venue": "ICLR", "year": 2022}
    assert {f.source for f in venue.evidence} == {"dblp", "openreview"}
    assert "https://openreview.net/forum?id=nZeVKeeFYf9" in [f.url for f in venue.evidence]
    text = path.read_text()
    assert "venue: ICLR\n" in text and "year: 2022\n" in text
    assert "authors: [Edward J. Hu, Yelong Shen, Phillip Wallis]\n" in text  # DBLP's 0001 dropped
    facts = load_facts(facts_path(catalog_dir.path))
    assert facts.value("lora", "citations", "semantic-scholar") == 9001
    assert facts.value("lora", "published", "arxiv") == dt.date(2021, 6, 17)
    assert facts.value("lora", "decision", "openreview") == "accepted"


def test_a_manual_venue_with_corroborating_urls_survives_a_sync_and_is_its_evidence(
    catalog_dir: Any,
) -> None:
    """Sync rewrites the lockfile with what the sources said; a curator's manual entry, with
    the second page it cites in `also`, stays as written and decides the venue."""
    preprint(catalog_dir)
    also = ["https://dblp.org/rec/conf/iclr/HuSWALWWC22", "https://iclr.cc/virtual/2022/poster/1"]
    (catalog_dir.path / "facts.yaml").write_text(
        "lora:\n  venue:\n    - source: manual\n"
        "      url: https://openreview.net/forum?id=nZeVKeeFYf9\n"
        f"      also: [{also[1]}, {also[0]}]\n"
        "      fetched: 2026-11-02\n      value: {venue: ICLR, year: 2022}\n"
    )
    outcome = run(catalog_dir, iclr_world(), write=True)
    facts = load_facts(facts_path(catalog_dir.path))
    manual = facts.get("lora", "venue")["manual"]
    assert manual.also == tuple(also) and manual.fetched == dt.date(2026, 11, 2)
    assert facts.value("lora", "venue", "dblp") == {"venue": "ICLR", "year": 2022}  # sync's own
    text = (catalog_dir.path / "facts.yaml").read_text()
    assert f'      also: ["{also[0]}", "{also[1]}"]\n' in text
    venue = next(p for p in outcome.proposals if p.kind == "venue")
    assert venue.new == {"venue": "ICLR", "year": 2022}
    assert next(f for f in venue.evidence if f.source == "manual").also == tuple(also)
    report = json.loads(as_json(outcome.proposals, {}))
    said = [e for p in report["proposals"] for e in p["evidence"] if e["source"] == "manual"]
    assert said and said[0]["also"] == also
    assert all(u in as_text(outcome.proposals, {}) for u in also)
    assert all(f"[also]({u})" in as_markdown(outcome.proposals, {}) for u in also)


def test_dblp_alone_does_not_decide_an_iclr_venue(catalog_dir: Any) -> None:
    preprint(catalog_dir)
    world = iclr_world()
    world.openreview.clear()  # OpenReview answers its 404 NotFoundError
    outcome = run(catalog_dir, world, write=True)
    conflict = next(p for p in outcome.proposals if p.field == "venue")
    assert conflict.kind == "conflict" and "OpenReview" in conflict.note
    assert "venue: arXiv" in (catalog_dir.papers / "lora.yaml").read_text()


def test_a_preprint_published_in_a_journal_moves_on_crossrefs_word(catalog_dir: Any) -> None:
    (catalog_dir.path / "venues.yaml").write_text(
        (catalog_dir.path / "venues.yaml").read_text() + JOURNAL
    )
    path = preprint(
        catalog_dir,
        "vision",
        title="Low-Rank Vision Adapters",
        links={"paper": "https://arxiv.org/abs/2301.00001"},
    )
    world = World()
    make.arxiv(
        world,
        "2301.00001",
        "Low-Rank Vision Adapters",
        ["Ada Lovelace", "Alan Turing"],
        doi="10.1109/TPAMI.2024.1234567",
    )
    make.crossref(
        world,
        "10.1109/TPAMI.2024.1234567",
        "Low-Rank Vision Adapters",
        "IEEE Transactions on Pattern Analysis and Machine Intelligence",
        [2024, 3, 5],
        [("Ada", "Lovelace"), ("Alan", "Turing")],
    )
    outcome = run(catalog_dir, world, write=True)
    venue = next(p for p in outcome.proposals if p.kind == "venue")
    assert venue.new == {"venue": "TPAMI", "year": 2024}
    assert [f.url for f in venue.evidence] == ["https://doi.org/10.1109/tpami.2024.1234567"]
    assert "venue: TPAMI\n" in path.read_text() and "year: 2024\n" in path.read_text()
    facts = load_facts(facts_path(catalog_dir.path))
    assert facts.value("vision", "published", "crossref") == dt.date(2024, 3, 5)


def test_sources_that_disagree_are_a_conflict_and_nothing_is_applied(catalog_dir: Any) -> None:
    path = preprint(
        catalog_dir,
        "split",
        title="Split Adapters",
        links={"paper": "https://arxiv.org/abs/2302.00002"},
    )
    before = path.read_bytes()
    world = World()
    make.arxiv(world, "2302.00002", "Split Adapters", ["Ada Lovelace"])
    make.dblp(
        world,
        "Split Adapters",
        ["Ada Lovelace"],
        "ICML",
        2023,
        "conf/icml/Lovelace23",
        ee="https://openreview.net/forum?id=split1",
    )
    make.openreview(
        world,
        "split1",
        "Split Adapters",
        "NeurIPS.cc/2023/Conference",
        "NeurIPS 2023 poster",
        ["Ada Lovelace"],
    )
    outcome = run(catalog_dir, world, write=True)
    conflict = next(p for p in outcome.proposals if p.field == "venue")
    assert conflict.kind == "conflict" and "ICML" in conflict.note and "NeurIPS" in conflict.note
    assert not any(p.kind == "venue" for p in outcome.proposals)
    authors = next(p for p in outcome.proposals if p.field == "authors")
    assert authors.kind == "authors"  # the sources agree on the authors: that part applies
    assert path.read_bytes() == before + b"authors: [Ada Lovelace]\n"


def test_authors_that_disagree_are_a_conflict(catalog_dir: Any) -> None:
    path = preprint(catalog_dir, venue="ICLR", year=2022)
    world = iclr_world()
    world.arxiv["2106.09685"]["authors"] = ["Edward J. Hu", "Someone Else"]
    outcome = run(catalog_dir, world, write=True, sources=["arxiv", "dblp"])
    assert ("conflict", "lora", "authors") in kinds(outcome)
    assert "authors" not in path.read_text()


def test_a_rejected_openreview_submission_is_never_shown_as_accepted(catalog_dir: Any) -> None:
    path = preprint(catalog_dir)
    before = path.read_text()
    world = iclr_world("ICLR.cc/2022/Conference/Rejected_Submission", "Submitted to ICLR 2022")
    outcome = run(catalog_dir, world, write=True)  # DBLP (wrongly) lists it at ICLR 2022
    venue = next(p for p in outcome.proposals if p.field == "venue")
    assert venue.kind == "conflict" and "rejected" in venue.note
    assert "venue: arXiv" in path.read_text() and path.read_text().startswith(before.rstrip("\n"))
    facts = load_facts(facts_path(catalog_dir.path))
    assert facts.value("lora", "decision", "openreview") == "rejected"
    assert "openreview" not in facts.get("lora", "venue")


def test_a_withdrawn_submission_alone_proposes_nothing(catalog_dir: Any) -> None:
    preprint(catalog_dir, links={"paper": "https://openreview.net/forum?id=nZeVKeeFYf9"})
    world = iclr_world(
        "ICLR.cc/2022/Conference/Withdrawn_Submission", "ICLR 2022 Conference Withdrawn Submission"
    )
    world.dblp.clear()
    outcome = run(catalog_dir, world)
    assert not [p for p in outcome.proposals if p.field == "venue"]


def test_a_pinned_field_is_left_alone(catalog_dir: Any) -> None:
    path = preprint(catalog_dir, pin=["venue"])
    outcome = run(catalog_dir, iclr_world(), write=True)
    assert ("pinned", "lora", "venue") in kinds(outcome)
    text = path.read_text()
    assert "venue: arXiv" in text and "year: 2021" in text
    assert "authors: [Edward J. Hu" in text  # what is not pinned still applies


def test_a_pdf_link_becomes_the_abstract_page(catalog_dir: Any) -> None:
    path = preprint(
        catalog_dir,
        venue="ICLR",
        year=2022,
        links={"paper": "https://arxiv.org/pdf/2106.09685v2.pdf"},
    )
    run(catalog_dir, iclr_world(), write=True, sources=["arxiv"])
    assert "  paper: https://arxiv.org/abs/2106.09685\n" in path.read_text()


def test_a_renamed_and_a_deleted_repository(catalog_dir: Any) -> None:
    moved = preprint(
        catalog_dir,
        "moved",
        venue="ICLR",
        year=2022,
        links={
            "paper": "https://arxiv.org/abs/2106.09685",
            "code": "https://github.com/microsoft/LoRA",
        },
    )
    gone = catalog_dir.add(
        "gone",
        title="Gone Adapters",
        links={"paper": "https://example.org/gone", "code": "https://github.com/someone/gone"},
    )
    kept = gone.read_bytes()
    world = World()
    make.repo(world, "microsoft/LoRA-2", 101, 10500, archived=True)
    world.renamed["microsoft/LoRA"] = "microsoft/LoRA-2"
    outcome = run(catalog_dir, world, write=True, sources=["github"])
    found = kinds(outcome)
    assert ("code-moved", "moved", "links.code") in found
    assert ("code-archived", "moved", "links.code") in found
    assert ("code-deleted", "gone", "links.code") in found
    assert "  code: https://github.com/microsoft/LoRA-2\n" in moved.read_text()
    assert gone.read_bytes() == kept  # a deleted repository is reported, never removed
    facts = load_facts(facts_path(catalog_dir.path))
    assert facts.value("moved", "stars", "github") == 10500
    assert facts.value("moved", "archived", "github") is True
    assert facts.value("gone", "code_status", "github") == "deleted"


def test_an_edited_record_keeps_its_comments_and_layout_byte_for_byte(catalog_dir: Any) -> None:
    original = (
        "# yaml-language-server: $schema=../paper.schema.json\n"
        "# A hand-kept record: comments, odd spacing and quoting must survive.\n"
        "title:   'LoRA: Low-Rank Adaptation of Large Language Models'   # as on arXiv\n"
        "year: 2021 # first version\n"
        "venue:    arXiv        # until it is published\n"
        "links:\n"
        '    paper: "https://arxiv.org/abs/2106.09685"\n'
        "keywords:\n"
        "  - Pioneering Paper   # the authors' word\n"
        "added: 2024-07-12\n"
        "\n"
        "# Notes below are for maintainers.\n"
        "notes: |-\n"
        "  first line\n"
        "    indented line\n"
    )
    path = catalog_dir.add("lora", original)
    run(catalog_dir, iclr_world(), write=True)
    edited = path.read_text()
    diff = list(difflib.ndiff(original.splitlines(), edited.splitlines()))
    assert [line for line in diff if line.startswith("- ")] == [
        "- year: 2021 # first version",
        "- venue:    arXiv        # until it is published",
    ]
    assert [line for line in diff if line.startswith("+ ")] == [
        "+ year: 2022 # first version",
        "+ venue:    ICLR        # until it is published",
        "+ authors: [Edward J. Hu, Yelong Shen, Phillip Wallis]",
    ]
    assert "added: 2024-07-12\nauthors: [Edward J. Hu, Yelong Shen, Phillip Wallis]\n\n" in edited
    assert edited.endswith("notes: |-\n  first line\n    indented line\n")


def test_a_budget_that_runs_out_stops_cleanly_and_the_next_run_resumes(catalog_dir: Any) -> None:
    world = World()
    for i in range(12):
        title = f"Adapter Study Number {i}"
        venue = {"venue": "arXiv", "year": 2023} if i % 2 else {"venue": "ICML", "year": 2023}
        catalog_dir.add(
            f"paper-{i:02d}", title=title, links={"paper": f"https://example.org/{i}"}, **venue
        )
        make.dblp(world, title, ["Ada Lovelace"], "ICML", 2024, f"conf/icml/A{i}")
    intervals = {**FAST, "dblp": 0.25}
    with serve_fakes(world, scale=0.25) as fakes:
        first = sync(
            catalog_dir.path,
            env=fakes.env,
            intervals=intervals,
            today=TODAY,
            budget=1.6,
            sources=["dblp"],
        )
        asked_first = [p for _, p, _ in fakes.servers["dblp"].log]
        time.sleep(0.3)  # the pace lives in one process; the next run is another one
        second = sync(
            catalog_dir.path, env=fakes.env, intervals=intervals, today=TODAY, sources=["dblp"]
        )
        asked_all = [p for _, p, _ in fakes.servers["dblp"].log]
        assert fakes.too_many == 0
    assert first.stats.out_of_time and 0 < first.stats.asked["dblp"] < 12
    assert first.stats.seconds < 1.6 + 1.0
    assert first.stats.pending["dblp"] == 12 - first.stats.asked["dblp"]
    facts = load_facts(facts_path(catalog_dir.path))
    assert len(asked_all) == 12 and len(set(asked_all)) == 12  # nothing asked twice
    assert not second.stats.out_of_time and second.stats.asked["dblp"] == 12 - len(asked_first)
    # Preprints (the odd papers) were asked first.
    titles = [parse_qs(urlsplit(p).query)["q"][0] for p in asked_all]
    assert {int(t.rsplit(" ", 1)[1]) for t in titles[:6]} == {1, 3, 5, 7, 9, 11}
    assert all(facts.checked(f"paper-{i:02d}", "dblp") == TODAY for i in range(12))


def test_a_second_run_asks_nothing_that_is_fresh(catalog_dir: Any) -> None:
    preprint(catalog_dir)
    world = iclr_world()
    with serve_fakes(world, scale=SCALE) as fakes:
        sync(catalog_dir.path, env=fakes.env, intervals=FAST, today=TODAY)
        first = fakes.requests
        again = sync(
            catalog_dir.path, env=fakes.env, intervals=FAST, today=TODAY + dt.timedelta(days=1)
        )
        assert fakes.requests == first and again.stats.requests == 0
        later = sync(
            catalog_dir.path, env=fakes.env, intervals=FAST, today=TODAY + dt.timedelta(days=8)
        )
        assert later.stats.asked["semantic-scholar"] == 1  # citation counts are due weekly


def test_only_and_source_narrow_a_run(catalog_dir: Any) -> None:
    preprint(catalog_dir)
    preprint(
        catalog_dir,
        "other",
        title="Other Adapters",
        links={"paper": "https://arxiv.org/abs/2303.00003"},
    )
    outcome = run(catalog_dir, iclr_world(), only=["lora"], sources=["arxiv"])
    assert outcome.stats.asked == {"arxiv": 1}
    with pytest.raises(CatalogError, match="no paper with id 'nope'"):
        sync(catalog_dir.path, only=["nope"], ask=False)


def test_error_forms_of_the_apis(catalog_dir: Any) -> None:
    preprint(
        catalog_dir,
        links={"paper": "https://arxiv.org/abs/2106.09685", "code": "https://github.com/a/b"},
    )
    world = World()  # every source knows nothing: empty feed, empty hits, nulls, 404s
    outcome = run(catalog_dir, world)
    assert outcome.proposals == [] or all(p.kind == "code-deleted" for p in outcome.proposals)
    facts = load_facts(facts_path(catalog_dir.path))
    assert {s for s in facts.get("lora", "checked")} >= {
        "arxiv",
        "dblp",
        "semantic-scholar",
        "github",
    }


def test_the_fakes_answer_429_past_their_limit() -> None:
    with serve_fakes(World(), scale=1.0) as fakes:
        url = fakes.env["CATALOG_ARXIV_API"]
        first = requests.get(url, params={"id_list": "2106.09685"}, timeout=5)
        second = requests.get(url, params={"id_list": "2106.09685"}, timeout=5)
        assert (first.status_code, second.status_code) == (200, 429)
        assert second.headers["Retry-After"] == "3"
        bad = requests.get(url, params={"id_list": "2106.0968x"}, timeout=5)
        assert bad.status_code == 429 and fakes.too_many == 2
        s2 = requests.post(
            fakes.env["CATALOG_SEMANTIC_SCHOLAR_API"] + "/paper/batch",
            json={"ids": ["ARXIV:1"]},
            timeout=5,
        )
        assert s2.json() == [None]
        crossref = requests.get(fakes.env["CATALOG_CROSSREF_API"] + "/works/10.1/x", timeout=5)
        assert (crossref.status_code, crossref.text) == (404, "Resource not found.")


def test_facts_file_is_sorted_and_a_broken_one_is_an_error_at_its_line(tmp_path: Path) -> None:
    facts = Facts()
    day = dt.date(2026, 12, 1)
    facts.put("zeta", "stars", Fact("github", "https://github.com/a/b", day, 3))
    facts.put(
        "alpha",
        "venue",
        Fact("manual", "https://openreview.net/forum?id=x", day, {"venue": "ICLR", "year": 2022}),
    )
    facts.put("alpha", "authors", Fact("dblp", "https://dblp.org/rec/x", day, ["A. B", "C: D"]))
    facts.put("alpha", "authors", Fact("arxiv", "https://arxiv.org/abs/1", day, ["A. B"]))
    text = dump_facts(facts)
    assert text.index("alpha:") < text.index("zeta:")
    assert text.index("source: arxiv") < text.index("source: dblp") < text.index("source: manual")
    path = tmp_path / "facts.yaml"
    assert save_facts(path, facts) and not save_facts(path, facts)
    assert load_facts(path).papers == facts.papers
    path.write_text(text.replace("value: 3", "value: many"))
    with pytest.raises(CatalogError, match=r"facts\.yaml:\d+:\d+: value 'many' is not a count"):
        load_facts(path)


def test_an_arxiv_error_entry_stops_the_source_and_says_why(catalog_dir: Any) -> None:
    preprint(catalog_dir)
    world = iclr_world()
    world.malformed.add("2106.09685")  # the API answers its error entry for the whole query
    outcome = run(catalog_dir, world, sources=["arxiv"])
    assert "incorrect id format for 2106.09685" in outcome.stats.stopped["arxiv"]
    assert load_facts(facts_path(catalog_dir.path)).checked("lora", "arxiv") is None


def test_the_cli_prints_one_json_document_and_a_markdown_report(catalog_dir: Any) -> None:
    from click.testing import CliRunner

    from catalog.cli import main

    preprint(catalog_dir)
    with serve_fakes(iclr_world(), scale=1.0) as fakes:
        env = {**fakes.env, "GITHUB_TOKEN": ""}
        result = CliRunner().invoke(
            main,
            [
                "sync",
                "--data",
                str(catalog_dir.path),
                "--format",
                "json",
                "--source",
                "arxiv",
                "--source",
                "dblp",
            ],
            env=env,
        )
        assert fakes.too_many == 0
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["run"]["sources"]["dblp"]["asked"] == 1
    assert {p["kind"] for p in doc["proposals"]} == {"conflict", "authors"}  # ICLR needs OpenReview
    markdown = CliRunner().invoke(
        main, ["sync", "--data", str(catalog_dir.path), "--no-fetch", "--format", "markdown"]
    )
    assert markdown.exit_code == 0
    assert (
        "### Authors filled (1)" in markdown.stdout
        and "[dblp](https://dblp.org/rec/conf/iclr/HuSWALWWC22)" in markdown.stdout
    )


def test_the_cli_exit_codes(catalog_dir: Any) -> None:
    from click.testing import CliRunner

    from catalog.cli import main

    preprint(catalog_dir)
    data = str(catalog_dir.path)
    assert CliRunner().invoke(main, ["sync", "--data", data, "--budget", "soon"]).exit_code == 2
    assert (
        CliRunner().invoke(main, ["sync", "--data", str(catalog_dir.path / "nope")]).exit_code == 2
    )
    unknown = CliRunner().invoke(main, ["sync", "--data", data, "--no-fetch", "--only", "nope"])
    assert unknown.exit_code == 1 and "no paper with id 'nope'" in unknown.stderr
    (catalog_dir.path / "facts.yaml").write_text(
        "lora:\n  stars:\n    - source: github\n      url: https://github.com/a/b\n      fetched: 2026-13-01\n      value: 1\n"
    )
    broken = CliRunner().invoke(main, ["sync", "--data", data, "--no-fetch"])
    assert (
        broken.exit_code == 1
        and "facts.yaml:5:" in broken.stderr
        and "Traceback" not in broken.output
    )


def test_ctrl_c_saves_what_was_asked_and_exits_130(catalog_dir: Any) -> None:
    import os
    import signal
    import subprocess
    import sys

    world = World()
    for i in range(40):
        title = f"Interrupted Study {i}"
        catalog_dir.add(
            f"study-{i:02d}",
            title=title,
            venue="arXiv",
            links={"paper": f"https://example.org/{i}"},
        )
        make.dblp(world, title, ["Ada Lovelace"], "ICML", 2024, f"conf/icml/I{i}")
    with serve_fakes(world) as fakes:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "catalog",
                "sync",
                "--data",
                str(catalog_dir.path),
                "--source",
                "dblp",
            ],
            env={**os.environ, **fakes.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while fakes.servers["dblp"].requests < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        _out, err = proc.communicate(timeout=10)
        assert time.monotonic() - start < 5.0  # the facts saved, the process gone
        assert fakes.too_many == 0
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    facts = load_facts(facts_path(catalog_dir.path))
    asked = [i for i in range(40) if facts.checked(f"study-{i:02d}", "dblp")]
    # DBLP is asked one title at a time, so when the third request arrived the first two
    # answers were in; the third may still have been on the wire when Ctrl-C came.
    assert 2 <= len(asked) < 40


def test_a_run_where_no_source_answers_is_not_clean(catalog_dir: Any) -> None:
    """Every source down (here: a closed port) is an environment problem, exit 2, not a
    quiet "0 changes proposed"."""
    import socket

    from click.testing import CliRunner

    from catalog.cli import main

    preprint(catalog_dir)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env = {"CATALOG_ARXIV_API": f"{closed}/api/query", "CATALOG_DBLP_API": f"{closed}/search"}
    result = CliRunner().invoke(
        main,
        ["sync", "--data", str(catalog_dir.path), "--source", "arxiv", "--source", "dblp"],
        env=env,
    )
    assert result.exit_code == 2, result.output
    assert "warning: stopped asking" in result.stderr
    assert "no source could be asked" in result.stderr
    assert "Traceback" not in result.output


def test_the_reserve_grows_to_what_reading_or_saving_took() -> None:
    from catalog.sync.run import reserve, wrap_up

    assert (reserve(600), reserve(20)) == (10.0, 2.0)
    assert wrap_up(600, read=2.0) == 10.0  # a small catalog: the fixed reserve
    assert wrap_up(600, read=20.0) == 30.0  # 10,000 papers on a busy machine, and growth
    assert wrap_up(600, read=1.0, saved=14.0) == 21.0  # a save during the run took longer
    assert wrap_up(20, read=30.0) == 10.0  # never more than half the budget


def test_periodic_saves_stop_when_the_budget_ends_before_the_next(
    catalog_dir: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long run saves the facts every SAVE_EVERY seconds, but not just before its budget
    ends: the final save follows, and two saves back to back would overrun the budget."""
    from catalog.sync import engine
    from catalog.sync.adapters import Ctx
    from catalog.sync.transport import Deadline
    from catalog.validate import load_catalog

    for i in range(5):
        catalog_dir.add(f"p{i}", title=f"Paper {i}", links={"paper": f"https://example.org/{i}"})
    papers = load_catalog(catalog_dir.path).papers

    class Slow:
        name, batch, interval, after = "slow", 1, 0.0, ()

        def key(self, paper: Any, facts: Any) -> str:
            return str(paper.id)

        def max_age(self, paper: Any, facts: Any) -> int:
            return 7

        def checked_url(self, key: str) -> str:
            return f"https://example.org/{key}"

        def ask(self, http: Any, keys: list[str], today: dt.date) -> dict[str, Any]:
            time.sleep(0.12)
            return {key: [] for key in keys}

    class NoHttp:  # the adapter asks no one; the engine reads only these two
        requests_made = 0

        def __init__(self, deadline: Deadline) -> None:
            self.deadline = deadline

    monkeypatch.setattr(engine, "SAVE_EVERY", 0.1)
    saves = {"none": 0, "budget": 0}
    for case, deadline in (("none", Deadline()), ("budget", Deadline.after(0.05))):

        def save(case: str = case) -> None:
            saves[case] += 1

        run = engine.Sync(papers, Facts(), [Slow()], NoHttp(deadline), Ctx({}, frozenset()),  # type: ignore[list-item, arg-type]
                          TODAY, save)  # fmt: skip
        assert run.run().asked["slow"] == 5
    assert saves["none"] >= 3 and saves["budget"] == 0
