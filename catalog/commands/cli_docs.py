"""`catalog cli-docs` (hidden): write docs/cli.md, the CLI reference, from every `--help`.

The reference is generated, never hand-edited, so it cannot drift from the options; a test
compares docs/cli.md with what this renders. Help is laid out at a fixed width so the file
does not depend on the terminal it was generated in.
"""

from __future__ import annotations

from pathlib import Path

import click

from catalog import output
from catalog.errors import EXIT_FINDINGS, EXIT_OK

WIDTH = 100
HEADER = """\
# CLI reference

Generated from each command's `--help` by `.venv/bin/catalog cli-docs`; do not edit by hand
(`tests/test_cli_docs.py` fails when this file is stale). Every command exits 0 when clean,
1 on findings, 2 on usage or environment errors and 130 on Ctrl-C.
"""


def render(group: click.Group, name: str = "catalog") -> str:
    """The group's help, then each visible command's, in name order, as Markdown."""
    settings = {**group.context_settings, "max_content_width": WIDTH, "terminal_width": WIDTH}
    root = click.Context(group, info_name=name, **settings)
    parts = [HEADER, _section(name, group.get_help(root))]
    for command_name in sorted(group.list_commands(root)):
        command = group.get_command(root, command_name)
        if command is None or command.hidden:
            continue
        ctx = click.Context(command, info_name=command_name, parent=root, **settings)
        parts.append(_section(f"{name} {command_name}", command.get_help(ctx)))
    return "\n".join(parts)


def _section(title: str, help_text: str) -> str:
    return f"## `{title}`\n\n```text\n{help_text.rstrip()}\n```\n"


def run(group: click.Group, target: Path, *, check: bool) -> int:
    """Write `target` (or, with check, exit 1 when it differs from the rendered reference)."""
    from catalog.writer import write_atomic

    text = render(group)
    try:
        current = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    if check:
        if current != text:
            click.echo(f"error: {target} is stale: run `catalog cli-docs`", err=True)
            return EXIT_FINDINGS
        output.note(f"{target} is up to date")
        return EXIT_OK
    if current != text:
        write_atomic(target, text)
    output.note(f"{target}: {'unchanged' if current == text else 'written'}")
    return EXIT_OK
