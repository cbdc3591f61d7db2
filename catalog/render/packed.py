"""Many small values kept in one buffer, for the forked page writers.

A forked writer shares its parent's memory until either of them writes to a page of it, and
reading a Python object writes its reference count: a writer that reads every paper's view
dict copies most of the parent's heap (at 100,000 papers, ~700 MB per writer). A value kept
inside one bytes object is read by slicing, which writes nothing in the parent's pages, so
the writers share it for free; each value is rebuilt in the writer when its page is made.
"""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload


class _Packed:
    """Byte strings end to end in one buffer, and where each one starts."""

    def __init__(self, items: Iterable[bytes]) -> None:
        buffer = bytearray()
        ends = array("q", [0])
        for item in items:
            buffer += item
            ends.append(len(buffer))
        self._data = buffer  # not copied into a bytes: at 100,000 pages that doubles the peak
        self._ends = ends

    def __len__(self) -> int:
        return len(self._ends) - 1

    def _bytes(self, index: int) -> bytearray:
        """Item `index`'s bytes (a copy of a few hundred bytes: reading it this way writes
        nothing into the buffer's pages)."""
        ends = self._ends
        if index < 0:
            index += len(ends) - 1
            if index < 0:
                raise IndexError(index)
        return self._data[ends[index] : ends[index + 1]]  # IndexError past the end


class PackedStrings(_Packed, Sequence[str]):
    """A read-only sequence of strings, stored as UTF-8 in one buffer."""

    def __init__(self, strings: Iterable[str]) -> None:
        super().__init__(s.encode("utf-8") for s in strings)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._bytes(index).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))


class PackedValues(_Packed):
    """A read-only sequence of plain values (str, int, float, None, bool, and lists, tuples
    and dicts of them), marshalled into one buffer; each read gives a fresh copy."""

    def __init__(self, values: Iterable[Any]) -> None:
        super().__init__(marshal.dumps(v) for v in values)

    def __getitem__(self, index: int) -> Any:
        return marshal.loads(self._bytes(index))


def packed_ints(values: Iterable[int]) -> Sequence[int]:
    """Integers as one array (its items are not Python objects until read)."""
    return array("q", values)
