"""The page writers' Recycler: every file keeps its bytes and is closed, with or without the
kernel's advice, and the site it writes is the same either way."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest
from site_support import write_data

from catalog.render import page_cache
from catalog.render.page_cache import Recycler
from catalog.render.site import build_site
from catalog.validate import load_catalog


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


_names: dict[int, str] = {}


def _write(folder: Path, name: str, data: bytes) -> int:
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, data)
    _names[fd] = name
    return fd


def _closing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files page_cache closes, in order (_write names each fd it opens;
    fd numbers are reused once closed)."""
    closed: list[str] = []
    real = os.close

    def close(fd: int) -> None:
        closed.append(_names.pop(fd))
        real(fd)

    monkeypatch.setattr(page_cache.os, "close", close)
    return closed


def test_files_are_held_for_lag_files_then_closed_with_their_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = _closing(monkeypatch)
    with Recycler(lag=2) as files:
        for n in range(5):
            files.written(_write(tmp_path, f"{n}.html", f"page {n}\n".encode() * 1000))
        assert closed == ["0.html", "1.html", "2.html"]
    assert closed == [f"{n}.html" for n in range(5)]
    for n in range(5):
        assert (tmp_path / f"{n}.html").read_bytes() == f"page {n}\n".encode() * 1000


def test_without_posix_fadvise_each_file_is_closed_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "posix_fadvise", raising=False)
    closed = _closing(monkeypatch)
    with Recycler(lag=4) as files:
        files.written(_write(tmp_path, "a.html", b"<p>a</p>"))
        assert closed == ["a.html"]
    assert (tmp_path / "a.html").read_bytes() == b"<p>a</p>"


def test_a_file_system_refusing_the_advice_stops_asking_and_closes_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def refusing(fd: int, offset: int, length: int, advice: int) -> None:
        calls.append(fd)
        if len(calls) > 2:
            raise OSError(errno.ESPIPE, "Illegal seek")

    monkeypatch.setattr(page_cache.os, "posix_fadvise", refusing, raising=False)
    monkeypatch.setattr(page_cache.os, "POSIX_FADV_DONTNEED", 4, raising=False)
    closed = _closing(monkeypatch)
    with Recycler(lag=8) as files:
        for n in range(5):
            files.written(_write(tmp_path, f"{n}.html", b"x" * n))
        # the third file was refused: the two held ones were closed with it, then no advice
        assert closed == [f"{n}.html" for n in range(5)]
    assert len(calls) == 5  # two accepted, the refused one, one last try for each held
    assert [(tmp_path / f"{n}.html").read_bytes() for n in range(5)] == [b"x" * n for n in range(5)]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_site_is_the_same_with_and_without_dropping_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    from catalog.render import writing

    monkeypatch.setattr(writing, "PARALLEL_FROM", 0)
    catalog = load_catalog(write_data(tmp_path))
    build_site(catalog, tmp_path / "advised", workers=workers)
    seen: list[Any] = []
    monkeypatch.setattr(Recycler, "written", lambda self, fd: (seen.append(fd), os.close(fd)))
    build_site(catalog, tmp_path / "plain", workers=workers)
    if workers == 1:
        assert seen  # the writer hands its files over (a forked one's are not seen here)
    advised, plain = _tree(tmp_path / "advised"), _tree(tmp_path / "plain")
    assert sorted(advised) == sorted(plain)
    assert [name for name in advised if advised[name] != plain[name]] == []
