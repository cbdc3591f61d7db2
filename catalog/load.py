"""Read YAML data files safely and fast, keeping the way back to file, line and column.

A plainly written file (what the tools write and most hands do) is read line by line by
catalog/yaml_lines.py, to exactly the values the C loader would give, without PyYAML; any
other file -- and any file the line reader is not sure of -- is parsed once with libyaml's C
loader, which reports every error at its line. Line numbers are recovered only on demand
(`Source.locate`), by composing the file's node tree, which only files with problems need.

Hostile input is normal: a file holding `&`, `*` or `!` is first scanned as events (anchors,
aliases and explicit tags are refused without constructing anything); integers are capped at
MAX_INT_CHARS characters (catalog/yaml_loader.py), nesting at MAX_DEPTH levels, a file at
$CATALOG_MAX_FILE_BYTES (default 1 MB). Whatever else goes wrong becomes a diagnostic, never a
traceback. PyYAML is imported by the first parse, not with this module: a process that only
receives parsed files (catalog/read_ahead.py) never loads it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from catalog.diagnostics import Diagnostic

if TYPE_CHECKING:
    import yaml

Key = str | int
DEFAULT_MAX_FILE_BYTES = 1_000_000
MAX_BYTES_ENV = "CATALOG_MAX_FILE_BYTES"
MAX_DEPTH = 32  # a record needs 3
MAX_SCAN_PROBLEMS = 20
_YAML_TAGS = "tag:yaml.org,2002:"
_SCAN_HINT = re.compile(r"[&*!]")  # anchors, aliases and tags all need one of these


class Source:
    """One data file as read: its display path, text and parsed value (None when unreadable).

    A plain class, not a dataclass: the process that reads a link check's records would
    import dataclasses (and inspect) for this class alone."""

    __slots__ = ("_root", "data", "path", "text")

    def __init__(self, path: str, text: str | None, data: Any = None) -> None:
        self.path, self.text, self.data = path, text, data
        self._root: yaml.Node | None = None  # composed when a position is first asked for

    def __repr__(self) -> str:
        return f"Source(path={self.path!r}, text={self.text!r}, data={self.data!r})"

    def locate(self, keys: tuple[Key, ...], *, at_key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at `keys`, or of its key with `at_key`.

        Falls back to the nearest enclosing node that exists, so a missing field points at
        the mapping that lacks it.
        """
        if self.text is None:
            return (1, 1)
        if self._root is None:
            import yaml  # only a file with a problem needs its positions

            try:
                self._root = yaml.compose(self.text, Loader=yaml.CSafeLoader)
            except Exception:  # a file that failed to parse has no positions to give
                return (1, 1)
        node = self._root
        if node is None:
            return (1, 1)
        mark = node.start_mark
        for key in keys:
            child = _child(node, key)
            if child is None:
                break
            key_node, node = child
            mark = key_node.start_mark if (at_key and key == keys[-1]) else node.start_mark
        return _position(mark)


class _Mark(Protocol):
    """Where libyaml saw something (its C and pure-Python marks both have these)."""

    line: int
    column: int


def _position(mark: _Mark | None) -> tuple[int, int]:
    """libyaml's 0-based mark as the 1-based (line, column) editors show."""
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _child(node: yaml.Node, key: Key) -> tuple[yaml.Node, yaml.Node] | None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in reversed(node.value):  # last wins, as in the loader
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
                return key_node, value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key], node.value[key]
    return None


