"""The records' links, read without the validator: what a cold `check-links` needs.

A link check needs each record's `links` and nothing else, so it reads the records with the
C loader (`load.read_yaml`, the same safe reading as `validate`) and applies the model's own
URL rule (`rules.check_url`) to the link fields only: no pydantic, no registries. A record
whose file does not parse, or whose links are missing, of the wrong type, unknown or not
http(s) URLs, gives a file:line error and its links are not checked. Everything else in a
record (title, venue, keywords, ...) is `catalog validate`'s to check, which CI runs first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from catalog import rules
from catalog.catalog import LINK_SLOTS, papers_dir
from catalog.diagnostics import Diagnostic
from catalog.links.collect import LinkRef, plain_position
from catalog.load import (
    MAX_DEPTH,
    Source,
    max_file_bytes,
    read_regular,
    read_yaml,
    record_files,
)

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
    limit = max_file_bytes()
    for path in files:
        quick = quick_links(path, limit)
        if quick is not None:
            on_record(path.stem, quick)
            continue
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


_STR = "tag:yaml.org,2002:str"
_PAIRS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


def quick_links(path: Path, limit: int) -> list[tuple[str, LinkRef]] | None:
    """The links of a plainly written record, from libyaml's events alone (a third of what
    constructing the document costs); None whenever `read_yaml` and `record_links` must
    decide: unreadable or oversized file, a syntax error, anchors, aliases or tags, keys
    repeated at the top or in `links`, nesting past MAX_DEPTH, a link field missing, unknown,
    not a string or not a URL the fast rule accepts. Other fields' values are `validate`'s."""
    shown = str(path)
    raw = read_regular(path, shown, limit, False)
    if not isinstance(raw, bytes):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    parser = yaml.CSafeLoader(text)
    try:
        links = _links_events(parser)
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    if links is None or "paper" not in links or any(k not in LINK_SLOTS for k in links):
        return None
    found: list[tuple[str, LinkRef]] = []
    for name in LINK_SLOTS:
        value = links.get(name)
        if value is None:
            continue
        url, mark = value
        if not rules.fast_url(url):
            return None
        found.append((url, LinkRef(shown, mark.line + 1, mark.column + 1, path.stem, name)))
    return found


def _links_events(parser: Any) -> dict[str, tuple[str, Any]] | None:
    """`links`' string values and their marks, walking one document's events; None when
    anything is not plain (see quick_links)."""
    get = parser.get_event
    get()  # StreamStart
    if not isinstance(get(), yaml.DocumentStartEvent) or not _plain(top := get()):
        return None
    if not isinstance(top, yaml.MappingStartEvent):
        return None
    keys: set[str] = set()
    links: dict[str, tuple[str, Any]] | None = None
    while not isinstance(key := get(), yaml.MappingEndEvent):
        if not isinstance(key, yaml.ScalarEvent) or not _plain(key) or key.value in keys:
            return None
        keys.add(key.value)
        value = get()
        if key.value == "links":
            links = _string_pairs(parser, value)
            if links is None:
                return None
        elif not _skipped(parser, value):
            return None
    if not isinstance(get(), yaml.DocumentEndEvent) or not isinstance(get(), yaml.StreamEndEvent):
        return None
    return links


def _string_pairs(parser: Any, start: Any) -> dict[str, tuple[str, Any]] | None:
    """A flat mapping of string keys to string values, or None."""
    if not isinstance(start, yaml.MappingStartEvent) or not _plain(start):
        return None
    pairs: dict[str, tuple[str, Any]] = {}
    while not isinstance(key := parser.get_event(), yaml.MappingEndEvent):
        value = parser.get_event()
        if not isinstance(key, yaml.ScalarEvent) or key.value in pairs or not _plain(key):
            return None
        if not isinstance(value, yaml.ScalarEvent) or not _plain(value):
            return None
        if (
            value.style is None
            and parser.resolve(yaml.ScalarNode, value.value, (True, False)) != _STR
        ):
            return None  # a plain null, number, date...: the exact path says what it is
        pairs[key.value] = (value.value, value.start_mark)
    return pairs


def _skipped(parser: Any, event: Any) -> bool:
    """Skip one value (its events); False on an alias, anchor, tag or nesting too deep."""
    depth = 0
    while True:
        if not isinstance(event, _PAIRS) or not _plain(event):
            if not isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                return False  # an alias (or a stray event)
            depth -= 1
        elif not isinstance(event, yaml.ScalarEvent):
            depth += 1
            if depth >= MAX_DEPTH:
                return False
        if depth == 0:
            return True
        event = parser.get_event()


def _plain(event: Any) -> bool:
    """No anchor and no explicit tag (load refuses both)."""
    if event.anchor is not None:
        return False
    if isinstance(event, yaml.ScalarEvent):
        return event.tag is None or event.implicit[0] or event.implicit[1]
    return event.tag is None or bool(event.implicit)


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
