"""The facts lockfile: its fast line reader reads exactly what YAML reads, or steps aside."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.facts import Fact, Facts, dump_facts
from catalog.facts_lines import read_lines

DAY = dt.date(2026, 12, 1)
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
                out.put(paper_id, name, Fact(source, url, DAY, draw(values[name])))
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
