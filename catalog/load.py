"""Read YAML data files safely and fast, keeping the way back to file, line and column.

Every file is parsed once with libyaml's C loader. Line numbers are recovered only on demand
(`Source.locate`), by composing the file's node tree, which only files with problems need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from catalog.diagnostics import Diagnostic

Key = str | int
_ALIAS_HINT = re.compile(r"[&*]")


class _Loader(yaml.CSafeLoader):
    """The C loader, plus a record of duplicate keys (PyYAML silently keeps the last one)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, yaml.Mark]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicates.append((key_node.value, key_node.start_mark))
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)

    def construct_date(self, node: yaml.ScalarNode) -> Any:
        """A date-shaped value that is no real date (2024-02-30) is a marked error, not a crash."""
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError as exc:
            raise _BadDate(
                None, None, f"{node.value!r} is not a date: {exc}", node.start_mark
            ) from None


class _BadDate(yaml.constructor.ConstructorError):
    """A date-shaped scalar naming no real day."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_date)


@dataclass(slots=True)
class Source:
    """One data file as read: its display path, text and parsed value (None when unreadable)."""

    path: str
    text: str | None
    data: Any = None
    _root: yaml.Node | None = field(default=None, repr=False)

    def locate(self, keys: tuple[Key, ...], *, at_key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at `keys`, or of its key with `at_key`.

        Falls back to the nearest enclosing node that exists, so a missing field points at
        the mapping that lacks it.
        """
        if self.text is None:
            return (1, 1)
        if self._root is None:
            try:
                self._root = yaml.compose(self.text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
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


def read_yaml(path: Path) -> tuple[Source, list[Diagnostic]]:
    """Parse one YAML file; report unreadable text, syntax errors, duplicate keys and aliases."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Source(shown, None), [_diag(shown, 0, 0, "unreadable", exc.strerror or str(exc))]
    text, problem = decode_utf8(raw, shown)
    if text is None:
        return Source(shown, None), [problem] if problem else []
    source = Source(shown, text)
    if _ALIAS_HINT.search(text):
        alias = _find_alias(text)
        if alias is not None:
            message = "anchors and aliases are not allowed in data files"
            hint = "write the value out in full"
            return source, [_diag(shown, *_position(alias), "yaml-alias", message, hint)]
    loader = _Loader(text)
    try:
        source.data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        where = _position(exc.problem_mark or exc.context_mark)
        if isinstance(exc, _BadDate):
            hint = "write a real day as YYYY-MM-DD"
            return source, [_diag(shown, *where, "bad-date", exc.problem or "", hint)]
        message = exc.problem or str(exc)
        if exc.context:
            message = f"{message} ({exc.context})"
        return source, [_diag(shown, *where, "yaml-syntax", message)]
    except yaml.YAMLError as exc:
        return source, [_diag(shown, 1, 1, "yaml-syntax", str(exc).splitlines()[0])]
    finally:
        loader.dispose()
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
    return source, problems


def _find_alias(text: str) -> _Mark | None:
    """The first anchor or alias, found from the event stream so nothing is ever expanded."""
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return event.start_mark
    except yaml.YAMLError:
        return None  # the syntax error is reported by the real parse
    return None


def _diag(
    path: str, line: int, column: int, code: str, message: str, hint: str | None = None
) -> Diagnostic:
    return Diagnostic(path, line, column, "error", code, message, hint)
