"""Plainly written YAML read line by line, exactly as the C loader would read it, or not at all.

PyYAML's pure-Python constructor and resolver cost more than libyaml's parse itself: about
60% of checking a record. Records, registries and most configs are written plainly -- block
mappings and sequences, one-line scalars, flow lists of scalars, `{}`, simple `|`/`>` blocks --
and for those this reader builds the same values (YAML 1.1 typing as SafeLoader resolves it)
in a fraction of the time, without importing PyYAML. Anything it is not sure to read exactly
as the loader does -- anchors, aliases, tags, repeated keys, multi-line plain or quoted
scalars, escapes other than \\\\ \\" \\t \\n, numbers other than plain decimals, timestamps
other than dates, odd characters or indentation, syntax errors -- makes it give UNSURE, and
the caller (catalog/load.py) reads the text with the loader, which finds every error at its
line. tests/test_yaml_lines.py holds it to the loader's result on generated YAML.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

from catalog.lazy_regex import LazyPattern

MAX_INT_CHARS: Final = 64  # as catalog/yaml_loader.py: longer numbers are the loader's error
MAX_DEPTH: Final = 16  # deeper: the loader (and its nesting limit) decides
MAX_KEY_CHARS: Final = 1000  # libyaml refuses simple keys over 1024 characters


class Unsure:
    """The reader's answer when only the loader may say what the text holds."""

    def __repr__(self) -> str:
        return "UNSURE"


UNSURE: Final = Unsure()

_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_BOOLS = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
}
_NULLS = frozenset(("~", "null", "Null", "NULL"))
_WORD_START = frozenset("yYnNtTfFoO~")  # where the bool and null resolvers look
_NUMBER_START = frozenset("0123456789+-.")  # where the int, float and timestamp ones look
# Every character YAML 1.1's int, float and timestamp patterns can match: a scalar made only
# of these might be one of them, and only the loader says which.
_MAYBE_NUMBER = LazyPattern(r"[0-9a-fA-FxinINtTZ_.:+ -]*")
_TYPED_START = _WORD_START | _NUMBER_START | {"<", "="}
_SIMPLE_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,999}):(?: +([^ ].*)| *)")
_DOUBLE = LazyPattern(r'"((?:[^"\\]|\\.)*)"')  # only for a quoted text with a backslash
_SIMPLE_LIST = re.compile(r"\[([^\[\]{}:#\"']*)\]")
_ESCAPES = {"\\": "\\", '"': '"', "t": "\t", "n": "\n"}
_ESCAPE = LazyPattern(r"\\(.)")
_BLOCK = {"|": ("\n", "\n"), "|-": ("\n", ""), ">": (" ", "\n"), ">-": (" ", "")}


class _Unsure(Exception):
    """Raised inside the reader: give up, the loader reads this text."""


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
            raise _Unsure
        value = reader.block(0, 0)
        if reader.peek() is not None:
            raise _Unsure  # a line the blocks did not take: bad indentation, a stray scalar
    except (_Unsure, ValueError):
        return UNSURE
    return value


