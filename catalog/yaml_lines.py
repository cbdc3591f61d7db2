"""Plainly written YAML read line by line, exactly as the C loader would read it, or not at all.

PyYAML's pure-Python constructor and resolver cost more than libyaml's parse itself: about
60% of checking a record. Records, registries and most configs are written plainly -- block
mappings and sequences, one-line scalars, flow lists and mappings of scalars, simple `|`/`>`
blocks -- and for those this reader builds the same values (YAML 1.1 typing as SafeLoader
resolves it) in a fraction of the time, without importing PyYAML. Anything it is not sure to
read exactly as the loader does -- anchors, aliases, tags, repeated keys, multi-line plain or
quoted scalars, escapes other than \\\\ \\" \\t \\n, numbers other than plain decimals,
timestamps other than dates, odd characters or indentation, syntax errors -- makes it give
UNSURE, and the caller (catalog/load.py) reads the text with the loader, which finds every
error at its line. catalog/yaml_scalars.py reads within a line. tests/test_yaml_lines.py holds
the reader to the loader's result on every data file, the fixtures and generated YAML.
"""

from __future__ import annotations

import re
from typing import Any, Final

from catalog.yaml_scalars import (
    INDICATORS,
    TYPED_START,
    WORD_START,
    NotPlain,
    end_of_line,
    flow_list,
    inline,
    is_key,
    resolve,
    split_key,
)

MAX_DEPTH: Final = 16  # deeper: the loader (and its nesting limit) decides


class Unsure:
    """The reader's answer when only the loader may say what the text holds."""

    def __repr__(self) -> str:
        return "UNSURE"


UNSURE: Final = Unsure()

_SIMPLE_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,999}):(?: +([^ ].*)| *)")
_BLOCK = {"|": ("\n", "\n"), "|-": ("\n", ""), ">": (" ", "\n"), ">-": (" ", "")}


def read_plain(text: str) -> Any:
    """The value of a one-document YAML text as the C loader reads it, or UNSURE."""
    if not text.replace("\n", "").isprintable():
        # Python's printable characters are all printable to YAML too, and none is one of
        # its line breaks (NEL, U+2028, U+2029), a BOM or a surrogate; tabs, CR, controls and
        # the other spaces and format characters go to the loader, which reads them its way.
        return UNSURE
    reader = _Lines(text)
    try:
        first = reader.peek()
        if first is None:
            return None  # only comments and blank lines: an empty document
        if first[0] != 0:
            raise NotPlain
        value = reader.block(0, 0)
        if reader.peek() is not None:
            raise NotPlain  # a line the blocks did not take: bad indentation, a stray scalar
    except (NotPlain, ValueError):
        return UNSURE
    return value


