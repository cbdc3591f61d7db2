"""Turn the data folder into validated Papers plus every Diagnostic, in one pass.

Nothing stops at the first problem: each file is checked on its own and all findings are
collected, so a contributor sees everything to fix in a single run.
"""

from __future__ import annotations

import difflib
import functools
import re
import reprlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from catalog import collector
from catalog.catalog import Catalog, papers_dir
from catalog.dedupe import conflict_diagnostics, duplicate_diagnostics, find_identity
from catalog.diagnostics import Diagnostic
from catalog.errors import CatalogError
from catalog.load import Source, internal_error, read_yaml, record_files
from catalog.model import (
    DEFAULT_SECTION,
    ID_PATTERN,
    RESERVED_IDS,
    CatalogConfig,
    Keyword,
    Links,
    Name,
    Paper,
    Record,
    Topic,
    Venue,
)
from catalog.read_ahead import CONFIG, IN_PROCESS, TOPICS, FileReader
from catalog.registry import Registry
from catalog.slug import slugify

if TYPE_CHECKING:
    from catalog.facts import Facts

M = TypeVar("M", bound=BaseModel)

_NESTED_MODELS: dict[tuple[str | int, ...], type[BaseModel]] = {(): Record, ("links",): Links}
_TYPE_ERRORS = ("_type", "_parsing")
_NAME: TypeAdapter[str] = TypeAdapter(Name)


def _short_repr() -> reprlib.Repr:
    """repr() that cuts a value before building it: a 10 MB list never becomes a 10 MB text."""
    short = reprlib.Repr()
    short.maxstring = short.maxother = 120
    short.maxlist = short.maxdict = 8
    short.maxlevel = 3
    return short


_REPR = _short_repr()
_ID_HINT = "the id is the file name; rename the file instead"
TOPICS_FILE = TOPICS
PARALLEL_FROM = 4000  # records; fewer: one process reads them (a fork costs more)


def load_catalog(
    data_dir: Path,
    on_paper: Callable[[Paper, Source, Catalog], None] | None = None,
    reader: FileReader = IN_PROCESS,
) -> Catalog:
    """Read and validate the registries, the config and every record under data_dir.

    `on_paper` sees each valid record as soon as it is read (config and registries are then
    loaded), so a caller can start on it before the rest is read (check-links does); what it
    raises stops the loading. `reader` reads the files (catalog/read_ahead.py: perhaps already
    read by a child process, in the order of read_ahead.planned, which must follow this one).
    """
    diagnostics: list[Diagnostic] = []
    config = _load_model(data_dir / CONFIG, CatalogConfig, diagnostics, reader)
    venue_entries = _load_registry(data_dir / "venues.yaml", Venue, diagnostics, reader)
    keyword_entries = _load_registry(data_dir / "keywords.yaml", Keyword, diagnostics, reader)
    topics_path = data_dir / TOPICS_FILE
    topic_entries: dict[str, Topic] = {}
    if topics_path.exists():  # optional: a catalog without a taxonomy still works
        topic_entries = _load_registry(topics_path, Topic, diagnostics, reader)
        diagnostics.extend(_check_topic_ids(topics_path, topic_entries))
    catalog = Catalog(
        data_dir,
        config,
        Registry(venue_entries),
        Registry(keyword_entries),
        Registry(topic_entries),
        diagnostics=diagnostics,
        files_checked=3 + topics_path.exists(),
    )
    sections = {s.id for s in config.sections} if config else None
    # Records, their file list and the facts make no cycles: nothing to collect (at 100,000
    # papers the list's Paths alone set off full collections outside the pause: 0.1 s).
    with collector.paused():
        files, strays = record_files(papers_dir(data_dir))
        diagnostics.extend(strays)
        check = functools.partial(_check_file, catalog=catalog, sections=sections, reader=reader)
        # Without on_paper nobody waits for the first records: both cores read them (unless a
        # read-ahead child already has: it reads only smaller catalogs, see read_ahead.LARGE).
        checked: Iterable[tuple[Source | None, list[Diagnostic], Paper | None]] = map(check, files)
        if on_paper is None and len(files) >= PARALLEL_FROM and reader is IN_PROCESS:
            from catalog.parallel import forked_map  # here: small catalogs never load it

            checked = forked_map(check, files, min_items=0)
        for source, problems, paper in checked:
            catalog.files_checked += 1
            diagnostics.extend(problems)
            if paper is not None and source is not None:
                catalog.papers.append(paper)
                catalog.sources[paper.id] = source
                if on_paper is not None:
                    on_paper(paper, source, catalog)
        catalog.papers.sort(key=lambda p: p.id)
        identity = find_identity(catalog.papers)
        catalog.duplicates, catalog.conflicts = identity.groups, identity.conflicts
        diagnostics.extend(
            duplicate_diagnostics(catalog.duplicates, catalog.papers, catalog.sources)
        )
        diagnostics.extend(conflict_diagnostics(catalog.conflicts, catalog.papers, catalog.sources))
        catalog.facts = _load_facts(data_dir, diagnostics, reader)
    return catalog


