"""YAML 1.1's one-line scalars and flow collections as the C loader reads them, or NotPlain.

The pieces of catalog/yaml_lines.py that read within one line: a plain scalar typed as
SafeLoader's implicit resolvers type it, a quoted scalar, `[...]` and `{...}` of scalars, and
the key of a `key: value` line. Whatever they are not sure of raises NotPlain, and the whole
text goes to the loader.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

from catalog.lazy_regex import LazyPattern

MAX_INT_CHARS: Final = 64  # as catalog/yaml_loader.py: longer numbers are the loader's error
MAX_KEY_CHARS: Final = 1000  # libyaml refuses simple keys over 1024 characters

INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_BOOLS = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
}
_NULLS = frozenset(("~", "null", "Null", "NULL"))
WORD_START = frozenset("yYnNtTfFoO~")  # where the bool and null resolvers look
_NUMBER_START = frozenset("0123456789+-.")  # where the int, float and timestamp ones look
# Every character YAML 1.1's int, float and timestamp patterns can match: a scalar made only
# of these might be one of them, and only the loader says which.
_MAYBE_NUMBER = LazyPattern(r"[0-9a-fA-FxinINtTZ_.:+ -]*")
TYPED_START = WORD_START | _NUMBER_START | {"<", "="}
_DOUBLE = LazyPattern(r'"((?:[^"\\]|\\.)*)"')  # only for a quoted text with a backslash
_SIMPLE_LIST = re.compile(r"\[([^\[\]{}:#\"']*)\]")
_SIMPLE_MAPPING = re.compile(r"\{([^\[\]{}#\"']*)\}")
_ESCAPES = {"\\": "\\", '"': '"', "t": "\t", "n": "\n"}
_ESCAPE = LazyPattern(r"\\(.)")


class NotPlain(Exception):
    """Raised by the reader: give up, the loader reads this text."""


def resolve(text: str) -> Any:
    """A plain one-line scalar (stripped, not empty) typed as YAML 1.1's resolvers type it:
    bool, null, a plain decimal int or a date exactly; NotPlain for every other
    number-like or timestamp-like text; else the text itself."""
    first = text[0]
    if first in WORD_START:
        if text in _BOOLS:
            return _BOOLS[text]
        return None if text in _NULLS else text
    if first in _NUMBER_START:
        if text.isdigit() and text.isascii() and (first != "0" or text == "0"):
            if len(text) > MAX_INT_CHARS:
                raise NotPlain  # the loader's number-too-long
            return int(text)
        if len(text) == 10 and text[4] == text[7] == "-":
            digits = text[:4] + text[5:7] + text[8:]
            if digits.isdigit() and digits.isascii():  # ValueError (no such day): unsure
                return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        if _MAYBE_NUMBER.fullmatch(text):
            raise NotPlain
        return text
    if text in ("<<", "="):  # the merge key and YAML 1.1's "value"
        raise NotPlain
    return text


def is_key(content: str) -> bool:
    """Whether a sequence entry's text starts a mapping (`- key: value`)."""
    if content[0] in "\"'":
        after = content[quoted(content, 0)[1] :]
        return after[:1] == ":" and after[1:2] in ("", " ")
    cut = content.find(" #")
    plain = content if cut < 0 else content[:cut]
    return ": " in plain or plain.rstrip(" ").endswith(":")


def split_key(content: str) -> tuple[Any, str]:
    """A `key: rest` line's key (typed) and what follows its colon."""
    if content[0] in "\"'":
        key, end = quoted(content, 0)
        if content[end : end + 1] != ":" or content[end + 1 : end + 2] not in ("", " "):
            raise NotPlain
        return key, content[end + 1 :]
    at = content.find(": ")
    if at < 0:
        if not content.endswith(":"):
            raise NotPlain  # no key here: a scalar line, a marker, a directive
        at = len(content) - 1
    text = content[:at].rstrip(" ")
    if not text or text[0] in INDICATORS or ":" in text or "#" in text:
        raise NotPlain
    if len(text) > MAX_KEY_CHARS:
        raise NotPlain
    return resolve(text), content[at + 1 :]