def resolve(text: str) -> Any:
    """A plain one-line scalar (stripped, not empty) typed as YAML 1.1's resolvers type it:
    bool, null, a plain decimal int or a date exactly; _Unsure for every other
    number-like or timestamp-like text; else the text itself."""
    first = text[0]
    if first in _WORD_START:
        if text in _BOOLS:
            return _BOOLS[text]
        return None if text in _NULLS else text
    if first in _NUMBER_START:
        if text.isdigit() and text.isascii() and (first != "0" or text == "0"):
            if len(text) > MAX_INT_CHARS:
                raise _Unsure  # the loader's number-too-long
            return int(text)
        if len(text) == 10 and text[4] == text[7] == "-":
            digits = text[:4] + text[5:7] + text[8:]
            if digits.isdigit() and digits.isascii():  # ValueError (no such day): unsure
                return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        if _MAYBE_NUMBER.fullmatch(text):
            raise _Unsure
        return text
    if text in ("<<", "="):  # the merge key and YAML 1.1's "value"
        raise _Unsure
    return text


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
            raise _Unsure
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
                    raise _Unsure  # a continuation line, or a sequence among keys
                self.at = at + 1
            else:
                content, first = first, None
            simple = _SIMPLE_ENTRY.fullmatch(content)
            if simple is None:
                key, rest = _split_key(content)
                out[key] = self.value(rest, indent, depth)
                count += 1
                continue
            # `name: value`, the commonest line: its plain text or flow list read at once
            key, text = simple.group(1, 2)
            if key[0] in _WORD_START:
                key = resolve(key)
            if text is None:
                out[key] = self.value("", indent, depth)
            elif text[0] == "[":
                items, stop = _flow_list(text)
                _end_of_line(text, stop)
                out[key] = items
            elif text[0] in _INDICATORS or ": " in text or " #" in text:
                out[key] = self.value(" " + text, indent, depth)
            else:
                text = text.rstrip(" ")
                if text[-1] == ":":
                    raise _Unsure
                out[key] = text if text[0] not in _TYPED_START else resolve(text)
            count += 1
        if len(out) != count:
            raise _Unsure  # a repeated key: the loader reports it at its line
        return out

    def sequence(self, indent: int, depth: int) -> list[Any]:
        """A block sequence whose `- ` entries start at `indent`."""
        if depth > MAX_DEPTH:
            raise _Unsure
        out: list[Any] = []
        while True:
            found = self.peek()
            if found is None or found[0] < indent or not _is_entry(found[1]):
                break  # the caller checks what follows
            if found[0] > indent:
                raise _Unsure
            self.at += 1
            item = found[1][1:].lstrip(" ")
            if not item or item[0] == "#" or _is_entry(item):
                raise _Unsure  # a nested block or a null entry: rare, the loader reads it
            column = indent + len(found[1]) - len(item)
            if item[0] not in "[{" and _is_key(item):
                out.append(self.mapping(column, depth + 1, item))
            else:
                out.append(_inline(item))
        return out

    def value(self, rest: str, indent: int, depth: int) -> Any:
        """The value after `key:` of a mapping at `indent`: inline, a block, or null."""
        text = rest.lstrip(" ")
        if text and text[0] != "#":
            if text[0] in "|>":
                return self.literal(text.rstrip(" "), indent)
            return _inline(text)
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
                    raise _Unsure
                break
            if margin < 0:
                if column <= indent:
                    break
                margin = column
            if column < margin:
                break
            if column > margin or content[-1] == " ":
                raise _Unsure
            body.append(content)
            at += 1
        if not body or at >= len(lines):
            raise _Unsure  # an empty block, or one the file ends in without a newline
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
    raise _Unsure


def _is_entry(content: str) -> bool:
    return content[0] == "-" and (len(content) == 1 or content[1] == " ")


def _is_key(content: str) -> bool:
    """Whether a sequence entry's text starts a mapping (`- key: value`)."""
    if content[0] in "\"'":
        after = content[_quoted(content, 0)[1] :]
        return after[:1] == ":" and after[1:2] in ("", " ")
    cut = content.find(" #")
    plain = content if cut < 0 else content[:cut]
    return ": " in plain or plain.rstrip(" ").endswith(":")


def _split_key(content: str) -> tuple[Any, str]:
    """A `key: rest` line's key (typed) and what follows its colon."""
    if content[0] in "\"'":
        key, end = _quoted(content, 0)
        if content[end : end + 1] != ":" or content[end + 1 : end + 2] not in ("", " "):
            raise _Unsure
        return key, content[end + 1 :]
    at = content.find(": ")
    if at < 0:
        if not content.endswith(":"):
            raise _Unsure  # no key here: a scalar line, a marker, a directive
        at = len(content) - 1
    text = content[:at].rstrip(" ")
    if not text or text[0] in _INDICATORS or ":" in text or "#" in text:
        raise _Unsure
    if len(text) > MAX_KEY_CHARS:
        raise _Unsure
    return resolve(text), content[at + 1 :]


