"""Write a record back as YAML in one canonical, human-friendly layout.

Used by every command that creates or rewrites records (import, dedupe --fix, new), so all
files look alike and diffs stay small.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from catalog.schema import SCHEMA_FILE

if TYPE_CHECKING:  # `scalar` serves the facts reader, which runs without pydantic
    from catalog.model import Record

SCHEMA_COMMENT = f"# yaml-language-server: $schema=../{SCHEMA_FILE}\n"
_PLAIN = re.compile(r"[A-Za-z0-9][\w .()+/?=&%~@-]*")
# RFC 3986's characters minus those YAML might read otherwise; never a final ':'.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?@!$&()*+;=%]*[A-Za-z0-9\-._~/?@!$&()*+;=%]")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
# What a double-quoted scalar must escape: quote, backslash, and all that YAML would not read
# back as itself (controls, NEL and the Unicode line breaks it folds, BOM, surrogates, and
# the BMP noncharacters outside YAML's printable set).
_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]')
_NOT_LITERAL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]"
)
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": "\\0"}
FIELD_ORDER = (
    "title",
    "year",
    "venue",
    "links",
    "keywords",
    "topics",
    "sections",
    "added",
    "authors",
)


def quoted(value: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `value`, on one line."""
    return '"' + _ESCAPE.sub(_escape_char, value) + '"'


def _escape_char(found: re.Match[str]) -> str:
    char = found.group()
    short = _SHORT_ESCAPES.get(char)
    if short:
        return short
    code = ord(char)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"


def scalar(value: Any) -> str:
    """A YAML scalar: plain when unambiguous, else double-quoted."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"unexpected scalar {value!r}")
    if not isinstance(value, str):
        return str(value)
    if _PLAIN_URL.fullmatch(value):
        return value
    if (
        _PLAIN.fullmatch(value)
        and value.lower() not in _RESERVED
        and not value[0].isdigit()
        and value == value.strip()
    ):
        return value
    return quoted(value)


def dump_record(record: Record | dict[str, Any]) -> str:
    """Serialize a record (model or plain fields) in the canonical field order."""
    data = dict(record) if isinstance(record, dict) else record.model_dump(exclude_none=True)
    data.pop("id", None)
    lines = [SCHEMA_COMMENT.rstrip("\n")]
    for key in (*FIELD_ORDER, *sorted(set(data) - set(FIELD_ORDER) - {"notes"}), "notes"):
        value = data.get(key)
        if value is None or (key == "sections" and value == ["papers"]):
            continue
        if key in ("topics", "keywords") and not value:  # `topics: []` is an error; `keywords:
            continue  # []` says nothing the default doesn't
        if key == "links":
            lines.append("links:")
            lines += [f"  {k}: {scalar(v)}" for k, v in value.items() if v is not None]
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(scalar(v) for v in value)}]")
        elif key == "notes" and isinstance(value, str) and "\n" in value:
            lines.append(f"notes: {_literal(value) or quoted(value)}")
        else:
            lines.append(f"{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


def _literal(value: str) -> str | None:
    """`value` as a literal block (easier to read and diff), or None when only the quoted
    form is exact: escapes needed, no visible text, or a layout YAML would read otherwise."""
    body = value.rstrip("\n")
    if not body.strip() or _NOT_LITERAL.search(value):
        return None
    trailing = len(value) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    first = next(line for line in body.split("\n") if line.strip())
    indent = "2" if first[:1] == " " or body[:1] == "\n" else ""
    lines = [f"  {line}" if line else "" for line in body.split("\n")]
    block = f"|{indent}{chomp}\n" + "\n".join(lines) + "\n" * max(trailing - 1, 0)
    import yaml  # only writers get here; readers of records stay free of PyYAML

    try:
        if yaml.load(f"notes: {block}\n", Loader=yaml.CSafeLoader) == {"notes": value}:
            return block
    except yaml.YAMLError:
        pass
    return None
