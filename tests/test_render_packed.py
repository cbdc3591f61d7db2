"""The packed sequences the forked page writers read (catalog/render/packed.py)."""

from __future__ import annotations

import pytest

from catalog.render.packed import PackedStrings, PackedValues


def test_packed_strings_give_back_each_string() -> None:
    strings = ["plain", "", "Müller · 論文 😀", "<a href='x'>&amp;</a>"]
    packed = PackedStrings(strings)
    assert len(packed) == 4
    assert list(packed) == strings
    assert packed[2] == strings[2] and packed[-1] == strings[-1]
    assert packed[1:3] == strings[1:3]
    with pytest.raises(IndexError):
        packed[4]
    with pytest.raises(IndexError):
        packed[-5]


def test_packed_values_give_back_a_fresh_copy_each_time() -> None:
    view = {"id": "lora", "links": [("paper", "https://x")], "facts": {"stars": None}, "n": 3}
    packed = PackedValues([view, None, ("head", 1.5)])
    first = packed[0]
    assert first == view and first is not view
    first["id"] = "changed"
    assert packed[0]["id"] == "lora"
    assert packed[1] is None and packed[2] == ("head", 1.5)
