"""The synthetic catalog generator: deterministic, honest about its duplicates, valid records."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from benchmarks.synth import SEED_TITLE_LENGTHS, main, write_catalog
from catalog.validate import load_catalog

ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?$")


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def arxiv_groups(root: Path) -> Counter[str]:
    ids: Counter[str] = Counter()
    for path in (root / "papers").glob("*.yaml"):
        url = yaml.safe_load(path.read_text(encoding="utf-8"))["links"]["paper"]
        match = ARXIV.search(url)
        assert match, url
        ids[match.group(1)] += 1
    return ids


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    write_catalog(tmp_path / "a", 300, seed=7)
    write_catalog(tmp_path / "b", 300, seed=7)
    write_catalog(tmp_path / "c", 300, seed=8)
    a, b, c = (tree_bytes(tmp_path / x) for x in "abc")
    assert len(a) == 303
    assert a == b
    assert a != c


@pytest.mark.parametrize(("n", "dups"), [(200, 0), (200, 1), (500, 37), (400, None)])
def test_plants_exactly_the_duplicates_it_reports(tmp_path: Path, n: int, dups: int | None) -> None:
    info = write_catalog(tmp_path / "d", n, seed=3, duplicates=dups)
    expected = n // 100 if dups is None else dups
    groups = arxiv_groups(tmp_path / "d")
    assert info.papers == n == sum(groups.values())
    assert info.duplicates == expected == len(info.duplicate_pairs)
    assert info.unique == len(groups) == n - expected
    assert sorted(k for k, v in groups.items() if v > 1) == sorted(
        _arxiv(tmp_path / "d", original) for original, _ in info.duplicate_pairs
    )
    assert max(groups.values()) <= 2
    for original, copy in info.duplicate_pairs:
        assert _url(tmp_path / "d", original) != _url(tmp_path / "d", copy)
        assert _arxiv(tmp_path / "d", original) == _arxiv(tmp_path / "d", copy)


def test_records_validate_and_look_like_the_seed(tmp_path: Path) -> None:
    info = write_catalog(tmp_path / "v", 1000, seed=1)
    catalog = load_catalog(tmp_path / "v")
    # nothing is wrong but the planted duplicates, each reported at the later copy
    assert {(d.code, Path(d.path).stem) for d in catalog.diagnostics} == {
        ("duplicate-paper", copy) for _, copy in info.duplicate_pairs
    }
    assert len(catalog.diagnostics) == info.duplicates == 10
    assert len(catalog.papers) == info.papers == 1000
    with_code = sum(p.links.code is not None for p in catalog.papers)
    originals = [p for p in catalog.papers if not p.id.endswith("-dup")]
    assert sum(p.links.code is not None for p in originals) == len(originals) // 2
    assert 450 <= with_code <= 550
    venues = set(catalog.venues.entries)
    assert {p.venue for p in catalog.papers} <= venues
    assert len({p.venue for p in catalog.papers}) > 5
    assert all(k in catalog.keywords.entries for p in catalog.papers for k in p.keywords)
    lengths = sorted(len(p.title) for p in originals)
    assert min(SEED_TITLE_LENGTHS) <= lengths[len(lengths) // 2] <= max(SEED_TITLE_LENGTHS)
    assert abs(lengths[len(lengths) // 2] - 71) <= 8  # the seed's median title length


def test_never_writes_over_or_deletes_what_it_did_not_write(tmp_path: Path) -> None:
    target = tmp_path / "x"
    target.mkdir()
    keep = target / "keep.txt"
    keep.write_text("mine")
    with pytest.raises(FileExistsError):
        write_catalog(target, 10)
    assert keep.read_text() == "mine"
    result = CliRunner().invoke(main, [str(target), "-n", "10"])
    assert result.exit_code == 1
    assert "not empty" in result.output
    result = CliRunner().invoke(main, [str(target), "-n", "10", "--force"])
    assert result.exit_code == 1
    assert "not a synthetic catalog" in result.output
    assert keep.read_text() == "mine"
    result = CliRunner().invoke(main, [str(tmp_path / "y"), "-n", "200", "--duplicates", "5"])
    assert result.exit_code == 0, result.output
    assert "200 records (195 papers, 5 planted duplicates)" in result.output
    result = CliRunner().invoke(main, [str(tmp_path / "y"), "-n", "100", "--force"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "y" / "papers").iterdir())) == 100


def _url(root: Path, paper_id: str) -> str:
    text = (root / "papers" / f"{paper_id}.yaml").read_text(encoding="utf-8")
    return str(yaml.safe_load(text)["links"]["paper"])


def _arxiv(root: Path, paper_id: str) -> str:
    match = ARXIV.search(_url(root, paper_id))
    assert match
    return match.group(1)
