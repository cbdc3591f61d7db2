"""The one way files are written: all-or-nothing, so a crash never leaves half a file, and
records only when they read back as the record meant."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog.atomic import write_atomic as write_atomic
from catalog.errors import CatalogError, UsageProblem
from catalog.model import Record
from catalog.records import dump_record

if TYPE_CHECKING:  # imported where a removal is handed off: most commands never do
    import subprocess


def create_exclusive(path: Path, content: str) -> bool:
    """Write a new file atomically unless one already exists there; False if it does."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8"))
        os.chmod(tmp, 0o644)
        os.link(tmp, path)  # fails if path appeared meanwhile: never overwrites
    except FileExistsError:
        return False
    finally:
        Path(tmp).unlink(missing_ok=True)
    return True


def record_text(record: Record | Mapping[str, Any], shown: str = "record") -> str:
    """The record's canonical YAML, checked to read back as the same record; else a
    CatalogError (so a caller can check every record before it writes any)."""
    expected = _as_record(record, shown)
    text = dump_record(expected)
    problem = _read_back(text, expected)
    if problem:
        raise CatalogError(f"{shown}: the record would not read back as written ({problem})")
    return text


def write_record(
    path: Path,
    record: Record | Mapping[str, Any],
    *,
    exclusive: bool = False,
    verified: str | None = None,
) -> bool:
    """Write a record as canonical YAML, safely: to a temp file beside `path`, which is read
    back from disk and must load as the same record before it is renamed into place (else a
    CatalogError, nothing changed). With `exclusive`, never over an existing file: False if
    one is there. `verified` is `record_text(record)`: text already shown to load as the
    record, so the file read back need only hold exactly those bytes (import checks every
    row that way before it writes any, and need not parse each one twice)."""
    expected: Record | None = None
    if verified is not None:
        text = verified
    else:
        expected = _as_record(record, str(path))
        text = dump_record(expected)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        on_disk = tmp.read_bytes()
        if expected is None:
            same = on_disk == text.encode("utf-8")
            problem = None if same else "the file on disk differs from what was written"
        else:
            problem = _read_back(on_disk.decode("utf-8"), expected)
        if problem:
            raise CatalogError(
                f"{path}: the record would not read back as written ({problem}); "
                "nothing was changed"
            )
        if exclusive:
            try:
                os.link(tmp, path)  # fails if path exists: never overwrites
            except FileExistsError:
                return False
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return True


def _as_record(record: Record | Mapping[str, Any], shown: str) -> Record:
    from pydantic import ValidationError

    if isinstance(record, Record):
        return record
    try:
        return Record.model_validate({k: v for k, v in record.items() if k != "id"})
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"]) or "record"
        raise CatalogError(f"{shown}: not a valid record: {where}: {error['msg']}") from None


def _read_back(text: str, expected: Record) -> str | None:
    """Why `text` does not load as `expected` (None when it does), as the loader reads it."""
    from pydantic import ValidationError

    from catalog.load import parse_text

    data, problems = parse_text(text, "record")
    if problems:
        return problems[0].message
    if not isinstance(data, dict):
        return "not a mapping"
    try:
        loaded = Record.model_validate(data)
    except ValidationError as exc:
        return str(exc.errors(include_url=False)[0]["msg"])
    if loaded != expected:
        differ = [k for k in Record.model_fields if getattr(loaded, k) != getattr(expected, k)]
        return f"{', '.join(differ)} would change"
    return None


@contextmanager
def output_lock(target: Path) -> Iterator[None]:
    """Hold `.<name>.lock` beside `target` for as long as one command writes it, so two builds
    never mix their outputs. A second one gets a UsageProblem at once (exit 2). The kernel drops
    the lock when its holder dies, even by kill -9, so a lock file left behind is never stale."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): builds are not serialized there
        target.parent.mkdir(parents=True, exist_ok=True)
        yield
        return
    lock = target.parent / f".{target.name}.lock"
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            by = f" (process {holder})" if holder.isdigit() else ""
            raise UsageProblem(
                f"another `catalog build`{by} is writing {target}; wait for it to finish"
            ) from None
        try:  # the previous holder removes the file as it lets go: retry on a fresh one
            fresh = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            fresh = False
        if fresh:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield
    finally:
        lock.unlink(missing_ok=True)
        os.close(fd)


def publish_folder(
    target: Path, make: Callable[[Path, Path], None], *, remove_later: bool = False
) -> None:
    """Replace the folder `target` by one that `make(work, staged)` fills in `staged`, all or
    nothing: built in a temp folder beside it, swapped in only once complete, so `target`
    is never missing or half-built, whatever the crash. Holds target's lock throughout, so
    it first removes what killed runs left behind (`.<name>.build-*`).

    remove_later: the old folder is removed by a process of its own once the new one is in
    place, instead of before this returns (see `remove_detached`)."""
    with output_lock(target):
        _clean_leftovers(target)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
        handed = False
        try:
            staged = work / "new"
            make(work, staged)
            replaced = target.exists()
            _swap(staged, target, work / "previous")
            if remove_later and replaced:  # the old folder is in `work` now: hand it off
                if (work / "previous").is_dir():  # never put back by _clean_leftovers now
                    os.replace(work / "previous", work / "old")
                handed = remove_detached(work)
        finally:
            if not handed:
                shutil.rmtree(work, ignore_errors=True)


_REMOVE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
_REMOVERS: list[subprocess.Popen[bytes]] = []  # kept, so each is reaped (see remove_detached)


def remove_detached(folder: Path) -> bool:
    """Start removing `folder` in a process of its own, in a session of its own with no
    inherited file (a pipe read to its end, the output's lock), which outlives this one;
    False when it cannot start (the caller removes it then).

    Why: the previous site of 100,000 papers is 200,000 files and folders (2.3 GB), and
    removing them took 31 s here, as long as building the new site's pages; the reader
    has the new site as soon as it is swapped in. A killed remover leaves the folder to the
    next build's `_clean_leftovers`, which removes such folders anyway."""
    import subprocess

    _REMOVERS[:] = [process for process in _REMOVERS if process.poll() is None]
    if not sys.executable:
        return False
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _REMOVE, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
        )
    except OSError:
        return False
    _REMOVERS.append(process)
    return True


def _clean_leftovers(target: Path) -> None:
    """Temp folders of killed runs; an old folder one left aside (only the two-rename swap
    does) is put back first if the target is missing."""
    for folder in sorted(target.parent.glob(f".{target.name}.build-*")):
        if folder.is_symlink() or not folder.is_dir():
            continue
        previous = folder / "previous"
        if not target.exists() and previous.is_dir() and not previous.is_symlink():
            os.replace(previous, target)
        shutil.rmtree(folder, ignore_errors=True)


def _swap(staged: Path, target: Path, previous: Path) -> None:
    """Put `staged` at `target` in one atomic exchange where the system has one (Linux);
    else move the old folder aside only now that the new one is complete, and put it back
    if the second rename fails."""
    if not target.exists():
        os.replace(staged, target)
    elif not _exchange(staged, target):
        os.replace(target, previous)
        try:
            os.replace(staged, target)
        except BaseException:
            os.replace(previous, target)
            raise


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc = _libc()
    renameat2 = getattr(libc, "renameat2", None) if libc else None
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange):
        error = ctypes.get_errno()
        if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV):
            return False
        raise OSError(error, os.strerror(error), str(second))
    return True


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
