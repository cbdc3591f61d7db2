"""A fast reader for the facts lockfile's own layout (the one facts.dump_facts writes).

YAML's pure-Python constructor costs about 35 s for the facts of 10,000 papers; this reads the
same file line by line in well under a second. It accepts only what it can read exactly as YAML
would (plain scalars only where YAML would see the same string, JSON-compatible quoted strings,
flow lists and mappings of those); anything else (a hand edit in another style, a comment in an
odd place) makes it return None, and the caller reads the file with YAML instead.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from catalog.records import scalar

_PAPER = re.compile(r'([a-z0-9][a-z0-9-]*|"[a-z0-9][a-z0-9-]*"):')
_FIELD = re.compile(r"  ([a-z_]+):")
_KEY = re.compile(r"(    - |      )(source|url|also|fetched|value): (.+)")
_INT = re.compile(r"0|[1-9][0-9]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ITEM = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[^,\[\]{}"]+?)\s*(,|$)')
_PAIR = re.compile(r'\s*([a-z_]+): ("(?:[^"\\]|\\.)*"|[^,\[\]{}"]+?)\s*(,|$)')


class _Unsure(Exception):
    """YAML might read this differently: let YAML read the file."""


def read_lines(text: str) -> dict[str, Any] | None:
    """The file's data as YAML would load it, or None when not sure to match YAML exactly."""
    data: dict[str, Any] = {}
    paper: dict[str, Any] | None = None
    entries: list[dict[str, Any]] | None = None
    entry: dict[str, Any] | None = None
    try:
        for line in text.split("\n"):
            if not line or line.startswith("#"):
                continue
            m = _KEY.fullmatch(line)
            if m:
                if entries is None:
                    raise _Unsure
                if m.group(1) == "    - ":
                    entry = {}
                    entries.append(entry)
                elif entry is None:
                    raise _Unsure
                key = m.group(2)
                if key in entry:
                    raise _Unsure  # a duplicate key: YAML's reader reports it
                entry[key] = _value(m.group(3))
                continue
            m = _FIELD.fullmatch(line)
            if m:
                if paper is None or m.group(1) in paper:
                    raise _Unsure
                entries = paper[m.group(1)] = []
                entry = None
                continue
            m = _PAPER.fullmatch(line)
            paper_id = _scalar(m.group(1)) if m else None  # 2024 or `no` unquoted: not a str
            if isinstance(paper_id, str) and paper_id not in data:
                paper = data[paper_id] = {}
                entries = entry = None
                continue
            raise _Unsure
    except (_Unsure, ValueError):
        return None
    return data


def _value(text: str) -> Any:
    if text.startswith("["):
        return _sequence(text)
    if text.startswith("{"):
        return _mapping(text)
    return _scalar(text)


def _scalar(text: str) -> Any:
    if text.startswith('"'):
        if not text.endswith('"'):
            raise _Unsure
        return json.loads(text)  # a YAML-only escape (backslash-0, -x, -e) fails: YAML reads it
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if _INT.fullmatch(text):
        return int(text)
    if _DATE.fullmatch(text):
        return dt.date.fromisoformat(text)
    if scalar(text) != text or ": " in text or " #" in text or text.endswith(":"):
        raise _Unsure
    return text


def _sequence(text: str) -> list[Any]:
    if not text.endswith("]"):
        raise _Unsure
    inner = text[1:-1]
    if not inner.strip():
        return []
    items, at = [], 0
    while at < len(inner):
        m = _ITEM.match(inner, at)
        if not m:
            raise _Unsure
        items.append(_scalar(m.group(1)))
        at = m.end()
    return items


def _mapping(text: str) -> dict[str, Any]:
    if not text.endswith("}"):
        raise _Unsure
    inner, out, at = text[1:-1], {}, 0
    while at < len(inner):
        m = _PAIR.match(inner, at)
        if not m or m.group(1) in out:
            raise _Unsure
        out[m.group(1)] = _scalar(m.group(2))
        at = m.end()
    return out
