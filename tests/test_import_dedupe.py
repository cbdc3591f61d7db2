"""`catalog import` and `catalog dedupe` decide "same paper?" with one identity index: papers
already there are overlaps, repeats fold only when the titles agree too, and whatever import
folds, dedupe would have found (a property test), and the other way round."""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from conftest import CONFIG, KEYWORDS, VENUES, CatalogDir
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.cli import main
from catalog.dedupe import find_identity
from catalog.records import dump_record
from catalog.validate import load_catalog

SECOND_LIST = """\
# Awesome-Adapters

## Papers
| Year | Title | Venue | Paper | Code |
| ---- | ----- | ----- | ----- | ---- |
| 2022 | LoRA: Low-Rank Adaptation of Large Language Models | ICLR | [Link](https://arxiv.org/pdf/2106.09685v2.pdf) | - |
| 2024 | flora: low-rank adapters are secretly gradient compressors | ICML | [Link](http://export.arxiv.org/abs/2402.03293v1) | - |
| 2024 | AutoLoRa - An Automated Robust Fine-Tuning Framework | ICLR | [Link](https://openreview.net/forum?id=09xFexjhqE) | - |
| 2024 | RoSA: Accurate Parameter-Efficient Fine-Tuning via Robust Adaptation | ICML | [Link](https://arxiv.org/abs/2401.04679) | - |
| 2024 | CorDA: Context-Oriented Decomposition Adaptation | arXiv | [Link](https://arxiv.org/abs/2407.07802) | - |
| 2024 | A Paper Nobody Listed Before | arXiv | [Link](https://example.org/new.pdf) | - |
"""