def _check_file(
    path: Path, *, catalog: Catalog, sections: set[str] | None, reader: FileReader
) -> tuple[Source | None, list[Diagnostic], Paper | None]:
    """One record file read and checked: its source, its problems and its Paper (None when
    it has any problem). Never raises: a bug of ours is that file's internal-error."""
    try:
        source, problems = reader.read_yaml(path, follow_symlinks=False)
        if source.data is None and problems:
            return source, problems + _check_filename(path), None
        paper, more = validate_record(
            source, path, catalog.venues, catalog.keywords, sections, catalog.topics
        )
    except Exception as exc:  # the last resort: one record must not stop the others
        return None, [internal_error(str(path), exc)], None
    if problems or paper is None:
        return source, problems + more, None
    # The parsed value is not needed any more (positions come from the text): not kept,
    # not sent back by a forked reader.
    return Source(source.path, source.text), more, paper


def validate_record(
    source: Source,
    path: Path,
    venues: Registry[Venue],
    keywords: Registry[Keyword],
    sections: set[str] | None,
    topics: Registry[Topic] | None = None,
) -> tuple[Paper | None, list[Diagnostic]]:
    """Check one parsed record; return the canonical Paper when nothing is wrong."""
    problems = _check_filename(path)
    stem = path.stem
    data = source.data
    if data is None:
        problems.append(_at(source, (), "empty-file", "file is empty; expected a paper record"))
        return None, problems
    if not isinstance(data, dict):
        kind = type(data).__name__
        problems.append(
            _at(source, (), "not-a-mapping", f"expected a mapping of fields, got a {kind}")
        )
        return None, problems
    venue = _canonical(source, data.get("venue"), ("venue",), venues, "venue", problems)
    raw_keywords = data.get("keywords")
    kws = [
        _canonical(source, kw, ("keywords", i), keywords, "keyword", problems)
        for i, kw in enumerate(raw_keywords if isinstance(raw_keywords, list) else [])
    ]
    topic_ids = _check_topics(source, data.get("topics"), topics, problems)
    if sections is not None and "sections" not in data and DEFAULT_SECTION not in sections:
        config = path.parent.parent / "catalog.yaml"
        problems.append(
            _at(
                source,
                (),
                "unknown-section",
                f"no `sections`, and the default section {DEFAULT_SECTION!r} is not in {config}:"
                " the paper would be in no README section",
                hint=f"add `sections: [...]` naming one of {', '.join(sorted(sections))}, or a "
                f"section with id {DEFAULT_SECTION!r} to {config}",
            )
        )
    if sections is not None and isinstance(data.get("sections"), list):
        for i, section in enumerate(data["sections"]):
            if isinstance(section, str) and section not in sections:
                problems.append(
                    _at(
                        source,
                        ("sections", i),
                        "unknown-section",
                        f"sections: unknown section {section!r}",
                        hint=f"one of {', '.join(sorted(sections))}",
                    )
                )
    if "id" in data:
        problems.append(
            _at(source, ("id",), "unknown-field", "id: unknown field", _ID_HINT, at_key=True)
        )
    # One pydantic pass over the record with its canonical names already in place.
    fields = {**data, "id": stem}
    if venue:
        fields["venue"] = venue
    if kws and all(kws):
        fields["keywords"] = list(dict.fromkeys(kws))
    if topic_ids and all(topic_ids):
        fields["topics"] = list(dict.fromkeys(topic_ids))
    try:
        paper = Paper.model_validate(fields)
    except ValidationError as exc:
        problems.extend(_pydantic_diagnostics(source, exc, _NESTED_MODELS))
        return None, problems
    return (None if problems else paper), problems


