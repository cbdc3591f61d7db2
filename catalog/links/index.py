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

# A digest of the name, size and mtime of every file (the cache holds 32 characters, not a
# list that would be a quarter of its bytes: a cached run decodes all of it).
Signature = str
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
    """A digest of every file of the data folder and of the rules: name, size, mtime_ns."""
    found: list[str] = []
    package = Path(__file__).resolve().parent.parent
    for name in _RULES:
        found.append(_stat(f"code:{name}", package / name))
    for folder in (data_dir, data_dir / "papers"):
        try:
            entries = sorted((e.name, e) for e in os.scandir(folder))
        except OSError:
            found.append(f"{folder}\0-1\0-1")
            continue
        for _, entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                found.append(f"file:{entry.path}\0-1\0-1")
                continue
            if entry.is_dir(follow_symlinks=False):
                found.append(f"dir:{entry.path}\0-1\0{info.st_mtime_ns}")
            else:
                found.append(f"file:{entry.path}\0{info.st_size}\0{info.st_mtime_ns}")
    text = "\0\0".join(found).encode("utf-8", "surrogateescape")  # a name is any bytes
    return _digest(text)


def _digest(data: bytes) -> str:
    try:
        from _blake2 import blake2b  # hashlib's own, without hashlib's OpenSSL set-up (4 ms)
    except ImportError:  # another Python: the public way
        from hashlib import blake2b
    return blake2b(data, digest_size=16).hexdigest()


def _stat(name: str, path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return f"{name}\0-1\0-1"
    return f"{name}\0{info.st_size}\0{info.st_mtime_ns}"


def from_json(data: object) -> LinkIndex:
    """The index in a cache document; ValueError naming what is wrong.

    Values come from json.loads, so exact type() checks suffice (and keep True out of ints),
    done on whole columns (`map`) rather than item by item: a cached run checks every use.
    """
    if not isinstance(data, dict):
        raise ValueError("'index' is not an object")
    sig, links, contact = data.get("signature"), data.get("links"), data.get("contact")
    if isinstance(sig, list):
        sig = ""  # an earlier file's list of stats: an index that matches nothing, read again
    elif type(sig) is not str:
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


def matching(index: LinkIndex | None, data_dir: Path, now: Signature | None = None) -> bool:
    """Whether `index` still describes `data_dir` (nothing added, removed or changed)."""
    return index is not None and index.signature == (
        now if now is not None else signature(data_dir)
    )
