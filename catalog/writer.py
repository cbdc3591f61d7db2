"""The one way files are written: all-or-nothing, so a crash never leaves half a file, and
records only when they read back as the record meant."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from catalog.errors import CatalogError
from catalog.model import Record
from catalog.records import dump_record


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write to a temp file beside `path`, then rename it over `path` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


def record_text(record: Record | Mapping[str, Any], shown: str = "record") -> str:
    """The record's canonical YAML, checked to read back as the same record; else a
    CatalogError (so a caller can check every record before it writes any)."""
    expected = _as_record(record, shown)
    text = dump_record(expected)
    problem = _read_back(text, expected)
    if problem:
        raise CatalogError(f"{shown}: the record would not read back as written ({problem})")
    return text


def write_record(path: Path, record: Record | Mapping[str, Any], *, exclusive: bool = False) -> str:
    """Write a record as canonical YAML, safely: to a temp file beside `path`, which is read
    back from disk and must load as the same record before it is renamed into place; with
    `exclusive`, never over an existing file. Raises CatalogError (nothing changed) if not."""
    expected = _as_record(record, str(path))
    text = dump_record(expected)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        problem = _read_back(tmp.read_bytes().decode("utf-8"), expected)
        if problem:
            raise CatalogError(
                f"{path}: the record would not read back as written ({problem}); "
                "nothing was changed"
            )
        if exclusive:
            try:
                os.link(tmp, path)  # fails if path exists: never overwrites
            except FileExistsError:
                raise CatalogError(f"{path} already exists; nothing was changed") from None
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return text


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
