"""Remember working links between runs, so a second run asks hosts only about the rest.

Only `ok` and `redirected` results are reused, and only within max-age; every failure is
checked again. The file is checked against its schema on load: anything other than a regular
file (a FIFO, a folder, a device), an oversized or deeply nested document, an entry with a
field of the wrong type: one warning, and a fresh cache. Never a traceback, never a hang.

Each entry is a row (a JSON array in `ROW` order), not an object: a cached run decodes and
checks every entry, and rows cost about half as much to do both. A version 1 file (objects)
is still read; its index is not (the records are read once more and a new one written).
"""

from __future__ import annotations

import json
import math
import os
import stat
import time
from pathlib import Path
from typing import Any

from catalog.links.index import LinkIndex
from catalog.links.index import from_json as index_from_json
from catalog.links.verdict import STATUSES, Result

VERSION = 2
READS = (1, VERSION)
REUSABLE = ("ok", "redirected")
MAX_BYTES = 64 * 1024 * 1024
# An entry's fields, in the order of its row, and the types each JSON value may have.
ROW = ("status", "checked_at", "http_status", "final_url", "message", "suggestion", "warning")
_FIELDS: dict[str, tuple[type, ...]] = {
    "status": (str,),
    "checked_at": (int, float),
    "http_status": (int, type(None)),
    "final_url": (str, type(None)),
    "message": (str,),
    "suggestion": (str, type(None)),
    "warning": (str, type(None)),
}
_REQUIRED = ("status", "checked_at")
_EMPTY_ROW = dict.fromkeys(ROW)  # v1 fields left out are null (message: "")
# Every combination of types a well-formed row may have (32 of them): one set lookup checks
# a row's length and types at once (exact types: the values are json.loads', and a bool is
# no number here).
_ROW_TYPES = frozenset(
    (str, number, code, final, str, suggestion, warning)
    for number in (int, float)
    for code in (int, type(None))
    for final in (str, type(None))
    for suggestion in (str, type(None))
    for warning in (str, type(None))
)
Row = list[Any]


class CacheError(ValueError):
    """The file is not a link cache we will use."""


class LinkCache:
    """The entries (URL -> row), the index of where URLs are used, and a load warning.

    A plain class, not a dataclass: a cached run pays for every class it creates at import.
    """

    def __init__(
        self,
        path: Path,
        entries: dict[str, Row] | None = None,
        warning: str | None = None,
        index: LinkIndex | None = None,  # where the URLs are used, for a run on unchanged data
    ) -> None:
        self.path = path
        self.entries: dict[str, Row] = {} if entries is None else entries
        self.warning = warning
        self.index = index
        self.changed = False  # something to save besides new results (a new index)

    @classmethod
    def load(cls, path: Path) -> LinkCache:
        """Read the cache; a missing file is an empty cache, anything wrong a warning."""
        try:
            raw = _read_regular(path)
        except FileNotFoundError:
            return cls(path)
        except CacheError as exc:
            return cls(path, warning=f"cache {path} {exc}; starting a fresh one")
        except (OSError, UnicodeDecodeError) as exc:
            return cls(path, warning=f"cannot read cache {path} ({exc}); starting a fresh one")
        try:
            entries, index = parse(raw)
        except CacheError as exc:
            return cls(path, warning=f"cache {path} is corrupt ({exc}); starting a fresh one")
        return cls(path, entries, index=index)

    def remember(self, index: LinkIndex) -> None:
        self.index, self.changed = index, True

    def fresh(
        self, url: str, max_age: float, now: float | None = None, records: tuple[str, ...] = ()
    ) -> Result | None:
        """The cached result for `url` (naming `records`) when it is a reusable one checked
        within max_age."""
        row = self.entries.get(url)
        if row is None or row[0] not in REUSABLE:
            return None
        age = (now if now is not None else time.time()) - row[1]
        if not 0 <= age <= max_age:
            return None
        status, _, code, final, message, suggestion, warning = row
        return Result(
            url, status, code, final, message, 0, 0, suggestion, warning, True, records
        )  # fmt: skip

    def update(self, results: list[Result], now: float | None = None) -> None:
        stamp = now if now is not None else time.time()
        for r in results:
            if not r.cached:
                row = [r.status, stamp, r.http_status, r.final_url, r.message]
                self.entries[r.url] = [*row, r.suggestion, r.warning]

    def save(self, max_age: float, now: float | None = None) -> None:
        """Write atomically, keeping only what a run like this one could reuse."""
        stamp = now if now is not None else time.time()
        keep = {
            url: row
            for url, row in sorted(self.entries.items())
            if row[0] in REUSABLE and stamp - row[1] <= max_age
        }
        from catalog.atomic import write_atomic  # tempfile and friends: only when saving

        doc: dict[str, Any] = {"version": VERSION, "entries": keep}
        if self.index is not None:
            doc["index"] = self.index.as_json()
        # compact: read by machines, and the C encoder only runs without indent
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        write_atomic(self.path, text + "\n")


