"""Where each URL is used, kept beside the link cache: a run on unchanged data skips loading.

Reading the records is most of what a cached check costs. The index stores the uses of every
URL of the records and the catalog's repo_url, under a signature of the data folder (name,
size and mtime of every file in it and in papers/) and of the code that reads the links. It is
written only by a run whose records' links had no errors (so their errors show again on the
next run). When the signature still matches, the run takes its links from here and reads no
record.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.links.collect import LinkRef

# Modules whose change can change which links are valid or where they are written.
_RULES = ("rules.py", "load.py", "catalog.py", "links/read.py", "links/collect.py")

Signature = list[list[Any]]


@dataclass
class LinkIndex:
    signature: Signature
    links: dict[str, list[LinkRef]]
    contact: str | None = None  # catalog.yaml's repo_url, for the User-Agent

    def as_json(self) -> dict[str, Any]:
        return {
            "signature": self.signature,
            "contact": self.contact,
            "links": {
                url: [[r.path, r.line, r.column, r.record, r.field] for r in refs]
                for url, refs in sorted(self.links.items())
            },
        }


def signature(data_dir: Path) -> Signature:
    """Every file of the data folder and of the rules, as [name, size, mtime_ns]."""
    found: Signature = []
    package = Path(__file__).resolve().parent.parent
    for name in _RULES:
        found.append(_stat(f"code:{name}", package / name))
    for folder in (data_dir, data_dir / "papers"):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            found.append([str(folder), -1, -1])
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                info = None
            kind = "dir" if entry.is_dir(follow_symlinks=False) else "file"
            size = info.st_size if info and kind == "file" else -1
            found.append([f"{kind}:{entry.path}", size, info.st_mtime_ns if info else -1])
    return found


def _stat(name: str, path: Path) -> list[Any]:
    try:
        info = path.stat()
    except OSError:
        return [name, -1, -1]
    return [name, info.st_size, info.st_mtime_ns]


def from_json(data: object) -> LinkIndex:
    """The index in a cache document; ValueError naming what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("'index' is not an object")
    sig, links, contact = data.get("signature"), data.get("links"), data.get("contact")
    if not isinstance(sig, list) or not all(_is_stat(item) for item in sig):
        raise ValueError("'index.signature' is malformed")
    if contact is not None and not isinstance(contact, str):
        raise ValueError("'index.contact' is not a string")
    if not isinstance(links, dict):
        raise ValueError("'index.links' is not an object")
    refs: dict[str, list[LinkRef]] = {}
    for url, uses in links.items():
        if not isinstance(uses, list) or not all(_is_use(use) for use in uses):
            raise ValueError(f"'index.links' entry {url[:80]!r} is malformed")
        refs[url] = [LinkRef(*use) for use in uses]
    return LinkIndex(sig, refs, contact)


# Values come from json.loads, so exact type() checks suffice (and keep True out of ints):
# several times faster than isinstance loops, which matters at 100k URLs a cached run.
def _is_stat(item: object) -> bool:
    return (
        type(item) is list
        and len(item) == 3
        and type(item[0]) is str
        and type(item[1]) is int
        and type(item[2]) is int
    )


def _is_use(use: object) -> bool:
    return (
        type(use) is list
        and len(use) == 5
        and type(use[0]) is str
        and type(use[1]) is int
        and type(use[2]) is int
        and type(use[3]) is str
        and type(use[4]) is str
    )


def matching(index: LinkIndex | None, data_dir: Path, now: Signature | None = None) -> bool:
    """Whether `index` still describes `data_dir` (nothing added, removed or changed)."""
    return index is not None and index.signature == (
        now if now is not None else signature(data_dir)
    )
