"""Duplicate groups, look-alikes that must stay apart, `catalog dedupe` and its --fix merge."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CatalogDir, record
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.cli import main
from catalog.dedupe import Conflict, Group, find_groups, find_identity
from catalog.dedupe.merge import merge
from catalog.model import Paper, Record
from catalog.validate import load_catalog


def paper(paper_id: str, **fields: Any) -> Paper:
    """A Paper built like a record file would be: `record()` defaults plus overrides."""
    if isinstance(fields.get("links"), str):
        fields["links"] = {"paper": fields["links"]}
    return Paper.model_validate({**record(**fields), "id": paper_id})


def groups_of(*papers: Paper) -> list[tuple[str, ...]]:
    return [g.ids for g in find_groups(papers)]


# The look-alike pairs of the issue: same-sounding names, different papers.
LOOK_ALIKES = [
    (
        ("AutoLoRa: An Automated Robust Fine-Tuning Framework", 2024, "https://openreview.net/pdf?id=09xFexjhqE"),
        ("AutoLoRA: Automatically Tuning Matrix Ranks in Low-Rank Adaptation Based on Meta Learning", 2024, "https://arxiv.org/pdf/2403.09113"),
    ),
    (
        ("FLORA: Low-Rank Adapters Are Secretly Gradient Compressors", 2024, "https://arxiv.org/pdf/2402.03293"),
        ("FLoRA: Low-Rank Core Space for N-dimension", 2024, "https://arxiv.org/abs/2405.14739"),
    ),
    (
        ("Matrix-Transformation Based Low-Rank Adaptation (MTLoRA): A Brain-Inspired Method for Parameter-Efficient Fine-Tuning", 2024, "https://arxiv.org/pdf/2403.07440"),
        ("MTLoRA: A Low-Rank Adaptation Approach for Efficient Multi-Task Learning", 2024, "https://arxiv.org/pdf/2403.20320"),
    ),
    (
        ("ROSA: Random Subspace Adaptation for Efficient Fine-Tuning", 2024, "https://arxiv.org/pdf/2407.07802"),
        ("RoSA: Accurate Parameter-Efficient Fine-Tuning via Robust Adaptation", 2024, "https://arxiv.org/abs/2401.04679"),
    ),
    (
        ("LaMDA: Large Model Fine-Tuning via Spectrally Decomposed Low-Dimensional Adaptation", 2024, "https://arxiv.org/pdf/2406.12832"),
        ("LaMDA: Language Models for Dialog Applications", 2022, "https://arxiv.org/abs/2201.08239"),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second"), LOOK_ALIKES)
def test_look_alike_papers_stay_apart(
    catalog_dir: CatalogDir, first: tuple[str, int, str], second: tuple[str, int, str]
) -> None:
    for paper_id, (title, year, url) in (("one", first), ("two", second)):
        catalog_dir.add(paper_id, title=title, year=year, links={"paper": url})
    catalog = load_catalog(catalog_dir.path)
    assert catalog.diagnostics == []
    assert find_groups(catalog.papers) == []


@pytest.mark.parametrize(("first", "second"), LOOK_ALIKES)
def test_look_alikes_with_the_same_short_name_stay_apart_when_ids_of_a_kind_differ(
    first: tuple[str, int, str], second: tuple[str, int, str]
) -> None:
    """Even written with one identical name and year, two arXiv ids are two papers."""
    a = paper("a", title=first[0].split(":")[0], year=2024, links=first[2])
    b = paper("b", title=first[0].split(":")[0], year=2024, links=second[2])
    same_kind = first[2].split("/")[2] == second[2].split("/")[2]
    assert groups_of(a, b) == ([] if same_kind else [("a", "b")])


def test_one_arxiv_paper_under_several_url_forms_is_one_group() -> None:
    forms = [
        "https://arxiv.org/abs/2106.09685",
        "https://arxiv.org/pdf/2106.09685",
        "https://arxiv.org/pdf/2106.09685v2.pdf",
        "http://export.arxiv.org/abs/2106.09685v1",
    ]
    titles = [
        "LoRA: Low-Rank Adaptation",
        "LORA: low-rank adaptation!",
        "LoRA",
        "LoRA - Low-Rank Adaptation",
    ]
    papers = [
        paper(f"p{i}", links=url, title=t)
        for i, (url, t) in enumerate(zip(forms, titles, strict=True))
    ]
    assert find_groups(papers) == [Group("arxiv:2106.09685", ("p0", "p1", "p2", "p3"))]


def test_one_id_under_titles_that_disagree_is_a_conflict_never_a_group() -> None:
    """A row whose arXiv link points at another paper (CorDA with PeriodicLoRA's id)."""
    url = "https://arxiv.org/abs/2402.16141"
    periodic = paper(
        "periodiclora", title="PeriodicLoRA: Breaking the Low-Rank Bottleneck", links=url
    )
    corda = paper("corda", title="CorDA: Context-Oriented Decomposition Adaptation", links=url)
    copy = paper("periodic-2", title="PeriodicLoRA", links=url + "v2")
    identity = find_identity([corda, periodic, copy])
    assert identity.groups == [Group("arxiv:2402.16141", ("periodic-2", "periodiclora"))]
    assert identity.conflicts == [Conflict("arxiv:2402.16141", ("corda", "periodic-2"))]
    assert find_identity([copy, periodic, corda]) == identity


def test_validate_reports_an_identity_conflict_naming_both_records(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora", added=dt.date(2024, 1, 1))
    catalog_dir.add(
        "corda", title="CorDA: Context-Oriented Decomposition", added=dt.date(2025, 1, 1)
    )
    [diag] = [d for d in load_catalog(catalog_dir.path).diagnostics if d.severity == "error"]
    assert diag.code == "identity-conflict" and Path(diag.path).name == "corda.yaml"
    assert (
        "lora.yaml" in diag.message and "CorDA" in diag.message and "LoRA: Low-Rank" in diag.message
    )


def test_doi_case_and_publisher_urls_match() -> None:
    a = paper("a", links="https://doi.org/10.1145/ABC.1", title="One")
    b = paper("b", links="https://dl.acm.org/doi/pdf/10.1145/abc.1", title="ONE")
    assert find_groups([a, b]) == [Group("doi:10.1145/abc.1", ("a", "b"))]


def test_code_urls_are_no_identity() -> None:
    code = "https://github.com/microsoft/LoRA"
    a = paper("a", title="One", links={"paper": "https://arxiv.org/abs/2106.09685", "code": code})
    b = paper("b", title="Two", links={"paper": "https://arxiv.org/abs/2104.08691", "code": code})
    assert groups_of(a, b) == []


def test_a_shared_id_in_any_link_slot_joins_and_the_strongest_key_names_the_group() -> None:
    a = paper(
        "a",
        title="One: the paper",
        links={
            "paper": "https://openreview.net/forum?id=X1",
            "project": "https://arxiv.org/abs/2106.09685",
        },
    )
    b = paper("b", title="One", links="https://openreview.net/pdf?id=X1")
    c = paper("c", title="ONE: The Paper", links="https://arxiv.org/pdf/2106.09685")
    assert find_groups([c, b, a]) == [Group("arxiv:2106.09685", ("a", "b", "c"))]


def test_title_and_year_within_one_join_papers_without_conflicting_ids() -> None:
    title = "Parameter-Efficient Fine-Tuning of Everything"
    arxiv = paper("arxiv", title=title, year=2023, links="https://arxiv.org/abs/2301.00001")
    acl = paper(
        "acl",
        title=title.upper() + "!",
        year=2024,
        links="https://aclanthology.org/2024.acl-long.1",
    )
    pdf = paper("pdf", title=title, year=2023, links="https://example.org/paper.pdf")
    far = paper("far", title=title, year=2026, links="https://example.org/other.pdf")
    groups = find_groups([arxiv, acl, pdf, far])
    assert groups == [
        Group("title:parameterefficientfinetuningofeverything:2023", ("acl", "arxiv", "pdf"))
    ]


def test_title_match_never_joins_two_ids_of_one_kind_even_through_a_third_record() -> None:
    title = "Same Title"
    a = paper("a", title=title, links="https://arxiv.org/abs/2301.00001")
    b = paper("b", title=title, links="https://example.org/b.pdf")
    c = paper("c", title=title, links="https://arxiv.org/abs/2301.00002")
    groups = groups_of(a, b, c)
    assert len(groups) == 1 and "b" in groups[0] and not {"a", "c"} <= set(groups[0])
    assert groups_of(c, b, a) == groups


# --- properties ---------------------------------------------------------------------------

URLS = [
    "https://arxiv.org/abs/2106.09685",
    "https://arxiv.org/pdf/2106.09685v2",
    "https://arxiv.org/abs/2402.03293",
    "https://openreview.net/forum?id=09xFexjhqE",
    "https://doi.org/10.1145/X",
    "https://dl.acm.org/doi/10.1145/x",
    "https://example.org/a.pdf",
    "https://example.org/b.pdf",
]
TITLES = ["LoRA", "lora!", "FLoRA", "FLORA", "ROSA", "RoSA", "MTLoRA"]


@st.composite
def catalogs(draw: st.DrawFn) -> list[Paper]:
    n = draw(st.integers(0, 12))
    return [
        paper(
            f"p{i}",
            title=draw(st.sampled_from(TITLES)),
            year=draw(st.integers(2021, 2024)),
            links={
                "paper": draw(st.sampled_from(URLS)),
                **({"project": draw(st.sampled_from(URLS))} if draw(st.booleans()) else {}),
            },
        )
        for i in range(n)
    ]


@settings(deadline=None, max_examples=200)
@given(st.data())
def test_groups_do_not_depend_on_file_order(data: st.DataObject) -> None:
    papers = data.draw(catalogs())
    shuffled = data.draw(st.permutations(papers))
    assert find_groups(shuffled) == find_groups(papers)


@settings(deadline=None, max_examples=200)
@given(catalogs())
def test_records_sharing_a_link_id_are_grouped_or_in_conflict(papers: list[Paper]) -> None:
    """Same id and agreeing titles: one group; same id, titles that disagree: never one group
    unless a third record joins them, and then no conflict is left between them."""
    from catalog.identity import link_keys, titles_agree

    identity = find_identity(papers)
    group_of = {i: g.ids for g in identity.groups for i in g.ids}

    def component(i: str) -> tuple[str, ...]:
        return group_of.get(i, (i,))

    clashing = {
        frozenset((component(a), component(b))) for a, b in (c.ids for c in identity.conflicts)
    }
    for a in papers:
        for b in papers:
            if a.id < b.id and set(link_keys(a.links).values()) & set(link_keys(b.links).values()):
                together = b.id in group_of.get(a.id, ())
                if titles_agree(a.title, b.title):
                    assert together
                else:
                    assert together or frozenset((component(a.id), component(b.id))) in clashing
    for conflict in identity.conflicts:
        assert conflict.ids[1] not in group_of.get(conflict.ids[0], ())


@settings(deadline=None, max_examples=200)
@given(catalogs())
def test_title_joins_are_maximal_and_never_mix_two_ids_of_a_kind(papers: list[Paper]) -> None:
    """No two groups could still be joined by title; one-link records never mix arXiv ids."""
    from catalog.identity import key_kind, link_keys, normalize_title

    groups = find_groups(papers)
    component = {p.id: (p.id,) for p in papers} | {i: g.ids for g in groups for i in g.ids}
    by_id = {p.id: p for p in papers}

    def kinds(ids: tuple[str, ...]) -> set[str]:
        return {key_kind(k) for i in ids for k in link_keys(by_id[i].links).values()}

    for a in papers:
        for b in papers:
            ca, cb = component[a.id], component[b.id]
            if ca != cb and normalize_title(a.title) == normalize_title(b.title):
                assert abs(a.year - b.year) > 1 or kinds(ca) & kinds(cb)
    for g in groups:
        single = [by_id[i] for i in g.ids if by_id[i].links.project is None]
        if len(single) == len(g.ids):
            keys = {k for p in single for k in link_keys(p.links).values()}
            assert len(keys) == len({key_kind(k) for k in keys})


def test_many_different_papers_under_one_title_stay_apart_and_still_meet_their_copies() -> None:
    """Filing components by kind: 300 arXiv 'LoRA's, 3 OpenReview ones, 2 bare copies."""
    papers = [
        paper(f"a{i:03d}", title="LoRA", year=2024, links=f"https://arxiv.org/abs/2401.{i:05d}")
        for i in range(300)
    ]
    papers += [
        paper(f"o{i}", title="LoRA", year=2024, links=f"https://openreview.net/forum?id=X{i}")
        for i in range(3)
    ]
    papers += [
        paper("bare1", title="LoRA", year=2023, links="https://example.org/1.pdf"),
        paper("bare2", title="LoRA", year=2025, links="https://example.org/2.pdf"),
    ]
    groups = groups_of(*reversed(papers))
    # ids of different kinds under one title and year may be one paper: each OpenReview
    # record meets one arXiv record, in id order; no group holds two ids of one kind.
    assert groups == [("a000", "bare1", "bare2", "o0"), ("a001", "o1"), ("a002", "o2")]


# --- validate ----------------------------------------------------------------------------


def test_validate_reports_a_re_added_paper_at_its_link_naming_the_original(
    catalog_dir: CatalogDir,
) -> None:
    catalog_dir.add("lora", added=dt.date(2024, 1, 1))
    catalog_dir.add(
        "lora-again",
        links={"paper": "https://arxiv.org/pdf/2106.09685v2"},
        added=dt.date(2025, 1, 1),
    )
    result = CliRunner().invoke(main, ["validate", "--data", str(catalog_dir.path)])
    assert result.exit_code == 1
    again = catalog_dir.papers / "lora-again.yaml"
    lines = again.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "paper:" in text)
    expected = f"{again}:{line}:10: error[duplicate-paper] same paper as {catalog_dir.papers / 'lora.yaml'} (arxiv:2106.09685)"
    assert expected in result.output
    assert result.output.count("duplicate-paper") == 1


def test_validate_points_at_the_title_for_a_title_match(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("a", links={"paper": "https://example.org/a.pdf"})
    catalog_dir.add("b", links={"paper": "https://example.org/b.pdf"}, added=dt.date(2025, 1, 1))
    [diag] = [d for d in load_catalog(catalog_dir.path).diagnostics if d.code == "duplicate-paper"]
    assert Path(diag.path).name == "b.yaml"
    assert (diag.line, diag.column) == (2, 8)
    assert "a.yaml" in diag.message


# --- catalog dedupe ----------------------------------------------------------------------


def run(catalog_dir: CatalogDir, *args: str) -> Any:
    return CliRunner().invoke(main, ["dedupe", "--data", str(catalog_dir.path), *args])


def test_dedupe_exits_0_without_duplicates(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    catalog_dir.add("flora", title="FLoRA", links={"paper": "https://arxiv.org/abs/2405.14739"})
    result = run(catalog_dir)
    assert result.exit_code == 0, result.output
    assert "no duplicates among 2 records" in result.output
    result = run(catalog_dir, "--format", "json")
    assert (result.exit_code, json.loads(result.output)) == (0, {"groups": []})


def test_dedupe_lists_groups_and_exits_1(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    catalog_dir.add("lora-pdf", links={"paper": "https://arxiv.org/pdf/2106.09685.pdf"})
    catalog_dir.add("flora", title="FLoRA", links={"paper": "https://arxiv.org/abs/2405.14739"})
    result = run(catalog_dir, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output) == {
        "groups": [{"key": "arxiv:2106.09685", "records": ["lora", "lora-pdf"]}]
    }
    text = run(catalog_dir)
    assert text.exit_code == 1
    assert text.output.splitlines()[0] == (
        f"arxiv:2106.09685: {catalog_dir.papers / 'lora.yaml'}, {catalog_dir.papers / 'lora-pdf.yaml'}"
    )


def test_dedupe_usage_errors_exit_2(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    assert run(catalog_dir, "--format", "xml").exit_code == 2
    result = CliRunner().invoke(main, ["dedupe", "--data", str(tmp_path / "missing")])
    assert result.exit_code == 2


def test_fix_merges_into_the_oldest_record_keeping_everything(catalog_dir: CatalogDir) -> None:
    catalog_dir.add(
        "lora",
        venue="arXiv",
        year=2021,
        keywords=["Pioneering Paper"],
        sections=["pioneering"],
        added=dt.date(2024, 1, 1),
        authors=["Edward Hu"],
    )
    catalog_dir.add(
        "lora-iclr",
        venue="ICLR",
        year=2022,
        links={
            "paper": "https://openreview.net/forum?id=nZeVKeeFYf9",
            "project": "https://arxiv.org/pdf/2106.09685v2",
            "code": "https://github.com/microsoft/LoRA",
        },
        keywords=["Quantization", "Pioneering Paper"],
        added=dt.date(2024, 6, 1),
        notes="Published version.",
    )
    catalog_dir.add("other", title="FLoRA", links={"paper": "https://arxiv.org/abs/2405.14739"})
    result = run(catalog_dir, "--fix")
    assert result.exit_code == 0, result.output
    assert "merged" in result.output and "lora-iclr.yaml" in result.output
    assert not (catalog_dir.papers / "lora-iclr.yaml").exists()
    catalog = load_catalog(catalog_dir.path)
    assert catalog.diagnostics == []
    merged = {p.id: p for p in catalog.papers}["lora"]
    assert merged.venue == "ICLR" and merged.year == 2022
    assert merged.links.paper == "https://openreview.net/forum?id=nZeVKeeFYf9"
    assert merged.links.code == "https://github.com/microsoft/LoRA"
    assert merged.links.project == "https://arxiv.org/pdf/2106.09685v2"
    assert merged.keywords == ["Pioneering Paper", "Quantization"]
    assert merged.sections == ["pioneering", "papers"]
    assert merged.added == dt.date(2024, 1, 1)
    assert merged.authors == ["Edward Hu"] and merged.notes == "Published version."
    assert (
        "links.paper: kept https://openreview.net/forum?id=nZeVKeeFYf9, dropped https://arxiv.org/abs/2106.09685"
        in result.output
    )
    assert run(catalog_dir).exit_code == 0


def test_fix_on_a_conflict_deletes_and_changes_nothing(catalog_dir: CatalogDir) -> None:
    catalog_dir.add(
        "lora",
        links={"paper": "https://arxiv.org/abs/2106.09685", "code": "https://github.com/a/lora"},
    )
    catalog_dir.add(
        "lora-2",
        links={"paper": "https://arxiv.org/pdf/2106.09685", "code": "https://github.com/b/lora"},
    )
    catalog_dir.add("dup-a", title="Other", links={"paper": "https://arxiv.org/abs/2405.14739"})
    catalog_dir.add(
        "dup-b",
        title="Other",
        links={"paper": "https://arxiv.org/pdf/2405.14739"},
        added=dt.date(2025, 1, 1),
    )
    before = {p.name: p.read_bytes() for p in catalog_dir.papers.iterdir()}
    result = run(catalog_dir, "--fix", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["conflicts"] == [
        {
            "key": "arxiv:2106.09685",
            "records": ["lora", "lora-2"],
            "problems": [
                "links.code: lora: https://github.com/a/lora; lora-2: https://github.com/b/lora"
            ],
        }
    ]
    assert [(m["kept"], m["removed"]) for m in doc["merged"]] == [("dup-a", ["dup-b"])]
    after = {p.name: p.read_bytes() for p in catalog_dir.papers.iterdir()}
    assert (
        after["lora.yaml"] == before["lora.yaml"] and after["lora-2.yaml"] == before["lora-2.yaml"]
    )
    assert "dup-b.yaml" not in after


def test_trivially_different_code_urls_are_no_conflict() -> None:
    a = paper(
        "a",
        links={
            "paper": "https://arxiv.org/abs/2106.09685",
            "code": "https://github.com/Microsoft/LoRA",
        },
    )
    b = paper(
        "b",
        links={
            "paper": "https://arxiv.org/pdf/2106.09685",
            "code": "http://www.github.com/microsoft/LoRA.git/",
        },
    )
    [group] = find_groups([a, b])
    result = merge(group, [a, b], lambda venue: venue == "arXiv")
    assert result.conflicts == [] and result.fields is not None
    assert result.fields["links"]["code"] == "https://github.com/Microsoft/LoRA"


@pytest.mark.parametrize(
    ("field", "first", "second"),
    [
        ("venue", "ICLR", "ICML"),
        ("authors", ["A. One"], ["B. Two"]),
    ],
)
def test_unsettleable_differences_are_conflicts(field: str, first: Any, second: Any) -> None:
    a = paper("a", **{field: first})
    b = paper("b", links="https://arxiv.org/pdf/2106.09685", **{field: second})
    [group] = find_groups([a, b])
    result = merge(group, [a, b], lambda venue: venue == "arXiv")
    assert result.fields is None
    assert [c.split(":")[0] for c in result.conflicts] == [field]


def test_a_short_name_gives_way_to_the_full_title_and_unrelated_titles_never_group() -> None:
    a = paper("a", title="LoRA")
    b = paper("b", links="https://arxiv.org/pdf/2106.09685")
    [group] = find_groups([a, b])
    result = merge(group, [a, b], lambda venue: venue == "arXiv")
    assert result.fields is not None and result.fields["title"] == b.title
    assert f"title: kept {b.title!r}, dropped 'LoRA' (a)" in result.notes
    other = paper("c", title="Totally Different", links="https://arxiv.org/pdf/2106.09685")
    assert find_groups([b, other]) == []


@pytest.mark.parametrize(
    ("first", "second", "agree"),
    [
        ("SpAda: Sparse Adapters", "SPADA: sparse adapters!", True),  # case and punctuation
        ("SpAda", "SpAda: Sparse Adapters for Everyone", True),  # the short name
        ("SpAda: Sparse Adapters for Large Language", "SpAda: Sparse Adapters for Large Language Models", True),  # cut short
        ("Sparse Adapters for Large Language Models", "SpAda: Sparse Adapters for Large Language Models", True),  # no short name
        ("Thin: Residual Structures for Adapter Stackingg", "Thin: Residual Structures for Adapter Stacking", True),  # a typo
        ("SpAda: Sparse Adapters", "GRIT: Gradient-Routed Adapter Tuning", False),  # another paper
        ("ROSA: Random Subspace Adaptation", "RoSA: Robust Sparse Adaptation", False),  # one short name, two papers
        ("Alpha", "Beta", False),
    ],
)  # fmt: skip
def test_titles_agree_on_what_lists_do_to_a_title_and_no_more(
    first: str, second: str, agree: bool
) -> None:
    from catalog.identity import titles_agree

    assert titles_agree(first, second) is agree
    assert titles_agree(second, first) is agree


def test_a_merge_keeps_every_field_of_the_record() -> None:
    """Topics, pins and notes as written survive --fix; a field added to the model later must
    be merged too (this fails until merge() lists it)."""
    a = paper(
        "lora", topics=["foundations"], pin=["venue"], notes="  indented first line\nsecond\n\n"
    )
    b = paper("lora-2", links="https://arxiv.org/pdf/2106.09685v2", topics=["efficiency"])
    group = Group("arxiv:2106.09685", ("lora", "lora-2"))
    result = merge(group, [a, b], lambda venue: venue == "arXiv")
    assert result.conflicts == []
    assert set(result.fields) >= set(Record.model_fields) - {"id"}
    assert result.fields["topics"] == ["foundations", "efficiency"]
    assert result.fields["pin"] == ["venue"]
    assert result.fields["notes"] == "  indented first line\nsecond\n\n"