def _check_topics(
    source: Source, value: Any, topics: Registry[Topic] | None, problems: list[Diagnostic]
) -> list[str | None]:
    """Canonical topic ids; in a catalog that declares topics, a record may not list none.

    A record without the field is left to `catalog report` (papers without topics): new and
    imported records arrive without one. An explicit empty list is a mistake, not a draft.
    """
    registry = topics if topics is not None else Registry[Topic]({})
    if not isinstance(value, list):
        return []  # missing, or a type error the model reports
    if not value and len(registry):
        problems.append(
            _at(
                source,
                ("topics",),
                "empty-topics",
                "topics: the list is empty; name at least one topic",
                hint=_some_of(sorted(registry.entries)),
            )
        )
    return [
        _canonical(source, t, ("topics", i), registry, "topic", problems)
        for i, t in enumerate(value)
    ]


def _some_of(ids: list[str], shown: int = 6) -> str:
    more = ", ..." if len(ids) > shown else ""
    return f"ids from data/{TOPICS_FILE}: {', '.join(ids[:shown])}{more}"


def _check_topic_ids(path: Path, entries: Mapping[str, Topic]) -> list[Diagnostic]:
    """A topic's id is its page's address (topics/<id>/), like a paper's file name."""
    problems = []
    bad = [name for name in entries if not ID_PATTERN.fullmatch(name) or name in RESERVED_IDS]
    if bad:
        source, _ = read_yaml(path)
        for name in bad:
            hint = f"rename it to {_suggest_id(name)!r}"
            message = f"topic id {name!r} is not made of a-z, 0-9 and '-'"
            if name in RESERVED_IDS:
                message = f"topic id {name!r} is reserved: topics/{name}/ is the list of topics"
                hint = f"rename it to {name}-topic"
            problems.append(_at(source, (name,), "bad-topic-id", message, hint, at_key=True))
    return problems


def _check_filename(path: Path) -> list[Diagnostic]:
    """The file name is the paper's id and its address on the site (papers/<id>/)."""
    if path.stem in RESERVED_IDS:
        message = f"{path.stem!r} is reserved: papers/{path.stem}/ would not be the paper's page"
        hint = f"rename it to {path.stem}-paper.yaml or to the method's name"
    elif path.suffix == ".yaml" and ID_PATTERN.fullmatch(path.stem):
        return []
    else:
        message = f"file name {path.name!r} is not '<id>.yaml' with an id of a-z, 0-9 and '-'"
        hint = f"rename it to {_suggest_id(path.stem)}.yaml"
    return [Diagnostic(str(path), 1, 1, "error", "bad-filename", message, hint)]


def _canonical(
    source: Source,
    value: Any,
    keys: tuple[str | int, ...],
    registry: Registry[Any],
    what: str,
    problems: list[Diagnostic],
) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None  # a type error the model reports
    name = registry.canonical(value)
    if name is None:
        hint = registry.unknown_hint(value, what)
        field_name = ".".join(str(k) for k in keys if isinstance(k, str))
        problems.append(
            _at(source, keys, f"unknown-{what}", f"{field_name}: unknown {what} {value!r}", hint)
        )
    return name


