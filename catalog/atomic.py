"""Write a file all-or-nothing: a crash never leaves half a file (`writer` builds on it).

A module of its own, without `writer`'s record checks, so what only writes a plain file (the
link cache) imports no pydantic. Its temp file is made as `tempfile.mkstemp` makes one (a new
name beside the target, created exclusively, readable by the owner only), without importing
tempfile: that module brings shutil, random and the compressors, a quarter of what the link
cache's save costs a link check.
"""

from __future__ import annotations

import os
from pathlib import Path

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_FLAGS |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_ATTEMPTS = 100  # names tried before giving up (mkstemp tries TMP_MAX, 238,328 on Linux)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write to a temp file beside `path`, then rename it over `path` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def temp_beside(path: Path) -> tuple[int, str]:
    """A new file `.<name>.<random>.tmp` in `path`'s folder, open for writing (mode 0600):
    its descriptor and path."""
    for _ in range(_ATTEMPTS):
        tmp = os.path.join(path.parent, f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, _FLAGS, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")