def decode_utf8(raw: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    """The text of a file, or an `invalid-utf8` error at the first bad byte's line."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})"
        return None, _diag(path, line, column, "invalid-utf8", message, "save the file as UTF-8")


def max_file_bytes() -> int:
    """The size cap of one data file: $CATALOG_MAX_FILE_BYTES, else 1 MB."""
    value = os.environ.get(MAX_BYTES_ENV, "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MAX_FILE_BYTES


def read_yaml(path: Path, *, follow_symlinks: bool = True) -> tuple[Source, list[Diagnostic]]:
    """Parse one YAML file; report unreadable text, syntax errors, duplicate keys, aliases,
    tags and oversized input. Never raises: anything unforeseen is an `internal-error`."""
    shown = str(path)
    try:
        return _read_yaml(path, shown, follow_symlinks)
    except Exception as exc:  # the last resort: one bad file must not stop the others
        return Source(shown, None), [internal_error(shown, exc)]


def record_files(folder: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The .yaml (and misnamed .yml or .YAML) files of a folder, in name order, plus a
    `not-a-file` error for each entry that is no regular file (symlink, folder, FIFO, ...):
    those are never opened, so a link to a system file cannot print its lines."""
    if not folder.is_dir():
        return [], []
    names, strays = [], []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                kind = file_kind(entry.stat(follow_symlinks=False).st_mode)
                strays.append(not_a_file(str(folder / entry.name), kind))
            elif entry.name.lower().endswith((".yaml", ".yml")):
                names.append(entry.name)
    return [folder / name for name in sorted(names)], sorted(strays)


def internal_error(shown: str, exc: Exception) -> Diagnostic:
    """What a bug of ours looks like to the user: the file that met it, not a traceback."""
    message = f"could not check this file ({type(exc).__name__}: {exc})"
    return _diag(shown, 1, 1, "internal-error", message, "please report this as a bug")


def _read_yaml(path: Path, shown: str, follow_symlinks: bool) -> tuple[Source, list[Diagnostic]]:
    limit = max_file_bytes()
    raw = read_regular(path, shown, limit, follow_symlinks)
    if isinstance(raw, Diagnostic):
        return Source(shown, None), [raw]
    text, problem = decode_utf8(raw, shown)
    if text is None:
        return Source(shown, None), [problem] if problem else []
    source = Source(shown, text)
    source.data, problems = _parse(text, shown)
    return source, problems


def parse_text(text: str, shown: str) -> tuple[Any, list[Diagnostic]]:
    """The value of YAML text as read_yaml would read it from a file, with its problems."""
    try:
        return _parse(text, shown)
    except Exception as exc:
        return None, [internal_error(shown, exc)]


def _parse(text: str, shown: str) -> tuple[Any, list[Diagnostic]]:
    from catalog.yaml_lines import UNSURE, read_plain

    try:
        plain = read_plain(text)
    except Exception:  # a bug of the fast reader must cost speed, never a wrong value
        plain = UNSURE
    if plain is not UNSURE:
        return plain, []
    import yaml

    from catalog.yaml_loader import Loader

    if _SCAN_HINT.search(text):
        problems = _scan_events(text, shown)
        if problems:
            return None, problems
    loader = Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        return None, [_marked(exc, shown)]
    except RecursionError:
        return None, _scan_events(text, shown, depth=0) or [
            _diag(shown, 1, 1, "yaml-syntax", "values are nested too deeply")
        ]
    except Exception as exc:  # whatever else libyaml or a constructor raises, at its line
        return None, [_unmarked(exc, text, shown)]
    finally:
        loader.dispose()
    if _may_nest_deeply(text) and _depth(data) > MAX_DEPTH:
        return None, _scan_events(text, shown) or [
            _diag(shown, 1, 1, "yaml-syntax", f"values are nested more than {MAX_DEPTH} deep")
        ]
    problems = [
        _diag(
            shown,
            *_position(mark),
            "duplicate-key",
            f"{key}: key appears more than once; only the last value would be kept",
            "keep one of them",
        )
        for key, mark in loader.duplicates
    ]
    return data, problems


def read_regular(path: Path, shown: str, limit: int, follow: bool) -> bytes | Diagnostic:
    """The bytes of a regular file of at most `limit` bytes, or why not.

    Opened without blocking (a FIFO would hang) and, unless `follow`, without following a
    symlink; only then is the type checked, on the open file, so nothing can swap it between.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow and path.is_symlink():
            return not_a_file(shown, "a symbolic link")
        return _diag(shown, 0, 0, "unreadable", exc.strerror or str(exc))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return not_a_file(shown, file_kind(info.st_mode))
        if info.st_size > limit:
            return _too_large(shown, info.st_size, limit)
        chunks = [os.read(fd, info.st_size + 1)]  # one read for a file that keeps its size
        total = len(chunks[0])
        while total > info.st_size and total <= limit and chunks[-1]:  # it grew meanwhile
            chunks.append(os.read(fd, limit + 1 - total))
            total += len(chunks[-1])
    finally:
        os.close(fd)
    if total > limit:
        return _too_large(shown, total, limit)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def not_a_file(shown: str, kind: str) -> Diagnostic:
    message = f"is {kind}, not a regular file; it is not read"
    hint = "keep data files as plain files: no links, pipes or folders"
    return _diag(shown, 1, 1, "not-a-file", message, hint)


def file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def _too_large(shown: str, size: int, limit: int) -> Diagnostic:
    message = f"file is {size:,} bytes, more than the {limit:,} a data file may have"
    hint = f"shorten it, or raise ${MAX_BYTES_ENV}"
    return _diag(shown, 1, 1, "file-too-large", message, hint)


def _marked(exc: yaml.MarkedYAMLError, shown: str) -> Diagnostic:
    from catalog.yaml_loader import BadDate, LongNumber

    where = _position(exc.problem_mark or exc.context_mark)
    if isinstance(exc, BadDate):
        return _diag(shown, *where, "bad-date", exc.problem or "", "write a real day as YYYY-MM-DD")
    if isinstance(exc, LongNumber):
        return _diag(shown, *where, "number-too-long", exc.problem or "", "quote it if it is text")
    problem = exc.problem or str(exc)
    if exc.context:
        problem = f"{problem} ({exc.context})"
    return _diag(shown, *where, "yaml-syntax", problem)


def _unmarked(exc: Exception, text: str, shown: str) -> Diagnostic:
    """An error without a position: find the first node that fails on its own to place it."""
    import yaml

    if isinstance(exc, yaml.reader.ReaderError):
        return _raw_character(exc, text, shown)
    message = f"cannot read this value ({type(exc).__name__}: {exc})"
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as marked:
        return _marked(marked, shown)
    except Exception:
        return _diag(shown, 1, 1, "yaml-syntax", message)
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                yaml.constructor.SafeConstructor().construct_object(node)
            except Exception:
                return _diag(shown, *_position(node.start_mark), "yaml-syntax", message)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return _diag(shown, 1, 1, "yaml-syntax", message)


def _raw_character(exc: yaml.reader.ReaderError, text: str, shown: str) -> Diagnostic:
    """A character YAML refuses anywhere in a file when written raw (C0 controls but tab and
    newlines, DEL, C1 but NEL, U+FFFE, U+FFFF), at its line: libyaml names the character
    and a byte offset, and the first place the character occurs is where it stopped."""
    from catalog.rules import describe_char  # only on this error path

    code = exc.character
    char = chr(code) if isinstance(code, int) else str(code)[:1]
    at = text.find(char) if char else -1
    if at < 0:
        at = len(text.encode("utf-8", "surrogatepass")[: exc.position].decode("utf-8", "ignore"))
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    message = f"holds {describe_char(char)} raw, which no YAML file may hold" if char else ""
    return _diag(shown, line, column, "bad-text", message or str(exc), "remove it")


def _scan_events(text: str, shown: str, depth: int = MAX_DEPTH) -> list[Diagnostic]:
    """Anchors, aliases, explicit tags and too-deep nesting, found from the event stream so
    nothing is ever expanded or constructed. depth=0 reports only the nesting (at the
    deepest point libyaml reaches)."""
    import yaml

    problems: list[Diagnostic] = []
    level = 0
    aliased = False
    deepest: _Mark | None = None
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                level += 1
                if level > MAX_DEPTH and deepest is None:
                    deepest = event.start_mark
            elif isinstance(event, yaml.CollectionEndEvent):
                level -= 1
            if not depth:
                continue
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                if aliased:
                    continue  # one is enough: the fix is the same for all
                aliased = True
                problems.append(
                    _diag(
                        shown,
                        *_position(event.start_mark),
                        "yaml-alias",
                        "anchors and aliases are not allowed in data files",
                        "write the value out in full",
                    )
                )
            elif (tag := getattr(event, "tag", None)) is not None:
                problems.append(
                    _diag(
                        shown,
                        *_position(event.start_mark),
                        "yaml-tag",
                        f"explicit tag {_short_tag(tag)} is not allowed in data files",
                        "remove the tag; quote the value if it is text",
                    )
                )
            if len(problems) >= MAX_SCAN_PROBLEMS:
                break
    except yaml.MarkedYAMLError as exc:
        if deepest is None and not problems:
            return [] if depth else [_marked(exc, shown)]
    except Exception:
        pass  # the real parse reports it
    if deepest is not None:
        message = f"values are nested more than {MAX_DEPTH} deep"
        problems.append(_diag(shown, *_position(deepest), "yaml-syntax", message))
    return problems


def _short_tag(tag: str) -> str:
    """A tag as it is usually written: !!int for tag:yaml.org,2002:int."""
    return "!!" + tag[len(_YAML_TAGS) :] if tag.startswith(_YAML_TAGS) else tag


def _may_nest_deeply(text: str) -> bool:
    """Cheap: each level of nesting needs one of these characters, so few means shallow."""
    return sum(text.count(c) for c in ":-?[{") > MAX_DEPTH


def _depth(value: Any) -> int:
    """How deeply lists and mappings nest in a parsed value (iteratively: no recursion)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def _diag(
    path: str, line: int, column: int, code: str, message: str, hint: str | None = None
) -> Diagnostic:
    return Diagnostic(path, line, column, "error", code, message, hint)
