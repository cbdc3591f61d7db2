"""Which URLs to check, and where each one came from.

Every URL is checked once however many records use it; each use keeps its record id and the
(line, column) of the value in the record's file, so reports point at the exact spot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from catalog.errors import UsageProblem

if TYPE_CHECKING:  # a cached run reads links from the index, never a Catalog (nor imports it)
    from catalog.catalog import Catalog

_SHARD = re.compile(r"(\d+)/(\d+)")


class LinkRef(NamedTuple):
    """One use of a URL: the record, its field, and where the value is written.

    A named tuple: ordered and compared as (path, line, column, record, field), and built
    several times faster than a frozen dataclass (a cached run rebuilds one per use).
    """

    path: str
    line: int
    column: int
    record: str
    field: str

    def as_json(self) -> dict[str, object]:
        return {
            "record": self.record,
            "field": f"links.{self.field}",
            "file": self.path,
            "line": self.line,
            "column": self.column,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinkRef:
        """A reference read back from a JSON report (numbers missing or null count as 0)."""
        return cls(
            str(data["file"]),
            int(data.get("line") or 0),
            int(data.get("column") or 0),
            str(data["record"]),
            str(data.get("field", "links.paper")).removeprefix("links."),
        )


def collect(catalog: Catalog, only: set[str] | None = None) -> dict[str, list[LinkRef]]:
    """URL -> its uses, for every valid paper (or only the ids in `only`), in record order."""
    from catalog.catalog import LINK_SLOTS

    links: dict[str, list[LinkRef]] = {}
    for paper in catalog.papers:
        if only is not None and paper.id not in only:
            continue
        source = catalog.sources[paper.id]
        for name in LINK_SLOTS:
            url = getattr(paper.links, name)
            if not url:
                continue
            where = plain_position(source.text, name, url) if source.text else None
            line, column = where or source.locate(("links", name))
            links.setdefault(url, []).append(LinkRef(source.path, line, column, paper.id, name))
    return links


def plain_position(text: str, name: str, url: str) -> tuple[int, int] | None:
    """(line, column) of `name: <url>` when the record writes it plainly, once, indented under
    `links:`, as `catalog new` and the importer do; None sends the caller to the YAML parse
    (`Source.locate`), which finds any spelling but composes the whole file again."""
    at = text.find(url)
    if at < 0 or text.find(url, at + 1) >= 0:
        return None
    start = text.rfind("\n", 0, at) + 1
    before = text[start:at]
    quote = before[-1:] if before[-1:] in ("'", '"') else ""
    key = before[: len(before) - len(quote)].rstrip(" ")
    after = text[at + len(url) : at + len(url) + 1]
    if key.strip() != f"{name}:" or not key.startswith(" ") or after not in (quote or "\n", ""):
        return None
    if text.rfind("\nlinks:", 0, start) < 0 and not text.startswith("links:"):
        return None
    return text.count("\n", 0, at) + 1, len(before) - len(quote) + 1


def parse_shard(text: str) -> tuple[int, int]:
    """'K/N' with 1 <= K <= N, else ValueError."""
    match = _SHARD.fullmatch(text.strip())
    if not match:
        raise ValueError(f"expected K/N such as 1/4, got {text!r}")
    k, n = int(match.group(1)), int(match.group(2))
    if not 1 <= k <= n:
        raise ValueError(f"shard {k}/{n}: K must be between 1 and N")
    return k, n


def in_shard(url: str, k: int, n: int) -> bool:
    """Deterministic on every machine and Python run: a hash of the URL, not hash()."""
    import hashlib  # only a sharded run needs it (a cached run stays lean)

    digest = hashlib.sha256(url.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n == k - 1


def changed_records(data_dir: Path, rev: str, option: str = "--changed-since") -> set[str]:
    """Ids of records added or changed since `rev` (committed or not, and untracked files)."""
    from catalog.catalog import papers_dir

    folder = papers_dir(data_dir).resolve()
    top = Path(
        _git(option, folder if folder.is_dir() else data_dir, "rev-parse", "--show-toplevel")
    )
    diff = _git(option, top, "diff", "--name-only", "--no-renames", "-z", rev, "--", str(folder))
    new = _git(option, top, "ls-files", "--others", "--exclude-standard", "-z", "--", str(folder))
    ids = set()
    for name in (diff + new).split("\0"):
        path = (top / name).resolve() if name else None
        if path and path.parent == folder and path.suffix in (".yaml", ".yml"):
            ids.add(path.stem)
    return ids


def records_at(data_dir: Path, rev: str, option: str = "--changed-since") -> set[str]:
    """Ids of the records that existed at `rev` (so changed ones not among them are new)."""
    from catalog.catalog import papers_dir

    folder = papers_dir(data_dir).resolve()
    top = Path(
        _git(option, folder if folder.is_dir() else data_dir, "rev-parse", "--show-toplevel")
    )
    relative = folder.relative_to(top.resolve()).as_posix()
    listing = _git(option, top, "ls-tree", "--name-only", "-z", rev, "--", f"{relative}/")
    return {Path(name).stem for name in listing.split("\0") if name.endswith((".yaml", ".yml"))}


def _git(option: str, cwd: Path, *args: str) -> str:
    import subprocess  # --changed-since only

    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageProblem(f"{option} needs git: {exc}") from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise UsageProblem(f"{option}: git {args[0]}: {said}")
    return done.stdout.strip("\n") if args[0] == "rev-parse" else done.stdout
