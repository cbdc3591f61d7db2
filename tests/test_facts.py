"""The facts lockfile: its fast line reader reads exactly what YAML reads, or steps aside."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.facts import Fact, Facts, dump_facts
from catalog.facts_lines import read_lines

DAY = dt.date(2026, 12, 1)
MIRRORS = ["https://dblp.org/rec/conf/x", "https://aclanthology.org/2024.a-1/", "http://b.org/?q=1"]
text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(str.strip)
ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)
values = {
    "authors": st.lists(text, min_size=1, max_size=4),
    "abstract": text,
    "venue": st.fixed_dictionaries({"venue": text, "year": st.integers(1950, 2030) | st.none()}),
    "citations": st.integers(0, 10**6),
    "archived": st.booleans(),
    "published": st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)),
}


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    out = Facts()
    for paper_id in draw(st.lists(ids, max_size=4, unique=True)):
        for name in draw(st.lists(st.sampled_from(sorted(values)), max_size=3, unique=True)):
            for source in draw(
                st.lists(
                    st.sampled_from(["arxiv", "dblp", "manual"]),
                    min_size=1,
                    max_size=2,
                    unique=True,
                )
            ):
                url = "https://example.org/" + draw(
                    st.from_regex(r"[a-z0-9?=&/#:-]{0,12}", fullmatch=True)
                )
                also: list[str] = []
                if source == "manual":
                    also = draw(st.lists(st.sampled_from(MIRRORS), max_size=2, unique=True))
                out.put(paper_id, name, Fact(source, url, DAY, draw(values[name]), tuple(also)))
    return out


@settings(max_examples=150, deadline=None)
@given(facts())
def test_the_line_reader_reads_what_yaml_reads(given_facts: Facts) -> None:
    dumped = dump_facts(given_facts)
    fast = read_lines(dumped)
    assert (
        fast is None
        or fast == yaml.safe_load(dumped)
        or (fast == {} and yaml.safe_load(dumped) is None)
    )
    assert fast is not None  # what sync writes, it reads back without YAML


@settings(max_examples=150, deadline=None)
@given(st.text(st.sampled_from('ab: -"[]{},#\n 1t'), max_size=60))
def test_the_line_reader_never_misreads_other_yaml(noise: str) -> None:
    try:
        expected = yaml.safe_load("x:\n  authors:\n    - source: arxiv\n      value: " + noise)
    except yaml.YAMLError:
        expected = None
    fast = read_lines("x:\n  authors:\n    - source: arxiv\n      value: " + noise)
    assert fast is None or fast == expected


def test_a_hand_written_file_in_another_layout_reads_through_yaml(tmp_path: object) -> None:
    from pathlib import Path

    from catalog.facts import load_facts

    path = Path(str(tmp_path)) / "facts.yaml"
    path.write_text(
        "lora:  # the pioneering paper\n"
        "  authors:\n"
        "  - source: manual\n"
        "    url: 'https://arxiv.org/abs/2106.09685'\n"
        "    fetched: 2026-12-01\n"
        "    value:\n"
        "    - Edward J. Hu\n"
        "    - Yelong Shen\n"
    )
    assert read_lines(path.read_text()) is None
    facts = load_facts(path)
    assert facts.value("lora", "authors", "manual") == ["Edward J. Hu", "Yelong Shen"]


def test_escapes_json_and_yaml_share_are_read_fast_and_others_go_to_yaml() -> None:
    facts = Facts()
    facts.put("g", "authors", Fact("arxiv", "https://example.org/", DAY, ["\\0", 'say "hi"\n']))
    dumped = dump_facts(facts)
    assert read_lines(dumped) == yaml.safe_load(dumped)
    yaml_only = 'g:\n  abstract:\n    - source: arxiv\n      value: "nul \\0 and \\x41"\n'
    assert (
        read_lines(yaml_only) is None
        and yaml.safe_load(yaml_only)["g"]["abstract"][0]["value"] == "nul \x00 and A"
    )


def test_flow_values_quote_what_would_end_a_flow_token(tmp_path: Path) -> None:
    """A comma in an author's name or a `?` in a venue ends a token inside `[...]`/`{...}`."""
    from catalog.facts import load_facts, save_facts

    facts = Facts()
    url = "https://dblp.org/rec/x"
    facts.put("p", "authors", Fact("dblp", url, DAY, ["Smith, Jr.", "Ada Lovelace", "x: y"]))
    facts.put("p", "venue", Fact("dblp", url, DAY, {"venue": "GÓ(ě?", "year": None}))
    text = dump_facts(facts)
    assert '["Smith, Jr.", Ada Lovelace, "x: y"]' in text and '{venue: "GÓ(ě?", year: null}' in text
    assert read_lines(text) == yaml.safe_load(text)
    path = tmp_path / "facts.yaml"
    save_facts(path, facts)
    again = load_facts(path)
    assert again.value("p", "authors", "dblp") == ["Smith, Jr.", "Ada Lovelace", "x: y"]
    assert again.value("p", "venue", "dblp") == {"venue": "GÓ(ě?", "year": None}


