"""The line reader (catalog/yaml_lines.py) reads exactly what the C loader reads, or gives up.

Differential: every text here is read both ways; whenever the fast reader answers, the loader
must read the same value -- same types, same key order -- with no error and no repeated key,
and the diagnostics of `read_yaml` must not depend on which path read the file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import load, yaml_lines, yaml_scalars
from catalog.records import dump_record
from catalog.yaml_lines import UNSURE, read_plain
from catalog.yaml_loader import Loader

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def loaded(text: str) -> tuple[Any, bool]:
    """(value, clean) as the loader reads `text`; clean: no error and no repeated key."""
    loader = Loader(text)
    try:
        value = loader.get_single_data()
    except Exception:
        return None, False
    finally:
        loader.dispose()
    return value, not loader.duplicates


def same(a: Any, b: Any) -> bool:
    """Equal, of the same types all the way down, mappings in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same(ka, kb) and same(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def check(text: str) -> Any:
    """The fast reader's answer for `text`, asserted to agree with the loader's."""
    fast = read_plain(text)
    if fast is not UNSURE:
        value, clean = loaded(text)
        assert clean, f"the loader refuses what the line reader read: {text!r}"
        assert same(fast, value), f"{text!r}: {fast!r} != {value!r}"
    return fast


def yaml_files() -> list[Path]:
    found = sorted((REPO / "data").glob("*.yaml")) + sorted((REPO / "data/papers").glob("*.yaml"))
    return found + sorted(FIXTURES.rglob("*.yaml"))


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_data_file_and_fixture_reads_as_the_loader_reads_it(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    check(text)
    fast = load.read_yaml(path)
    monkeypatch.setattr(yaml_lines, "read_plain", lambda text: UNSURE)
    slow = load.read_yaml(path)
    assert same(fast[0].data, slow[0].data)
    assert fast[1] == slow[1]  # the same diagnostics, at the same lines


def test_what_the_tools_write_is_read_without_the_loader() -> None:
    record = {
        "title": "LoRA: Low-Rank Adaptation of Large Language Models",
        "year": 2022,
        "venue": "ICLR",
        "links": {"paper": "https://arxiv.org/abs/2106.09685", "code": "https://github.com/x/y"},
        "keywords": ["Pioneering Paper", "Robust: Fine-Tuning", "yes"],
        "topics": ["foundations"],
        "authors": ["Edward J. Hu", "Zoë O'Brien", "Müller, Jan"],
        "added": dt.date(2024, 7, 12),
        "notes": "Two lines\nof notes.",
    }
    text = dump_record(record)
    assert check(text) == record  # (dump_record orders the fields its own way)


def test_the_resolvers_it_knows_are_all_the_loader_has() -> None:
    """A new implicit resolver in PyYAML (a first character this reader does not expect to
    be typed) would make plain text mean something else: this test would say so."""
    starts = set(yaml.resolver.Resolver.yaml_implicit_resolvers)
    # PyYAML's resolver for `!`, `&` and `*` alone documents what no plain scalar can be:
    # text starting with an indicator goes to the loader.
    assert starts - yaml_scalars.TYPED_START - {""} <= yaml_scalars.INDICATORS


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # repeated keys
        "yes: 1\ntrue: 2\n",  # two spellings of one key
        "a: &x 1\nb: *x\n",
        "a: !!python/object:os.system 1\n",
        "a: [1, [2]]\n",
        "a: {b: [1]}\n",
        "a: {b: 'c'}\n",
        "a: {b: c,}\n",
        "a: b\n  c\n",  # a plain scalar over two lines
        'a: "b\n  c"\n',
        "a: 0x1F\n",
        "a: 1_000\n",
        "a: 1:30\n",
        "a: 1.5\n",
        "a: 2024-02-30\n",  # no such day: the loader's bad-date
        "a: 2024-1-5\n",
        "a: 2024-01-05 10:00:00\n",
        "a: " + "9" * 70 + "\n",
        "a: |\n  x\n\n  y\n",  # a blank line inside a block
        "a: |\n  x\n    y\n",  # a more-indented line
        "a: |\n  x",  # no newline at the end
        "- a\n- - b\n",
        "a:\tb\n",
        "a: b\r\n",
        "\ufeffa: b\n",
        "a: b\u2028c\n",
        "--- \na: b\n",
        "a: b\n...\n",
        "%YAML 1.1\n---\na: b\n",
        "<<: {a: 1}\n",
        "a: [b, ]\n",
        "a: ['b' 'c']\n",
        "  a: b\n",
        "a: 'b\n",
        'a: "\\x41"\n',
        "a:\n  - b\n   - c\n",
        "k" * 1030 + ": v\n",
    ],
)
def test_unusual_text_goes_to_the_loader(text: str) -> None:
    assert read_plain(text) is UNSURE


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("", None),
        ("# only a comment\n\n", None),
        ("a:\n", {"a": None}),
        ("a: ~\nb: null\nc: Null\n", {"a": None, "b": None, "c": None}),
        ("a: yes\nb: Off\nc: y\nd: n\n", {"a": True, "b": False, "c": "y", "d": "n"}),
        ("a: 0\nb: 2024\nc: 3D-LoRA\n", {"a": 0, "b": 2024, "c": "3D-LoRA"}),
        ("a: 2024-07-12\n", {"a": dt.date(2024, 7, 12)}),
        ("a: C# and F#\nb: x #y\n", {"a": "C# and F#", "b": "x"}),
        ("a: https://x.org/p?a=1&b=2#frag\n", {"a": "https://x.org/p?a=1&b=2#frag"}),
        ("a: 'it''s'\nb: \"say \\\"hi\\\"\"\n", {"a": "it's", "b": 'say "hi"'}),
        ("a: []\nb: {}\nc: [x, 'y, z', \"w\"]\n", {"a": [], "b": {}, "c": ["x", "y, z", "w"]}),
        ("a:\n- x\n- y\nb: 1\n", {"a": ["x", "y"], "b": 1}),
        ("- id: a\n  t: b\n- id: c\n", [{"id": "a", "t": "b"}, {"id": "c"}]),
        ("a: >-\n  one\n  two\nb: |\n  x\n  y\n", {"a": "one two", "b": "x\ny\n"}),
        ("2024: a\nno: b\n", {2024: "a", False: "b"}),
    ],
)
def test_plain_text_is_read_fast_and_right(text: str, value: Any) -> None:
    assert same(check(text), value)