def _pydantic_diagnostics(
    source: Source,
    exc: ValidationError,
    models: Mapping[tuple[str | int, ...], type[BaseModel]],
    prefix: tuple[str | int, ...] = (),
) -> list[Diagnostic]:
    """Map pydantic's errors onto stable codes, each at the line of the value it concerns."""
    problems = []
    for error in exc.errors(include_url=False):
        model_loc = tuple(error["loc"])
        loc = prefix + model_loc
        kind = error["type"]
        name = ".".join(str(part) for part in loc) or "record"
        ctx = error.get("ctx") or {}
        hint = ctx.get("hint")
        if kind == "missing":
            problems.append(
                _at(source, loc[:-1], "missing-field", f"{name}: required field is missing")
            )
            continue
        if kind == "extra_forbidden":
            parent = models.get(model_loc[:-1])
            known = list(parent.model_fields) if parent else []
            close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known fields: {', '.join(known)}"
            problems.append(
                _at(source, loc, "unknown-field", f"{name}: unknown field", hint, at_key=True)
            )
            continue
        if kind.endswith(_TYPE_ERRORS):
            code = "wrong-type"
            message = f"{name}: {_lower_first(error['msg'])}, got {_REPR.repr(error['input'])}"
        elif "-" in kind:  # our own PydanticCustomError codes
            code, message = kind, f"{name}: {error['msg']}"
        else:
            code, message = "invalid-value", f"{name}: {_lower_first(error['msg'])}"
        problems.append(_at(source, loc, code, message, hint))
    return problems


def _read_mapping(
    path: Path, diagnostics: list[Diagnostic], reader: FileReader, *, of: str, empty_ok: bool
) -> Source | None:
    """A config or registry file whose top level is a mapping, or None (problems reported)."""
    source, problems = reader.read_yaml(path)
    diagnostics.extend(problems)
    if problems or (empty_ok and source.data is None):
        return None
    if not isinstance(source.data, dict):
        diagnostics.append(_at(source, (), "not-a-mapping", f"expected a mapping of {of}"))
        return None
    return source


def _load_model(
    path: Path, model: type[M], diagnostics: list[Diagnostic], reader: FileReader
) -> M | None:
    source = _read_mapping(path, diagnostics, reader, of="fields", empty_ok=False)
    if source is None:
        return None
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        diagnostics.extend(_pydantic_diagnostics(source, exc, {(): model}))
        return None


def _load_registry(
    path: Path, model: type[M], diagnostics: list[Diagnostic], reader: FileReader
) -> dict[str, M]:
    """A registry file maps each canonical name to its entry (an empty file is a valid start)."""
    source = _read_mapping(path, diagnostics, reader, of="names to entries", empty_ok=True)
    if source is None:
        return {}
    entries: dict[str, M] = {}
    for name, entry in source.data.items():
        try:  # a name is printed in every output: it obeys the rules of the records' names
            _NAME.validate_python(str(name))
            entries[str(name)] = model.model_validate(entry if entry is not None else {})
        except ValidationError as exc:
            diagnostics.extend(_pydantic_diagnostics(source, exc, {(): model}, prefix=(name,)))
    return entries


def _at(
    source: Source,
    keys: tuple[str | int, ...],
    code: str,
    message: str,
    hint: str | None = None,
    *,
    at_key: bool = False,
) -> Diagnostic:
    line, column = source.locate(keys, at_key=at_key)
    return Diagnostic(source.path, line, column, "error", code, message, hint)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _suggest_id(stem: str) -> str:
    return slugify(stem) or "paper"


def _load_facts(data_dir: Path, diagnostics: list[Diagnostic], reader: FileReader) -> Facts:
    """data/facts.yaml, the sources' word with evidence; a broken one is an error at its line."""
    from catalog.facts import Facts, facts_path

    try:
        return reader.load_facts(facts_path(data_dir))
    except CatalogError as exc:
        where = re.match(r"(.+?):(\d+):(\d+): (.*)", str(exc))
        path, line, column, message = (
            (where.group(1), int(where.group(2)), int(where.group(3)), where.group(4))
            if where
            else (str(facts_path(data_dir)), 1, 1, str(exc))
        )
        diagnostics.append(Diagnostic(path, line, column, "error", "bad-facts", message))
        return Facts()
