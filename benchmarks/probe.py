"""Time one stage of the library inside a single process, for benchmarks/run.py.

    python benchmarks/probe.py STAGE DATA_DIR

Prints one JSON object on stdout: `{"load": s, "stage": s, ...}` where `load` is reading and
validating the data folder and `stage` the stage's own work after it (0 for `validate`).
STAGE is `parse` (the floor: a bare C-loader parse of the record files), `validate`, `dedupe`
or `readme`.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path
from typing import Any


def parse_floor(data_dir: Path) -> dict[str, Any]:
    """What no loader can beat: read each record file and parse it with libyaml, nothing else.

    The cyclic GC is off, as in catalog's own loading: each PyYAML loader leaves reference
    cycles behind, and collecting them is not parsing.
    """
    import yaml

    gc.disable()
    start = time.perf_counter()
    count = 0
    for path in sorted((data_dir / "papers").glob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        count += 1
    return {"load": time.perf_counter() - start, "stage": 0.0, "files": count}


STAGES = ("parse", "validate", "dedupe", "readme")


def run(stage: str, data_dir: Path) -> dict[str, Any]:
    if stage == "parse":
        return parse_floor(data_dir)
    from catalog.dedupe import find_groups  # imported before the clock starts
    from catalog.validate import load_catalog

    if stage == "readme":
        from catalog.render.readme import render_readme

    start = time.perf_counter()
    catalog = load_catalog(data_dir)
    loaded = time.perf_counter()
    result: dict[str, Any] = {
        "load": loaded - start,
        "stage": 0.0,
        "papers": len(catalog.papers),
        "diagnostics": len(catalog.diagnostics),
    }
    if stage == "dedupe":
        result["groups"] = len(find_groups(catalog.papers))
    elif stage == "readme":
        result["bytes"] = len(
            render_readme(catalog.papers, catalog.config, topics=catalog.topics.entries).encode(
                "utf-8"
            )
        )
    if stage != "validate":
        result["stage"] = time.perf_counter() - loaded
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in STAGES:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(run(argv[0], Path(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
