"""The records' links, read without the validator: what a cold `check-links` needs.

A link check needs each record's `links` and nothing else, so it reads the records as
`validate` does (`load.read_yaml`: plainly written files line by line without PyYAML, any
other with the C loader, the same safe reading) and applies the model's own
URL rule (`rules.check_url`) to the link fields only: no pydantic, no registries. A record
whose file does not parse, or whose links are missing, of the wrong type, unknown or not
http(s) URLs, gives a file:line error and its links are not checked. Everything else in a
record (title, venue, keywords, ...) is `catalog validate`'s to check, which CI runs first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from catalog import rules
from catalog.diagnostics import Diagnostic
from catalog.layout import LINK_SLOTS, papers_dir
from catalog.links.collect import LinkRef, plain_position
from catalog.load import Source, read_yaml, record_files

# One record's links: (URL, where it is used), in LINK_SLOTS order.
OnRecord = Callable[[str, list[tuple[str, LinkRef]]], None]


def read_contact(data_dir: Path) -> str | None:
    """catalog.yaml's repo_url when it is a valid URL (for the User-Agent), else None: the
    config's other fields and its errors are `validate`'s."""
    source, problems = read_yaml(data_dir / "catalog.yaml")
    value = source.data.get("repo_url") if isinstance(source.data, dict) else None
    if problems or not isinstance(value, str):
        return None
    try:
        return rules.check_url(value)
    except rules.Refused:
        return None


def read_links(data_dir: Path, on_record: OnRecord) -> list[Diagnostic]:
    """Call `on_record` with the links of each record whose links are valid, in file-name
    order; return the errors of the others. What `on_record` raises stops the reading."""
    files, errors = record_files(papers_dir(data_dir))
    for path in files:
        source, problems = read_yaml(path, follow_symlinks=False)
        if problems:
            errors.extend(problems)
            continue
        links, more = record_links(source, path.stem)
        if more:
            errors.extend(more)
        else:
            on_record(path.stem, links)
    return errors


def record_links(source: Source, record: str) -> tuple[list[tuple[str, LinkRef]], list[Diagnostic]]:
    """A parsed record's links and where each is written, or the errors that stop them."""
    data = source.data
    if not isinstance(data, dict):
        said = "file is empty; expected a paper record" if data is None else (
            f"expected a mapping of fields, got a {type(data).__name__}"
        )  # fmt: skip
        code = "empty-file" if data is None else "not-a-mapping"
        return [], [_at(source, (), code, said)]
    links = data.get("links")
    if links is None:
        return [], [_at(source, (), "missing-field", "links: required field is missing")]
    if not isinstance(links, dict):
        said = f"links: expected a mapping of {', '.join(LINK_SLOTS)}, got {_shown(links)}"
        return [], [_at(source, ("links",), "wrong-type", said)]
    problems = [_unknown(source, key) for key in links if key not in LINK_SLOTS]
    found: list[tuple[str, LinkRef]] = []
    for name in LINK_SLOTS:
        value = links.get(name)
        if value is None:
            if name == "paper":
                said = "links.paper: required field is missing"
                if "paper" in links:
                    said = "links.paper: input should be a valid string, got None"
                problems.append(_at(source, ("links",), "missing-field", said))
            continue
        if not isinstance(value, str):
            said = f"links.{name}: input should be a valid string, got {_shown(value)}"
            problems.append(_at(source, ("links", name), "wrong-type", said))
            continue
        try:
            rules.check_url(value)
        except rules.Refused as refused:
            problems.append(
                _at(source, ("links", name), refused.code, f"links.{name}: {refused}", refused.hint)
            )
            continue
        where = plain_position(source.text, name, value) if source.text else None
        line, column = where or source.locate(("links", name))
        found.append((value, LinkRef(source.path, line, column, record, name)))
    return found, problems


def _unknown(source: Source, key: Any) -> Diagnostic:
    import difflib  # an error path

    close = difflib.get_close_matches(str(key), LINK_SLOTS, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known fields: {', '.join(LINK_SLOTS)}"
    line, column = source.locate(("links", key), at_key=True)
    return Diagnostic(
        source.path, line, column, "error", "unknown-field", f"links.{key}: unknown field", hint
    )


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _at(
    source: Source, keys: tuple[str, ...], code: str, message: str, hint: str | None = None
) -> Diagnostic:
    line, column = source.locate(keys)
    return Diagnostic(source.path, line, column, "error", code, message, hint)
