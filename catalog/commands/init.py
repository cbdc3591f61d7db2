"""`catalog init [DIR]`: a new, complete catalog that validates, builds and serves at once.

With `--from LIST.md` the new catalog is named after the list and the list is imported into it:
the title then appears everywhere init writes it (README, CONTRIBUTING, the issue forms), which
an import into an already initialised catalog could not change without rewriting those files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from catalog import output
from catalog.errors import EXIT_OK

if TYPE_CHECKING:
    from catalog.importing import ImportResult
    from catalog.importing.formats import Document


def run(
    root: Path,
    title: str | None,
    description: str | None,
    repo_url: str | None,
    site_url: str | None,
    requirement: str | None,
    fmt: Literal["text", "json"] = "text",
    from_list: Path | None = None,
) -> int:
    """Write the catalog's files under `root` (refusing if any exists); print what to do next.

    With `from_list`, the list is read first: when it is not UTF-8 or holds no paper, nothing
    is written and the exit status is the import's (1 or 2)."""
    from catalog.scaffold import Settings, init_catalog

    doc, result = _read(from_list) if from_list is not None else (None, None)
    if result is not None and doc is None:
        return _refused(result, fmt)
    title = title or (doc.title if doc is not None else None)
    name = title or f"Awesome {root.resolve().name.replace('-', ' ').replace('_', ' ').title()}"
    settings = Settings(
        title=name,
        description=description or f"A curated list of {name.removeprefix('Awesome ')} papers.",
        repo_url=repo_url,
        site_url=site_url,
        **({"requirement": requirement} if requirement else {}),
    )
    written = init_catalog(root, settings)
    document: dict[str, Any] = {"root": str(root), "title": name}
    document["written"] = [str(p) for p in written]
    if fmt == "text":
        output.note(f"created {name!r} in {root}: {len(written)} files")
        for path in written:
            click.echo(str(path))
    status = EXIT_OK
    if from_list is not None and doc is not None and result is not None:
        status, document["import"] = _import(doc, result, from_list, root / "data", fmt)
    if fmt == "json":
        output.emit_json(document)
        return status
    then = "" if from_list else "catalog new --arxiv ID (or catalog import LIST.md), then "
    output.note(f"next: cd {root} && {then}catalog build")
    return status


def _read(from_list: Path) -> tuple[Document | None, ImportResult]:
    """The list, read once: its document (None when it can't be imported) and its result."""
    from catalog.importing import ImportResult
    from catalog.importing.write import read_list

    result = ImportResult()
    return read_list(from_list, result), result


def _refused(result: ImportResult, fmt: Literal["text", "json"]) -> int:
    """Say why the list can't be imported (nothing was written); the import's exit status."""
    from catalog.commands.import_ import as_json, echo_diagnostics

    if fmt == "json":
        output.emit_json({"root": None, "title": None, "written": [], "import": as_json(result)})
    else:
        echo_diagnostics(result)
        output.note("nothing was written")
    return result.exit_code()


def _import(
    doc: Document, result: ImportResult, from_list: Path, data_dir: Path, fmt: str
) -> tuple[int, Any]:
    """Import the list into the new catalog: its exit status, and its JSON (None for text)."""
    from catalog.commands.import_ import as_json, echo_diagnostics, summary_line
    from catalog.importing.write import import_document

    with output.progress("import"):
        import_document(doc, from_list, data_dir, dt.date.today(), result)
    if fmt == "json":
        return result.exit_code(), as_json(result)
    echo_diagnostics(result)
    output.note(summary_line(result, data_dir))
    return result.exit_code(), None