def _read_regular(path: Path) -> str:
    """The file's text, opened without blocking and read only when it is a regular file."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the open
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CacheError("is not a regular file")
        if info.st_size > MAX_BYTES:
            raise CacheError(f"is larger than {MAX_BYTES // (1024 * 1024)} MB")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
    return data.decode("utf-8")


def parse(raw: str) -> tuple[dict[str, Row], LinkIndex | None]:
    """The entries and index of a cache document; CacheError naming the first thing wrong."""
    from catalog.collector import paused

    with paused():  # tens of thousands of new containers, none of them garbage: no collections
        return _parse(raw)


def _parse(raw: str) -> tuple[dict[str, Row], LinkIndex | None]:
    try:
        data = json.loads(raw)
    except RecursionError:
        raise CacheError("nested too deeply") from None
    except ValueError as exc:
        raise CacheError(f"not JSON: {exc}") from None
    version = data.get("version") if isinstance(data, dict) else None
    if version not in READS or type(version) is not int:
        raise CacheError("not a link cache of this version")
    entries = data.get("entries")
    if not isinstance(entries, dict):
        raise CacheError("'entries' is not an object")
    if version == 1:
        return _v1_rows(entries), None  # its index's signature has the old shape: read again
    for url, row in entries.items():
        if type(row) is not list or tuple(map(type, row)) not in _ROW_TYPES:
            raise CacheError(f"entry {url[:80]!r}: {_row_problem(row)}")
        if row[0] not in STATUSES:
            raise CacheError(f"entry {url[:80]!r}: unknown status {row[0]!r}")
        if not math.isfinite(row[1]):
            raise CacheError(f"entry {url[:80]!r}: 'checked_at' is not a finite number")
    if "index" not in data:
        return entries, None
    try:
        return entries, index_from_json(data["index"])
    except ValueError as exc:
        raise CacheError(str(exc)) from None


def _row_problem(row: object) -> str:
    """What is wrong with a row whose types are not a row's."""
    if type(row) is not list:
        return "not an array"
    if len(row) != len(ROW):
        return f"{len(row)} fields, not {len(ROW)}"
    for name, value in zip(ROW, row, strict=True):
        if type(value) not in _FIELDS[name]:
            return f"{name!r} is {type(value).__name__}"
    return "malformed"  # not reached: a row of the right types is in _ROW_TYPES


def _v1_rows(entries: dict[str, Any]) -> dict[str, Row]:
    """A version 1 file's entries (objects) as rows."""
    rows: dict[str, Row] = {}
    for url, entry in entries.items():
        problem = _entry_problem(entry)
        if problem:
            raise CacheError(f"entry {url[:80]!r}: {problem}")
        fields = {**_EMPTY_ROW, "message": "", **entry}
        rows[url] = [fields[name] for name in ROW]
    return rows


def _entry_problem(entry: object) -> str | None:
    """What is wrong with one entry, or None (exact type() checks: values are json.loads')."""
    if type(entry) is not dict:
        return "not an object"
    for name in _REQUIRED:
        if name not in entry:
            return f"no {name!r}"
    for name, value in entry.items():
        kinds = _FIELDS.get(name)
        if kinds is not None and type(value) not in kinds:
            return f"{name!r} is {type(value).__name__}"
    if not math.isfinite(entry["checked_at"]):
        return "'checked_at' is not a finite number"
    if entry["status"] not in STATUSES:
        return f"unknown status {entry['status']!r}"
    return None
