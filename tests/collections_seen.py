"""Which calls ran a cyclic garbage collection: for the steps that hold the collector off
(catalog/collector.py) because they make no cycles and each collection re-scanned the heap."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest


@contextmanager
def collections_in(
    monkeypatch: pytest.MonkeyPatch, *targets: tuple[Any, str]
) -> Iterator[dict[str, int]]:
    """Counts, by name, the collections that start while each (owner, name) callable runs,
    with the young generation collected after every new object (older ones as good as
    never), so a step that leaves the collector on is seen collecting."""
    seen = {name: 0 for _, name in targets}
    running: list[str] = []

    def watch(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def watched(*args: Any, **kwargs: Any) -> Any:
            running.append(name)
            try:
                return real(*args, **kwargs)
            finally:
                running.pop()

        return watched

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and running:
            seen[running[-1]] += 1

    for owner, name in targets:
        monkeypatch.setattr(owner, name, watch(name, getattr(owner, name)))
    threshold = gc.get_threshold()
    gc.set_threshold(1, 10**6, 10**6)
    gc.callbacks.append(count)
    try:
        yield seen
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)
