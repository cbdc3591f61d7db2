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
from pathlib import Path
from typing import Any

from catalog.links.collect import LinkRef

# Modules whose change can change which links are valid or where they are written.
_RULES = ("rules.py", "load.py", "catalog.py", "links/read.py", "links/collect.py")

# Flat: name, size, mtime_ns, name, size, ... (one list compares, and checks, at C speed)
Signature = list[Any]
_USE = (str, int, int, str, str)  # a LinkRef's fields' types, as the JSON holds them


class LinkIndex:
    """The uses of every URL, the repo_url, and the signature they were read under (a plain
    class: a cached run pays for every dataclass it creates at import)."""

    def __init__(
        self,
        signature: Signature,
        links: dict[str, list[LinkRef]],
        contact: str | None = None,  # catalog.yaml's repo_url, for the User-Agent
    ) -> None:
        self.signature, self.links, self.contact = signature, links, contact

    def as_json(self) -> dict[str, Any]:
        return {
            "signature": self.signature,
            "contact": self.contact,
            "links": {url: [list(r) for r in refs] for url, refs in sorted(self.links.items())},
        }


def signature(data_dir: Path) -> Signature:
    """Every file of the data folder and of the rules: name, size, mtime_ns for each."""
    found: Signature = []
    package = Path(__file__).resolve().parent.parent
    for name in _RULES:
        found += _stat(f"code:{name}", package / name)
    for folder in (data_dir, data_dir / "papers"):
        try:
            entries = sorted((e.name, e) for e in os.scandir(folder))
        except OSError:
            found += [str(folder), -1, -1]
            continue
        for _, entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                found += [f"file:{entry.path}", -1, -1]
                continue
            if entry.is_dir(follow_symlinks=False):
                found += [f"dir:{entry.path}", -1, info.st_mtime_ns]
            else:
                found += [f"file:{entry.path}", info.st_size, info.st_mtime_ns]
    return found


def _stat(name: str, path: Path) -> list[Any]:
    try:
        info = path.stat()
    except OSError:
        return [name, -1, -1]
    return [name, info.st_size, info.st_mtime_ns]


def from_json(data: object) -> LinkIndex:
    """The index in a cache document; ValueError naming what is wrong.

    Values come from json.loads, so exact type() checks suffice (and keep True out of ints),
    done on whole columns (`map`) rather than item by item: a cached run checks every use.
    """
    if not isinstance(data, dict):
        raise ValueError("'index' is not an object")
    sig, links, contact = data.get("signature"), data.get("links"), data.get("contact")
    if not isinstance(sig, list) or not _is_signature(sig):
        raise ValueError("'index.signature' is malformed")
    if contact is not None and not isinstance(contact, str):
        raise ValueError("'index.contact' is not a string")
    if not isinstance(links, dict):
        raise ValueError("'index.links' is not an object")
    make = tuple.__new__  # LinkRef._make without its length check: _USE checked it
    refs: dict[str, list[LinkRef]] = {}
    for url, uses in links.items():
        if type(uses) is not list or not all(
            type(use) is list and tuple(map(type, use)) == _USE for use in uses
        ):
            raise ValueError(f"'index.links' entry {url[:80]!r} is malformed")
        refs[url] = [make(LinkRef, use) for use in uses]
    return LinkIndex(sig, refs, contact)


def _is_signature(sig: list[Any]) -> bool:
    return (
        len(sig) % 3 == 0
        and set(map(type, sig[0::3])) <= {str}
        and set(map(type, sig[1::3])) <= {int}
        and set(map(type, sig[2::3])) <= {int}
    )


def matching(index: LinkIndex | None, data_dir: Path, now: Signature | None = None) -> bool:
    """Whether `index` still describes `data_dir` (nothing added, removed or changed)."""
    return index is not None and index.signature == (
        now if now is not None else signature(data_dir)
    )