class _Lines:
    """The text's lines and a cursor; `peek` skips blank and comment lines."""

    __slots__ = ("_next", "at", "lines")

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.at = 0
        self._next: tuple[int, int, str] | None = None  # (at, indent, content)

    def peek(self) -> tuple[int, str] | None:
        """(indent, content) of the next line that holds something, not consumed."""
        cached = self._next
        if cached is not None and cached[0] == self.at:
            return cached[1], cached[2]
        lines, at = self.lines, self.at
        while at < len(lines):
            line = lines[at]
            content = line.lstrip(" ")
            if content and content[0] != "#":
                self.at = at
                indent = len(line) - len(content)
                self._next = (at, indent, content)
                return indent, content
            at += 1
        self.at = at
        return None

    def block(self, indent: int, depth: int) -> Any:
        """The block collection whose first line (the next one) starts at `indent`."""
        found = self.peek()
        assert found is not None
        if _is_entry(found[1]):
            return self.sequence(indent, depth)
        return self.mapping(indent, depth, None)

    def mapping(self, indent: int, depth: int, first: str | None) -> dict[Any, Any]:
        """A block mapping at `indent`; `first` is its first entry when it follows a `- `."""
        if depth > MAX_DEPTH:
            raise NotPlain
        out: dict[Any, Any] = {}
        count = 0
        lines, end = self.lines, len(self.lines)
        while True:
            if first is None:  # peek(), inlined: this loop reads most lines of a record
                at = self.at
                while at < end:
                    line = lines[at]
                    content = line.lstrip(" ")
                    if content and content[0] != "#":
                        break
                    at += 1
                self.at = at
                if at >= end or len(line) - len(content) < indent:
                    break
                if len(line) - len(content) > indent or _is_entry(content):
                    raise NotPlain  # a continuation line, or a sequence among keys
                self.at = at + 1
            else:
                content, first = first, None
            simple = _SIMPLE_ENTRY.fullmatch(content)
            if simple is None:
                key, rest = split_key(content)
                out[key] = self.value(rest, indent, depth)
                count += 1
                continue
            # `name: value`, the commonest line: its plain text or flow list read at once
            key, text = simple.group(1, 2)
            if key[0] in WORD_START:
                key = resolve(key)
            if text is None:
                out[key] = self.value("", indent, depth)
            elif text[0] == "[":
                items, stop = flow_list(text)
                end_of_line(text, stop)
                out[key] = items
            elif text[0] in INDICATORS or ": " in text or " #" in text:
                out[key] = self.value(" " + text, indent, depth)
            else:
                text = text.rstrip(" ")
                if text[-1] == ":":
                    raise NotPlain
                out[key] = text if text[0] not in TYPED_START else resolve(text)
            count += 1
        if len(out) != count:
            raise NotPlain  # a repeated key: the loader reports it at its line
        return out

    def sequence(self, indent: int, depth: int) -> list[Any]:
        """A block sequence whose `- ` entries start at `indent`."""
        if depth > MAX_DEPTH:
            raise NotPlain
        out: list[Any] = []
        while True:
            found = self.peek()
            if found is None or found[0] < indent or not _is_entry(found[1]):
                break  # the caller checks what follows
            if found[0] > indent:
                raise NotPlain
            self.at += 1
            item = found[1][1:].lstrip(" ")
            if not item or item[0] == "#" or _is_entry(item):
                raise NotPlain  # a nested block or a null entry: rare, the loader reads it
            column = indent + len(found[1]) - len(item)
            if item[0] not in "[{" and is_key(item):
                out.append(self.mapping(column, depth + 1, item))
            else:
                out.append(inline(item))
        return out

    def value(self, rest: str, indent: int, depth: int) -> Any:
        """The value after `key:` of a mapping at `indent`: inline, a block, or null."""
        text = rest.lstrip(" ")
        if text and text[0] != "#":
            if text[0] in "|>":
                return self.literal(text.rstrip(" "), indent)
            return inline(text)
        found = self.peek()
        if found is not None:
            if found[0] > indent:
                return self.block(found[0], depth + 1)
            if found[0] == indent and _is_entry(found[1]):
                return self.sequence(indent, depth + 1)
        return None

    def literal(self, head: str, indent: int) -> str:
        """A `|`, `|-`, `>` or `>-` block whose lines all start at one indent, with no blank
        line inside (more-indented or blank lines fold by rules the loader knows)."""
        joiner, end = _BLOCK.get(head) or _unsure()
        lines, at = self.lines, self.at
        body: list[str] = []
        margin = -1
        while at < len(lines):
            line = lines[at]
            content = line.lstrip(" ")
            column = len(line) - len(content)
            if not content:  # the end, unless spaces or more text make it part of the block
                if line or margin < 0 or _more_body(lines, at + 1, margin):
                    raise NotPlain
                break
            if margin < 0:
                if column <= indent:
                    break
                margin = column
            if column < margin:
                break
            if column > margin or content[-1] == " ":
                raise NotPlain
            body.append(content)
            at += 1
        if not body or at >= len(lines):
            raise NotPlain  # an empty block, or one the file ends in without a newline
        self.at = at
        return joiner.join(body) + end


def _more_body(lines: list[str], at: int, margin: int) -> bool:
    """Whether a line indented at least `margin` follows the blank lines from `at`."""
    for line in lines[at:]:
        content = line.lstrip(" ")
        if content:
            return len(line) - len(content) >= margin
    return False


def _unsure() -> Any:
    raise NotPlain


def _is_entry(content: str) -> bool:
    return content[0] == "-" and (len(content) == 1 or content[1] == " ")