def import_(markdown: Path, data: Path, *extra: str) -> tuple[int, str]:
    args = ["import", str(markdown), "--data", str(data), "--added", "2024-08-01", *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def seed(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    catalog_dir.add(
        "flora",
        title="FLORA: Low-Rank Adapters Are Secretly Gradient Compressors",
        year=2024,
        venue="ICML",
        links={"paper": "https://arxiv.org/pdf/2402.03293"},
    )
    catalog_dir.add(
        "autolora",
        title="AutoLoRa: An Automated Robust Fine-Tuning Framework",
        year=2024,
        links={"paper": "https://openreview.net/pdf?id=09xFexjhqE"},
    )
    catalog_dir.add(
        "rosa",
        title="ROSA: Random Subspace Adaptation for Efficient Fine-Tuning",
        year=2024,
        venue="arXiv",
        links={"paper": "https://arxiv.org/pdf/2407.07802"},
    )


def test_second_list_adds_only_its_new_papers_and_names_overlaps_and_conflicts(
    catalog_dir: CatalogDir, tmp_path: Path
) -> None:
    seed(catalog_dir)
    second = tmp_path / "second.md"
    second.write_text(SECOND_LIST)
    before = {p.name: p.read_bytes() for p in catalog_dir.papers.iterdir()}
    code, out = import_(second, catalog_dir.path)
    assert code == 1, out  # the conflict
    after = {p.name: p.read_bytes() for p in catalog_dir.papers.iterdir()}
    assert {k: v for k, v in after.items() if k in before} == before
    catalog = load_catalog(catalog_dir.path)
    new = sorted(p.title for p in catalog.papers if p.id + ".yaml" not in before)
    assert new == [
        "A Paper Nobody Listed Before",
        "RoSA: Accurate Parameter-Efficient Fine-Tuning via Robust Adaptation",
    ]
    assert [d for d in catalog.diagnostics if d.severity == "error"] == []
    assert catalog.duplicates == [] and catalog.conflicts == []

    overlaps = [line for line in out.splitlines() if "import-overlap" in line]
    assert [line.split(":")[1] for line in overlaps] == ["6", "7", "8"]
    assert "lora.yaml (arxiv:2106.09685); not imported" in overlaps[0]
    assert "flora.yaml (arxiv:2402.03293)" in overlaps[1]
    assert "autolora.yaml (openreview:09xFexjhqE)" in overlaps[2]
    [conflict] = [line for line in out.splitlines() if "identity-conflict" in line]
    assert conflict.split(":")[1] == "10"
    assert "'CorDA: Context-Oriented Decomposition Adaptation' shares arxiv:2407.07802" in conflict
    assert "rosa.yaml 'ROSA: Random Subspace Adaptation for Efficient Fine-Tuning'" in conflict
    assert "2 records written" in out and "3 already there" in out and "1 identity conflict" in out


def test_importing_the_same_list_again_adds_nothing(
    catalog_dir: CatalogDir, tmp_path: Path
) -> None:
    catalog_dir.add("seed", title="Seed Paper", links={"paper": "https://arxiv.org/abs/2301.00001"})
    listing = tmp_path / "list.md"
    listing.write_text(
        "# L\n## Papers\n| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
        "| 2024 | One Paper | ICML | [Link](https://arxiv.org/abs/2401.00001) |\n"
        "| 2024 | Two Paper | ICML | [Link](https://example.org/two.pdf) |\n"
    )
    assert import_(listing, catalog_dir.path)[0] == 0
    files = sorted(p.name for p in catalog_dir.papers.iterdir())
    code, out = import_(listing, catalog_dir.path)
    assert code == 0, out
    assert sorted(p.name for p in catalog_dir.papers.iterdir()) == files
    assert "0 records written" in out and "2 already there" in out


# --- one identity index: import folds exactly what dedupe groups --------------------------

TITLES = ["Alpha Adapters", "ALPHA ADAPTERS", "Alpha", "alpha: adapters again", "Beta Adapters"]
IDS = ["2401.00001", "2401.00002", None]


@st.composite
def rows(draw: st.DrawFn) -> list[tuple[str, int, str]]:
    n = draw(st.integers(1, 9))
    out = []
    for i in range(n):
        ident = draw(st.sampled_from(IDS))
        form = draw(st.sampled_from(["https://arxiv.org/abs/{}", "https://arxiv.org/pdf/{}v2"]))
        url = form.format(ident) if ident else f"https://example.org/p{i}.pdf"
        out.append((draw(st.sampled_from(TITLES)), draw(st.integers(2023, 2024)), url))
    return out


def _as_table(items: list[tuple[str, int, str]]) -> str:
    head = "# L\n## Papers\n| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
    return head + "".join(f"| {y} | {t} | ICML | [Link]({u}) |\n" for t, y, u in items)


def _fresh(root: Path) -> CatalogDir:
    data = root / "data"
    (data / "papers").mkdir(parents=True)
    (data / "catalog.yaml").write_text(CONFIG)
    (data / "venues.yaml").write_text(VENUES)
    (data / "keywords.yaml").write_text(KEYWORDS)
    return CatalogDir(data)


@settings(deadline=None, max_examples=60)
@given(rows())
def test_import_folds_what_dedupe_groups_and_skips_what_it_calls_a_conflict(
    items: list[tuple[str, int, str]],
) -> None:
    first_line = 5  # the table's first row
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        listing = root / "list.md"
        listing.write_text(_as_table(items))
        imported = _fresh(root / "imported")
        result = CliRunner().invoke(
            main, ["import", str(listing), "--data", str(imported.path), "--format", "json"]
        )
        doc: dict[str, Any] = json.loads(result.output)
        # the same rows as records of their own, for dedupe
        apart = _fresh(root / "apart")
        for i, (title, year, url) in enumerate(items):
            fields = {"title": title, "year": year, "venue": "ICML", "links": {"paper": url}}
            apart.add(
                f"r{first_line + i:03d}", dump_record({**fields, "added": dt.date(2024, 1, 1)})
            )
        catalog = load_catalog(apart.path)
        after = load_catalog(imported.path)

    line_of = {f"r{first_line + i:03d}": first_line + i for i in range(len(items))}
    groups = {frozenset(line_of[i] for i in g.ids) for g in catalog.duplicates}
    component = {line: g for g in groups for line in g}
    in_conflict = {
        line
        for c in catalog.conflicts
        for i in c.ids
        for line in component.get(line_of[i], {line_of[i]})
    }
    folded: dict[int, set[int]] = {w["line"]: {w["line"]} for w in doc["written"]}
    for d in doc["diagnostics"]:
        if d["code"] == "import-repeat":
            first = int(re.search(r"of line (\d+)", d["message"]).group(1))  # type: ignore[union-attr]
            folded[first].add(d["line"])
    skipped = {s["line"] for s in doc["skipped"] if s["code"] == "identity-conflict"}

    assert skipped == in_conflict
    expected = {g for g in groups if not g & in_conflict}
    assert {frozenset(v) for v in folded.values() if len(v) > 1} == expected
    all_lines = set(line_of.values())
    assert set().union(*folded.values(), skipped) == all_lines  # every row written or named
    assert find_identity(after.papers).groups == [] and after.conflicts == []
