"""A regex compiled on first use, for patterns most runs never need.

Python compiles a regex in Python code, and a module's patterns are compiled again by every
process that imports it: the host-specific patterns of `identity` and the character classes
`model` checks only when a value is not printable were ~2% of what `catalog validate` executes
on the shipped data, for patterns it rarely or never uses (benchmarks/startup_bench.py).
"""

from __future__ import annotations

import re


class LazyPattern:
    """`re.compile(pattern, flags)`, done when a method is first called."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self.compiled.match(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)