# Pieces that YAML reads in many ways: indicators, comments, quotes, typed words, spacing.
_PIECES = st.sampled_from(
    [
        "a", "b", "A b", "x:y", "é", "O'Brien", "yes", "No", "on", "~", "null", "0", "07",
        "12", "-3", "+4", "1.5", ".inf", "1_0", "1:2", "0x1f", "2024-07-12", "2024-7-1",
        "2024-02-30", "3D", "<<", "=", "-", "--", "- a", "? a", ": a", "a:", "a: b", "#",
        " #c", "a #c", "a#c", "[a, b]", "[a,b]", "[]", "{}", "{a: 1}", "[a, [b]]", "{a: b, c}", "{a: b, a: c}", "{a:b}", "'q'",
        "'q''s'", '"d"', '"d\\"e"', '"\\t"', '"\\x41"', "'x", '"x', "&a", "*a", "!t", "!!str",
        "|", "|-", ">", ">-", "|+", "%", "@", "`", ",", " ", "  ", "\t", "\\",
    ]
)  # fmt: skip


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Lines of keys, entries, values and comments at a few indents."""
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        indent = " " * draw(st.sampled_from([0, 0, 0, 1, 2, 2, 4]))
        kind = draw(st.sampled_from(["key", "key", "empty", "entry", "comment", "raw"]))
        piece = draw(_PIECES)
        if kind == "key":
            lines.append(f"{indent}{draw(_PIECES)}: {piece}")
        elif kind == "empty":
            lines.append(f"{indent}{draw(_PIECES)}:")
        elif kind == "entry":
            lines.append(f"{indent}- {piece}")
        elif kind == "comment":
            lines.append(f"{indent}# {piece}")
        else:
            lines.append(indent + piece)
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_read_as_the_loader_reads_them(text: str) -> None:
    check(text)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("ab:- \"'[]{},#\n1t0.|>&*!~y\\é\t"), max_size=60))
def test_noise_reads_as_the_loader_reads_it(noise: str) -> None:
    check(noise)
    check("k: " + noise)
    check("k:\n  - " + noise)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("0123456789-+._:eExXbBoOinfINFaTtZz yesnoYNul~<="), max_size=12))
def test_scalars_are_typed_as_the_loader_types_them(word: str) -> None:
    check(f"k: {word}\n")
    check(f"k: [{word}]\n")
    check(f"{word}: v\n")


_KEYS = st.sampled_from(
    [
        "a", "b", "title", "a b", "x-y", "_z", "é", "yes", "no", "On", "null", "~", "2024", "07",
        "1.5", "2024-07-12", "'q'", "'q''s'", '"d"', '"d: e"', "a#b", "a:b", "-a", "a  ", "? a",
        "[a]", "<<", "=", "k" * 40,
    ]
)  # fmt: skip
# Values as records hold them: what a tree of these fails to read fast is a missed speed-up,
# what it reads wrong a bug.
_TAME = st.sampled_from(
    [
        "LoRA", "Low-Rank Adaptation of Large Models", "https://arxiv.org/abs/2106.09685",
        "https://x.org/a?b=1&c=2#d", "2022", "0", "2024-07-12", "yes", "Off", "~", "null",
        '"A: B"', "'it''s'", '"say \\"hi\\""', "[a, b c, 'd, e']", "[]", "{}", "C# and F#",
        "Zoë Müller", "a [b] c", "x # note", "trail  ", "3D-LoRA", "On the Rank", "[yes, 1, ~]",
        "{venue: ICML, year: 2024}", "{a: yes, 2: ~, b c: d}", "{a: b, a: c}", "{a: [b]}",
    ]
)  # fmt: skip
_TAME_KEYS = st.sampled_from(
    ["title", "year", "links", "paper", "a b", "x-y", "_z", "é", "yes", "2024", '"d: e"', "'q'"]
)
_TAME_TEXT = st.sampled_from(["one", "two words", "# hash", "- dash", "a: b", "é ü", "'q'"])
_LINE_TEXT = st.sampled_from(
    ["one", "two words", "  lead", "trail ", "# hash", "- dash", "a: b", "é ü", "x", "'q'", ""]
)


@st.composite
def trees(draw: st.DrawFn) -> str:
    """Mostly well-formed documents: nested block mappings and sequences in random styles
    (indents of 1 to 4, compact or indented entries, block scalars, flow lists, comments),
    now and then one line shifted by a space."""
    lines: list[str] = []
    tame = draw(st.integers(0, 2)) > 0
    pieces, keys = (_TAME, _TAME_KEYS) if tame else (_PIECES, _KEYS)
    texts = _TAME_TEXT if tame else _LINE_TEXT

    def value(indent: int, depth: int) -> None:
        kind = draw(st.sampled_from(["piece", "piece", "piece", "map", "seq", "block", "empty"]))
        if depth > 3 and kind in ("map", "seq"):
            kind = "piece"
        head = lines.pop()
        if kind == "piece":
            lines.append(f"{head} {draw(pieces)}")
        elif kind == "empty":
            lines.append(head + draw(st.sampled_from(["", " ", " # c"])))
        elif kind == "block":
            heads = ["|", "|-", ">", ">-"] + ([] if tame else ["|+", ">2", "|  # c"])
            lines.append(f"{head} {draw(st.sampled_from(heads))}")
            margin = " " * (indent + draw(st.integers(1, 3)))
            for _ in range(draw(st.integers(1, 3))):
                lines.append(margin + draw(texts))
        else:
            lines.append(head)
            step = draw(st.integers(0 if kind == "seq" else 1, 4))
            (mapping if kind == "map" else sequence)(indent + step, depth + 1)

    def mapping(indent: int, depth: int) -> None:
        for _ in range(draw(st.integers(1, 4))):
            comment()
            lines.append(f"{' ' * indent}{draw(keys)}:")
            value(indent, depth)

    def sequence(indent: int, depth: int) -> None:
        for _ in range(draw(st.integers(1, 3))):
            comment()
            if draw(st.booleans()):
                lines.append(f"{' ' * indent}- {draw(keys)}:")
                value(indent + 2, depth)
                if draw(st.booleans()):
                    lines.append(f"{' ' * (indent + 2)}{draw(keys)}:")
                    value(indent + 2, depth)
            else:
                lines.append(f"{' ' * indent}- {draw(pieces)}")

    def comment() -> None:
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["", "# note", "   # note", "  "])))

    (sequence if draw(st.integers(0, 4)) == 0 else mapping)(0, 0)
    if draw(st.integers(0, 5)) == 0:
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = (" " + lines[at]) if draw(st.booleans()) else lines[at][1:]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_generated_trees_read_as_the_loader_reads_them(text: str) -> None:
    check(text)


_SCALARS = st.one_of(
    st.text(max_size=20),
    st.integers(-(10**6), 10**70),
    st.booleans(),
    st.none(),
    st.dates(),
    st.sampled_from(["yes", "0o7", "1e3", "2024-07-12", "a: b", "#x", "- x", "~"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_VALUES, st.sampled_from([None, False, True]), st.sampled_from([None, "'", '"']))
def test_what_pyyaml_writes_reads_back_as_the_loader_reads_it(
    value: Any, flow: bool | None, style: str | None
) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, default_style=style, allow_unicode=True)
    check(text)


_SEEDS = [
    dump_record(
        {
            "title": "LoRA: Low-Rank Adaptation",
            "year": 2022,
            "venue": "ICLR",
            "links": {"paper": "https://arxiv.org/abs/2106.09685", "code": "https://x.org/a#b"},
            "keywords": ["Pioneering Paper", "Fine-Tuning"],
            "authors": ["Edward J. Hu", "Zoë O'Brien"],
            "added": dt.date(2024, 7, 12),
            "notes": "Two lines\nof notes.",
        }
    ),
    "# Venues\nICML:\n  full_name: International Conference\n  aliases: [icml, 'ICML 2024']\n"
    "Keyword: {}\n",
    "title: T\nintro: >-\n  One line\n  and another.\nsections:\n  - id: papers\n"
    "    title: Papers\n  - id: more\n    text: |\n      - [PEFT](https://x.org)\n",
]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_SEEDS),
    st.lists(
        st.tuples(
            st.integers(0, 400),
            st.integers(0, 2),
            st.sampled_from(list(" \n:-#'\"[]{},|>&*!?%@`\t~0y.")),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_records_with_a_few_characters_changed_read_as_the_loader_reads_them(
    seed: str, edits: list[tuple[int, int, str]]
) -> None:
    """Real layouts one keystroke away from plain: inserted, removed or replaced characters."""
    text = seed
    for at, how, char in edits:
        at %= len(text) + 1
        if how == 0:
            text = text[:at] + char + text[at:]
        elif how == 1:
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + char + text[at + 1 :]
    check(text)
