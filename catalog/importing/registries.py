"""What an import adds to the registries and to catalog.yaml, as text ready to write.

Venue and keyword spellings resolve to registry names (aliases included); names not there yet
are grouped by their loose spelling and added. New venues get the kind their name says. New
sections are appended to catalog.yaml's `sections`, keeping the rest of the file as it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from catalog.identity import normalize_title
from catalog.importing.venues import canonical_spelling, full_name_of, venue_kind
from catalog.model import CatalogConfig, Keyword, Section, Venue
from catalog.records import scalar
from catalog.registry import Registry, normalize
from catalog.slug import slugify

_SECTION_HINTS = (("pioneer", "pioneering"), ("survey", "surveys"), ("package", "packages"))


def resolve_names(
    spellings: Iterable[str], registry: Registry[Any]
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Map every spelling to a canonical name, inventing names for the registry's gaps.

    Unknown spellings that differ only in case, spaces or punctuation form one new name: the
    most frequent spelling (ties: more capitals, then first seen); the rest become aliases.
    Returns spelling -> name, and new or extended names -> their alias spellings.
    """
    loose = {normalize_title(name): name for name in registry.entries}
    for name, entry in registry.entries.items():
        for alias in entry.aliases:
            loose.setdefault(normalize_title(alias), name)
    ordered = list(spellings)
    counts = Counter(ordered)
    groups: dict[str, list[str]] = {}
    mapping: dict[str, str] = {}
    additions: dict[str, set[str]] = {}
    for spelling in dict.fromkeys(ordered):
        if (known := registry.canonical(spelling)) is not None:
            mapping[spelling] = known
        elif (close := loose.get(normalize_title(spelling))) is not None:
            mapping[spelling] = close  # a new spelling of a registry name: record it as alias
            additions.setdefault(close, set()).add(spelling)
        else:
            groups.setdefault(normalize_title(spelling), []).append(spelling)
    for variants in groups.values():
        name = max(variants, key=lambda v: (counts[v], sum(c.isupper() for c in v)))
        additions[name] = {v for v in variants if normalize(v) != normalize(name)}
        for variant in variants:
            mapping[variant] = name
    return mapping, additions


def dump_keywords(entries: dict[str, Keyword]) -> str:
    """keywords.yaml: canonical names in alphabetical order, each with its aliases."""
    lines = [
        "# Keywords a record may use. Keys are canonical spellings; `aliases` are other",
        "# spellings that validate and are rewritten to the key.",
    ]
    for name in sorted(entries, key=lambda n: (n.casefold(), n)):
        entry = entries[name]
        parts = []
        if entry.aliases:
            parts.append(f"  aliases: [{', '.join(scalar(a) for a in entry.aliases)}]")
        if entry.description:
            parts.append(f"  description: {scalar(entry.description)}")
        lines.append(f"{scalar(name)}:" + ("" if parts else " {}"))
        lines.extend(parts)
    return "\n".join(lines) + "\n"


def venue_names(
    spellings: Iterable[str], registry: Registry[Venue]
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """`resolve_names` for venues, after the spellings lists use (`NIPS` is `NeurIPS`): a new
    venue keeps the listed spellings it was met under as its aliases."""
    ordered = list(spellings)
    canonical = {
        s: s if registry.canonical(s) is not None else canonical_spelling(s) for s in ordered
    }
    mapping, additions = resolve_names((canonical[s] for s in ordered), registry)
    for spelling, name in canonical.items():
        final = mapping[name]
        if normalize(spelling) != normalize(final) and registry.canonical(spelling) is None:
            additions.setdefault(final, set()).add(spelling)
    return {s: mapping[canonical[s]] for s in ordered}, additions


def append_venues(path: Path, names: list[str], aliases: dict[str, set[str]] | None = None) -> str:
    """venues.yaml with newly met venues appended; its existing text and comments are kept."""
    existing = path.read_text(encoding="utf-8").rstrip("\n") if path.exists() else ""
    lines = [existing] if existing and existing.strip() not in ("{}", "") else []
    for name in names:
        known = full_name_of(name)
        lines += [
            f"{scalar(name)}:",
            f"  full_name: {scalar(known)}"
            if known
            else f"  full_name: {scalar(name)}  # imported: check it",
            f"  kind: {venue_kind(name)}",
        ]
        spellings = sorted((aliases or {}).get(name, ()), key=lambda a: (a.casefold(), a))
        if spellings:
            lines.append(f"  aliases: [{', '.join(scalar(a) for a in spellings)}]")
    return "\n".join(lines) + "\n"


def section_id(heading: str, sections: Iterable[Section]) -> str | None:
    """The configured section a heading names (by title, id or a telling word), else None."""
    key = normalize(heading)
    sections = list(sections)
    for section in sections:
        if key in (normalize(section.title), section.id) or slugify(heading) == section.id:
            return section.id
    known = {s.id for s in sections}
    for word, sid in _SECTION_HINTS:
        if word in key and sid in known:
            return sid
    return None


def main_section(sections: list[Section]) -> str:
    """Where flattened rows go: `papers` if configured, else the first section without text."""
    ids = [s.id for s in sections]
    if "papers" in ids:
        return "papers"
    return next((s.id for s in sections if not s.text), ids[0] if ids else "papers")


def new_section(heading: str, taken: set[str], text: str | None = None) -> Section:
    sid = slugify(heading) or "papers"
    base, n = sid, 2
    while sid in taken:
        sid, n = f"{base}-{n}", n + 1
    return Section(id=sid, title=heading, text=text)


def config_text(path: Path, config: CatalogConfig) -> str:
    """catalog.yaml for `config`, keeping the comment block at the top of the existing file."""
    data = config.model_dump(exclude_none=True, exclude_defaults=True)
    data["sections"] = [s.model_dump(exclude_none=True) for s in config.sections]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    header = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            header.append(line)
    return "\n".join([*header, body.rstrip("\n")]) + "\n"


def keyword_entries(
    keywords: Registry[Keyword], additions: dict[str, set[str]]
) -> dict[str, Keyword]:
    """The keyword registry with new names and new alias spellings merged in."""
    entries = dict(keywords.entries)
    for name, spellings in additions.items():
        old = entries.get(name, Keyword())
        aliases = sorted(set(old.aliases) | spellings, key=lambda a: (a.casefold(), a))
        entries[name] = Keyword(aliases=aliases, description=old.description)
    return entries