def inline(text: str) -> Any:
    """A one-line value in block context: a flow list, `{}`, a quoted or a plain scalar."""
    first = text[0]
    if first == "[":
        items, end = flow_list(text)
        end_of_line(text, end)
        return items
    if first == "{":
        pairs, end = _flow_mapping(text)
        end_of_line(text, end)
        return pairs
    if first in "\"'":
        value, end = quoted(text, 0)
        end_of_line(text, end)
        return value
    cut = text.find(" #")
    if cut >= 0:
        text = text[:cut]
    text = text.rstrip(" ")
    if first in INDICATORS or ": " in text or text.endswith(":"):
        raise NotPlain
    return resolve(text)


def flow_list(text: str) -> tuple[list[Any], int]:
    """`[a, "b", 'c']` of scalars on one line, and where it ends."""
    simple = _SIMPLE_LIST.match(text)
    if simple is not None:  # no quotes: split at the commas
        inner = simple.group(1)
        if not inner.strip(" "):
            return [], simple.end()
        plains = [item.strip(" ") for item in inner.split(",")]
        starts = {item[:1] for item in plains}
        if "" in starts or not starts.isdisjoint(INDICATORS):
            raise NotPlain  # an empty entry (a doubled or trailing comma), an indicator
        if starts.isdisjoint(TYPED_START):
            return plains, simple.end()  # all plain text
        return [resolve(item) if item[0] in TYPED_START else item for item in plains], simple.end()
    items: list[Any] = []
    at = _skip_spaces(text, 1)
    if text[at : at + 1] == "]":
        return items, at + 1
    while True:
        if at >= len(text):
            raise NotPlain  # it goes on over the next lines
        if text[at] in "\"'":
            value, at = quoted(text, at)
        else:
            end = at
            while end < len(text) and text[end] not in ",]":
                end += 1
            plain = text[at:end].rstrip(" ")
            if not plain or plain[0] in INDICATORS or any(c in plain for c in ":#[]{}"):
                raise NotPlain
            value, at = resolve(plain), end
        items.append(value)
        at = _skip_spaces(text, at)
        mark = text[at : at + 1]
        if mark == "]":
            return items, at + 1
        if mark != ",":
            raise NotPlain
        at = _skip_spaces(text, at + 1)
        if text[at : at + 1] in ("]", ","):
            raise NotPlain  # a trailing or doubled comma


def _flow_mapping(text: str) -> tuple[dict[Any, Any], int]:
    """`{a: b, c: 1}` of plain scalars on one line, and where it ends."""
    simple = _SIMPLE_MAPPING.match(text)
    if simple is None:
        raise NotPlain  # quotes, nesting, more lines: the loader reads it
    inner = simple.group(1)
    out: dict[Any, Any] = {}
    if not inner.strip(" "):
        return out, simple.end()
    pairs = inner.split(",")
    for pair in pairs:
        key, colon, value = pair.partition(": ")
        key, value = key.strip(" "), value.strip(" ")
        if not (colon and key and value) or ":" in key or ":" in value:
            raise NotPlain  # `{a}`, `{a: }`, `{a:b}`, a trailing comma
        if key[0] in INDICATORS or value[0] in INDICATORS:
            raise NotPlain
        out[resolve(key)] = resolve(value)
    if len(out) != len(pairs):
        raise NotPlain  # a repeated key
    return out, simple.end()


def quoted(text: str, at: int) -> tuple[str, int]:
    """A one-line quoted scalar starting at `at`: its value and where it ends."""
    quote = text[at]
    end = text.find(quote, at + 1)
    if quote == "'":
        while text[end + 1 : end + 2] == "'" and end > 0:  # '' is a quote in the text
            end = text.find("'", end + 2)
        if end < 0:
            raise NotPlain  # it goes on over the next lines
        return text[at + 1 : end].replace("''", "'"), end + 1
    if end < 0:
        raise NotPlain
    value = text[at + 1 : end]
    if "\\" not in value:
        return value, end + 1
    double = _DOUBLE.compiled.match(text, at)
    if double is None:
        raise NotPlain
    return _ESCAPE.compiled.sub(_escaped, double.group(1)), double.end()


def _escaped(found: re.Match[str]) -> str:
    char = _ESCAPES.get(found.group(1))
    if char is None:
        raise NotPlain
    return char


def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at] == " ":
        at += 1
    return at


def end_of_line(text: str, end: int) -> None:
    """After a value only spaces may follow, then perhaps a comment."""
    rest = text[end:]
    stripped = rest.lstrip(" ")
    if stripped and (stripped[0] != "#" or len(stripped) == len(rest)):
        raise NotPlain