def _inline(text: str) -> Any:
    """A one-line value in block context: a flow list, `{}`, a quoted or a plain scalar."""
    first = text[0]
    if first == "[":
        items, end = _flow_list(text)
        _end_of_line(text, end)
        return items
    if first == "{":
        end = text.find("}")
        if end < 0 or text[1:end].strip(" "):
            raise _Unsure  # only the empty flow mapping is read here
        _end_of_line(text, end + 1)
        return {}
    if first in "\"'":
        value, end = _quoted(text, 0)
        _end_of_line(text, end)
        return value
    cut = text.find(" #")
    if cut >= 0:
        text = text[:cut]
    text = text.rstrip(" ")
    if first in _INDICATORS or ": " in text or text.endswith(":"):
        raise _Unsure
    return resolve(text)


def _flow_list(text: str) -> tuple[list[Any], int]:
    """`[a, "b", 'c']` of scalars on one line, and where it ends."""
    simple = _SIMPLE_LIST.match(text)
    if simple is not None:  # no quotes: split at the commas
        inner = simple.group(1)
        if not inner.strip(" "):
            return [], simple.end()
        plains = [item.strip(" ") for item in inner.split(",")]
        starts = {item[:1] for item in plains}
        if "" in starts or not starts.isdisjoint(_INDICATORS):
            raise _Unsure  # an empty entry (a doubled or trailing comma), an indicator
        if starts.isdisjoint(_TYPED_START):
            return plains, simple.end()  # all plain text
        return [resolve(item) if item[0] in _TYPED_START else item for item in plains], simple.end()
    items: list[Any] = []
    at = _skip_spaces(text, 1)
    if text[at : at + 1] == "]":
        return items, at + 1
    while True:
        if at >= len(text):
            raise _Unsure  # it goes on over the next lines
        if text[at] in "\"'":
            value, at = _quoted(text, at)
        else:
            end = at
            while end < len(text) and text[end] not in ",]":
                end += 1
            plain = text[at:end].rstrip(" ")
            if not plain or plain[0] in _INDICATORS or any(c in plain for c in ":#[]{}"):
                raise _Unsure
            value, at = resolve(plain), end
        items.append(value)
        at = _skip_spaces(text, at)
        mark = text[at : at + 1]
        if mark == "]":
            return items, at + 1
        if mark != ",":
            raise _Unsure
        at = _skip_spaces(text, at + 1)
        if text[at : at + 1] in ("]", ","):
            raise _Unsure  # a trailing or doubled comma


def _quoted(text: str, at: int) -> tuple[str, int]:
    """A one-line quoted scalar starting at `at`: its value and where it ends."""
    quote = text[at]
    end = text.find(quote, at + 1)
    if quote == "'":
        while text[end + 1 : end + 2] == "'" and end > 0:  # '' is a quote in the text
            end = text.find("'", end + 2)
        if end < 0:
            raise _Unsure  # it goes on over the next lines
        return text[at + 1 : end].replace("''", "'"), end + 1
    if end < 0:
        raise _Unsure
    value = text[at + 1 : end]
    if "\\" not in value:
        return value, end + 1
    double = _DOUBLE.compiled.match(text, at)
    if double is None:
        raise _Unsure
    return _ESCAPE.compiled.sub(_escaped, double.group(1)), double.end()


def _escaped(found: re.Match[str]) -> str:
    char = _ESCAPES.get(found.group(1))
    if char is None:
        raise _Unsure
    return char


def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at] == " ":
        at += 1
    return at


def _end_of_line(text: str, end: int) -> None:
    """After a value only spaces may follow, then perhaps a comment."""
    rest = text[end:]
    stripped = rest.lstrip(" ")
    if stripped and (stripped[0] != "#" or len(stripped) == len(rest)):
        raise _Unsure
