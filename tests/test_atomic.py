"""write_atomic: all or nothing, the target's mode kept, its temp file made as mkstemp would."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from catalog import atomic
from catalog.atomic import temp_beside, write_atomic


def test_a_new_file_is_written_whole_and_readable_by_all(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "links.json"
    write_atomic(target, "{}\n")
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["links.json"]


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "links.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_write_leaves_the_target_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "links.json"
    target.mkdir()  # os.replace of a file over a folder fails
    (target / "keep").write_text("x", encoding="utf-8")
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.json"]
    assert (target / "keep").read_text(encoding="utf-8") == "x"


def test_the_temp_file_is_new_private_and_never_an_existing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "links.json"
    taken = tmp_path / f".links.json.{'00' * 6}.tmp"
    taken.symlink_to(tmp_path / "elsewhere")  # a name already there (even a dangling link)
    draws = iter([b"\0" * 6, b"\1" * 6])
    monkeypatch.setattr(atomic.os, "urandom", lambda n: next(draws))
    fd, name = temp_beside(target)
    os.close(fd)
    assert name == str(tmp_path / f".links.json.{'01' * 6}.tmp")
    assert stat.S_IMODE(os.stat(name).st_mode) == 0o600
    assert not (tmp_path / "elsewhere").exists()
