"""libyaml's C loader as the data files are read with it: it records duplicate keys (PyYAML
silently keeps the last one), turns a date that names no real day into a marked error, and
refuses integers too long for any field.

A module of its own so that importing catalog.load costs no PyYAML: a process that only
receives parsed files (catalog/read_ahead.py) never imports it.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_INT_CHARS = 64  # far below Python's 4,300-digit int-string limit


class Loader(yaml.CSafeLoader):
    """The C loader, plus a record of duplicate keys (PyYAML silently keeps the last one)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, Any]] = []

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
            raise BadDate(
                None, None, f"{node.value!r} is not a date: {exc}", node.start_mark
            ) from None

    def construct_int(self, node: yaml.ScalarNode) -> Any:
        """An integer too long to be a number anyone means is refused before int() sees it."""
        if len(node.value) > MAX_INT_CHARS:
            message = (
                f"a number of {len(node.value)} characters is too long (at most {MAX_INT_CHARS})"
            )
            raise LongNumber(None, None, message, node.start_mark)
        return self.construct_yaml_int(node)

    def construct_value(self, node: yaml.ScalarNode) -> str:
        """A bare `=` resolves to YAML 1.1's "value" tag, which has no constructor: text."""
        return str(self.construct_scalar(node))


class BadDate(yaml.constructor.ConstructorError):
    """A date-shaped scalar naming no real day."""


class LongNumber(yaml.constructor.ConstructorError):
    """An integer with more digits than any field could want."""


Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_date)
Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_int)
Loader.add_constructor("tag:yaml.org,2002:value", Loader.construct_value)
