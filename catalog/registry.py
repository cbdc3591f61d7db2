"""Lookup of canonical names through their aliases, with "did you mean" for near misses."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


class _HasAliases(Protocol):
    @property
    def aliases(self) -> list[str]: ...


T = TypeVar("T", bound=_HasAliases)


def normalize(name: str) -> str:
    """Case and spacing never make two names different."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Registry(Generic[T]):
    """Canonical name -> entry, plus every spelling (canonical or alias) -> canonical name."""

    entries: Mapping[str, T]
    _spellings: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name, entry in self.entries.items():
            self._spellings.setdefault(normalize(name), name)
            for alias in entry.aliases:
                self._spellings.setdefault(normalize(alias), name)

    def canonical(self, name: str) -> str | None:
        return self._spellings.get(normalize(name))

    def suggest(self, name: str) -> str | None:
        """The canonical name of the closest spelling, when one is close enough."""
        key = normalize(name)
        close = difflib.get_close_matches(key, self._spellings, n=5, cutoff=0.6)
        if not close:
            return None
        # A transposition (ICRL for ICLR) is the likeliest typo: same letters rank first.
        best = max(close, key=lambda c: (sorted(c) == sorted(key), _ratio(c, key)))
        return self._spellings[best]

    def unknown_hint(self, name: str, what: str) -> str:
        """What to tell of a name this registry (data/<what>s.yaml) does not know: the nearest
        spelling, else where to add it. validate's diagnostics and `catalog new` say the same."""
        suggestion = self.suggest(name)
        return f"did you mean {suggestion!r}?" if suggestion else f"add it to data/{what}s.yaml"

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalize(name) in self._spellings

    def __len__(self) -> int:
        return len(self.entries)


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()
