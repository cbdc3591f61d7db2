"""Write a record back as YAML in one canonical, human-friendly layout.

Used by every command that creates or rewrites records (import, dedupe --fix, new), so all
files look alike and diffs stay small.
"""

from __future__ import annotations

import json
import re
from typing import Any

from catalog.model import Record
from catalog.schema import SCHEMA_FILE

SCHEMA_COMMENT = f"# yaml-language-server: $schema=../{SCHEMA_FILE}\n"
_PLAIN = re.compile(r"[A-Za-z0-9][\w .()+/?=&%~@-]*")
_PLAIN_URL = re.compile(r"https?://[^\s#'\"{}\[\],`]+")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
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


def scalar(value: Any) -> str:
    """A YAML scalar: plain when unambiguous, else a double-quoted (JSON-compatible) string."""
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
    return json.dumps(value, ensure_ascii=False)


def dump_record(record: Record | dict[str, Any]) -> str:
    """Serialize a record (model or plain fields) in the canonical field order."""
    data = record.model_dump(exclude_none=True) if isinstance(record, Record) else dict(record)
    data.pop("id", None)
    lines = [SCHEMA_COMMENT.rstrip("\n")]
    for key in (*FIELD_ORDER, *sorted(set(data) - set(FIELD_ORDER) - {"notes"}), "notes"):
        value = data.get(key)
        if value is None or (key == "sections" and value == ["papers"]):
            continue
        if key == "topics" and not value:  # no topics yet: absent, since `topics: []` is an error
            continue
        if key == "links":
            lines.append("links:")
            lines += [f"  {k}: {scalar(v)}" for k, v in value.items() if v is not None]
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(scalar(v) for v in value)}]")
        elif key == "notes" and "\n" in value:
            lines.append("notes: |-")
            lines += [f"  {line}" if line else "" for line in value.rstrip("\n").split("\n")]
        else:
            lines.append(f"{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"
