"""`catalog schema`: print the JSON Schema of a paper record (its output is JSON already)."""

from __future__ import annotations

import click

from catalog.errors import EXIT_OK


def run() -> int:
    from catalog.schema import schema_text

    click.echo(schema_text(), nl=False)
    return EXIT_OK
