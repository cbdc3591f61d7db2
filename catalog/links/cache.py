"""Remember working links between runs, so a second run asks hosts only about the rest.

Only `ok` and `redirected` results are reused, and only within max-age; every failure is
checked again. A cache that cannot be read is reported and replaced, never fatal.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from catalog.links.verdict import Result
from catalog.writer import write_atomic

VERSION = 1
REUSABLE = ("ok", "redirected")


@dataclass
class LinkCache:
    path: Path
    entries: dict[str, dict[str, object]] = field(default_factory=dict)
    warning: str | None = None

    @classmethod
    def load(cls, path: Path) -> LinkCache:
        """Read the cache; a missing file is an empty cache, a corrupt one a warning."""
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError) as exc:
            return cls(path, warning=f"cannot read cache {path} ({exc}); starting a fresh one")
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("version") != VERSION:
                raise ValueError("not a link cache of this version")
            entries = data["entries"]
            if not isinstance(entries, dict) or not all(
                isinstance(v, dict) and isinstance(v.get("checked_at"), int | float)
                for v in entries.values()
            ):
                raise ValueError("malformed entries")
        except (ValueError, KeyError) as exc:
            return cls(path, warning=f"cache {path} is corrupt ({exc}); starting a fresh one")
        return cls(path, entries)

    def fresh(self, url: str, max_age: float, now: float | None = None) -> Result | None:
        """The cached result for `url` when it is a reusable one checked within max_age."""
        entry = self.entries.get(url)
        if entry is None or entry.get("status") not in REUSABLE:
            return None
        age = (now if now is not None else time.time()) - _stamp(entry)
        if not 0 <= age <= max_age:
            return None
        try:
            result = Result.from_json({**entry, "url": url})
        except (ValueError, TypeError):
            return None
        return replace(result, cached=True, attempts=0, elapsed_ms=0, records=())

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
            if entry.get("status") in REUSABLE and stamp - _stamp(entry) <= max_age
        }
        doc = {"version": VERSION, "entries": keep}
        write_atomic(self.path, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


def _stamp(entry: dict[str, object]) -> float:
    value = entry.get("checked_at")
    return float(value) if isinstance(value, int | float) else 0.0
