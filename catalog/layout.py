"""Where a data folder keeps what: plain names, in a module of their own (`catalog.catalog`
re-exports them) so what reads only the records' links (a link check's reader) need not build
the Catalog's dataclasses to know them."""

from __future__ import annotations

from pathlib import Path

# A record's links (model.Links's fields), in the order every output lists them: the one copy
# that import, dedupe, the link checker and the renderers read.
LINK_SLOTS = ("paper", "code", "project")


def papers_dir(data_dir: Path) -> Path:
    """Where a data folder keeps its records, one YAML file per paper."""
    return data_dir / "papers"
