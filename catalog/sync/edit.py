"""Edit a record's YAML in place: change the bytes of the values that change, and nothing else.

Re-dumping a record (even with a round-trip library) can reflow lines, re-quote strings or move
comments; splicing new text into the exact span libyaml reports for each value cannot touch
anything outside the changed lines. A value that is missing gets a line of its own after the
field that precedes it in the canonical order (records.FIELD_ORDER). Every edited text is parsed
and validated before it replaces the file (temp file, rename).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from catalog.errors import CatalogError
from catalog.records import FIELD_ORDER, scalar
from catalog.writer import write_atomic

Edit = tuple[tuple[str, ...], Any]


def render(value: Any) -> str:
    """A value as one line of YAML in the records' style (flow lists, plain when safe)."""
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    text = scalar(value)
    if isinstance(value, str) and any(c in text for c in ",[]{}") and not text.startswith('"'):
        import json

        return json.dumps(value, ensure_ascii=False)  # inside a flow list, quote what breaks it
    return text


def _child(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
    return None


def edit_text(text: str, edits: Sequence[Edit], shown: str = "record") -> str:
    """The record's text with each (path, value) edit applied in place."""
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{shown}: not valid YAML, not edited ({exc})") from None
    if not isinstance(root, yaml.MappingNode):
        raise CatalogError(f"{shown}: not a mapping, not edited")
    newline = "\r\n" if "\r\n" in text else "\n"
    splices: list[tuple[int, int, str]] = []
    for path, value in edits:
        node: yaml.Node = root
        found: tuple[yaml.Node, yaml.Node] | None = None
        for depth, key in enumerate(path):
            found = _child(node, key)
            if found is None:
                if depth != len(path) - 1 or node is not root:
                    raise CatalogError(f"{shown}: no {'.'.join(path[: depth + 1])} to edit")
                break
            node = found[1]
        if found is not None:
            value_node = found[1]
            flow = isinstance(value_node, yaml.ScalarNode) or getattr(
                value_node, "flow_style", False
            )
            if not flow:
                raise CatalogError(
                    f"{shown}: {'.'.join(path)} spans several lines; edit it by hand"
                )
            splices.append((value_node.start_mark.index, value_node.end_mark.index, render(value)))
        else:
            at = _insert_at(text, root, path[-1])
            lead = newline if at == len(text) and text and not text.endswith("\n") else ""
            splices.append((at, at, f"{lead}{path[-1]}: {render(value)}{newline}"))
    out = text
    for start, end, new in sorted(splices, reverse=True):
        out = out[:start] + new + out[end:]
    return out


def _insert_at(text: str, root: yaml.MappingNode, key: str) -> int:
    """Where a new top-level line for `key` goes: after the field before it in FIELD_ORDER."""
    order = list(FIELD_ORDER)
    rank = order.index(key) if key in order else len(order)
    before = [
        (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value in order[:rank]
    ]
    anchor = before[-1][1] if before else root.value[-1][1]
    end = anchor.end_mark
    if end.column == 0:  # a block value ends at the start of the next line
        return int(end.index)
    newline = text.find("\n", end.index)
    return len(text) if newline == -1 else newline + 1


def apply_edits(path: Path, edits: Sequence[Edit], check: Callable[[str], None]) -> str:
    """Edit one record file in place; `check` raises CatalogError if the result is invalid."""
    text = path.read_text(encoding="utf-8")
    new = edit_text(text, edits, str(path))
    if new != text:
        check(new)
        write_atomic(path, new)
    return new
