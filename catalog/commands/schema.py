"""`catalog schema`: print the JSON Schema of a paper record."""

from __future__ import annotations

import click


def run() -> int:
    from catalog.schema import schema_text

    click.echo(schema_text(), nl=False)
    return 0