VENUE_ENTRY = (
    "flora:\n"
    "  venue:\n"
    "    - source: {source}\n"
    "      url: https://proceedings.mlr.press/v235/hao24a.html\n"
    "      also: {also}\n"
    "      fetched: 2026-12-01\n"
    "      value: {{venue: ICML, year: 2024}}\n"
)


def _venue_file(tmp_path: Path, also: str, source: str = "manual") -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(VENUE_ENTRY.format(also=also, source=source), encoding="utf-8")
    return path


def test_a_manual_entry_lists_corroborating_urls_that_round_trip(tmp_path: Path) -> None:
    """Two agreeing pages for one venue: `also` holds the second, sorted, right after `url`."""
    from catalog.facts import load_facts, save_facts

    path = _venue_file(tmp_path, "[https://zeta.org/flora, 'https://openreview.net/forum?id=x']")
    facts = load_facts(path)
    fact = facts.get("flora", "venue")["manual"]
    assert fact.also == ("https://openreview.net/forum?id=x", "https://zeta.org/flora")
    assert save_facts(path, facts)  # rewritten in the lockfile's own layout
    text = path.read_text(encoding="utf-8")
    assert (
        "      url: https://proceedings.mlr.press/v235/hao24a.html\n"
        '      also: ["https://openreview.net/forum?id=x", "https://zeta.org/flora"]\n'
        "      fetched: 2026-12-01\n"
    ) in text
    assert read_lines(text) == yaml.safe_load(text)  # read back without YAML
    assert load_facts(path).papers == facts.papers and not save_facts(path, facts)


def test_an_empty_also_is_not_written(tmp_path: Path) -> None:
    from catalog.facts import load_facts

    facts = load_facts(_venue_file(tmp_path, "[]"))
    assert facts.get("flora", "venue")["manual"].also == ()
    assert "also" not in dump_facts(facts)


@pytest.mark.parametrize(
    ("also", "source", "message", "line"),
    [
        ("https://zeta.org/flora", "manual", "also must be a list of http(s) URLs", 5),
        (
            "[https://zeta.org/a, zeta.org/b]",
            "manual",
            "also must list http(s) URLs, got 'zeta.org/b'",
            5,
        ),
        ("[https://zeta.org/a, 3]", "manual", "also must list http(s) URLs, got 3", 5),
        (
            "[https://proceedings.mlr.press/v235/hao24a.html]",
            "manual",
            "also lists https://proceedings.mlr.press/v235/hao24a.html twice",
            5,
        ),
        ("[https://zeta.org/a]", "dblp", "only a manual entry lists corroborating URLs", 5),
    ],
)
def test_a_bad_also_is_an_error_at_its_line(
    tmp_path: Path, also: str, source: str, message: str, line: int
) -> None:
    from catalog.errors import CatalogError
    from catalog.facts import load_facts

    path = _venue_file(tmp_path, also, source)
    with pytest.raises(CatalogError) as caught:
        load_facts(path)
    assert str(caught.value).startswith(f"{path}:{line}:")
    assert message in str(caught.value)


def test_a_bad_also_fails_validate_with_one_line_and_exit_1(catalog_dir: Any) -> None:
    from click.testing import CliRunner

    from catalog.cli import main

    root = Path(str(catalog_dir.path))
    catalog_dir.add("flora", title="FLoRA", year=2024, venue="arXiv")
    (root / "facts.yaml").write_text(VENUE_ENTRY.format(also="[ftp://x.org/a]", source="manual"))
    result = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert result.exit_code == 1, result.output
    assert "facts.yaml:5:" in result.output + result.stderr
    assert "Traceback" not in result.output
