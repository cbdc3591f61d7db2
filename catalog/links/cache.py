"""Remember working links between runs, so a second run asks hosts only about the rest.

Only `ok` and `redirected` results are reused, and only within max-age; every failure is
checked again. The file is checked against its schema on load: anything other than a regular
file (a FIFO, a folder, a device), an oversized or deeply nested document, an entry with a
field of the wrong type: one warning, and a fresh cache. Never a traceback, never a hang.
"""

from __future__ import annotations

import json
import math
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.links.index import LinkIndex
from catalog.links.index import from_json as index_from_json
from catalog.links.verdict import STATUSES, Result

VERSION = 1
REUSABLE = ("ok", "redirected")
MAX_BYTES = 64 * 1024 * 1024
# field -> the types its JSON value may have (None: null allowed)
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


class CacheError(ValueError):
    """The file is not a link cache we will use."""


@dataclass
class LinkCache:
    path: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    warning: str | None = None
    index: LinkIndex | None = None  # where the URLs are used, for a run on unchanged data
    changed: bool = False  # something to save besides new results (a new index)

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

    def fresh(self, url: str, max_age: float, now: float | None = None) -> Result | None:
        """The cached result for `url` when it is a reusable one checked within max_age."""
        entry = self.entries.get(url)
        if entry is None or entry["status"] not in REUSABLE:
            return None
        age = (now if now is not None else time.time()) - entry["checked_at"]
        if not 0 <= age <= max_age:
            return None
        return Result(
            url,
            entry["status"],
            entry.get("http_status"),
            entry.get("final_url"),
            entry.get("message", ""),
            suggestion=entry.get("suggestion"),
            warning=entry.get("warning"),
            cached=True,
        )

    def update(self, results: list[Result], now: float | None = None) -> None:
        stamp = now if now is not None else time.time()
        for result in results:
            if result.cached:
                continue
            entry = result.as_json()
            for key in ("url", "records", "cached", "attempts", "elapsed_ms"):
                entry.pop(key, None)
            entry["checked_at"] = stamp
            self.entries[result.url] = entry

    def save(self, max_age: float, now: float | None = None) -> None:
        """Write atomically, keeping only what a run like this one could reuse."""
        stamp = now if now is not None else time.time()
        keep = {
            url: entry
            for url, entry in sorted(self.entries.items())
            if entry["status"] in REUSABLE and stamp - entry["checked_at"] <= max_age
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


def parse(raw: str) -> tuple[dict[str, dict[str, Any]], LinkIndex | None]:
    """The entries and index of a cache document; CacheError naming the first thing wrong."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise CacheError("nested too deeply") from None
    except ValueError as exc:
        raise CacheError(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise CacheError("not a link cache of this version")
    entries = data.get("entries")
    if not isinstance(entries, dict):
        raise CacheError("'entries' is not an object")
    for url, entry in entries.items():
        problem = _entry_problem(entry)
        if problem:
            raise CacheError(f"entry {url[:80]!r}: {problem}")
    if "index" not in data:
        return entries, None
    try:
        return entries, index_from_json(data["index"])
    except ValueError as exc:
        raise CacheError(str(exc)) from None


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
