"""Time one stage of the library inside a single process, for benchmarks/run.py.

    python benchmarks/probe.py STAGE DATA_DIR

Prints one JSON object on stdout: `{"load": s, "stage": s, ...}` where `load` is reading and
validating the data folder and `stage` the stage's own work after it (0 for `validate`).
STAGE is `parse` (the floor: a bare C-loader parse of the record files), `validate`, `dedupe`
or `readme`. A stage whose code has not landed yet exits 3 with "not available" on stderr.
"""

from __future__ import annotations

import gc
import importlib
import inspect
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NOT_AVAILABLE = 3


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


def find_function(module: str, names: tuple[str, ...]) -> Callable[..., Any] | None:
    """The first of `names` that `module` defines, or None while that code has not landed."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    for name in names:
        func = getattr(mod, name, None)
        if callable(func):
            return func
    return None


def call_with(func: Callable[..., Any], catalog: Any) -> Any:
    """Call a stage function with what its signature asks for: the catalog or its parts."""
    args = []
    for param in inspect.signature(func).parameters.values():
        if param.default is not inspect.Parameter.empty or param.kind in (
            param.VAR_POSITIONAL,
            param.VAR_KEYWORD,
        ):
            continue
        if param.name in ("catalog", "cat"):
            args.append(catalog)
        elif param.name == "papers":
            args.append(catalog.papers)
        elif param.name == "config":
            args.append(catalog.config)
        elif param.name == "keywords":
            args.append(catalog.keywords)
        elif param.name == "venues":
            args.append(catalog.venues)
        else:
            raise TypeError(f"don't know what to pass as {param.name!r} to {func.__qualname__}")
    return func(*args)


STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "dedupe": ("catalog.dedupe", ("find_groups", "find_duplicates", "duplicate_groups")),
    "readme": ("catalog.render.readme", ("render_readme", "render")),
}


def run(stage: str, data_dir: Path) -> dict[str, Any]:
    if stage == "parse":
        return parse_floor(data_dir)
    func = None
    if stage in STAGES:
        func = find_function(*STAGES[stage])
        if func is None:
            raise LookupError(f"{stage}: {STAGES[stage][0]} not available")
    from catalog.validate import load_catalog

    start = time.perf_counter()
    catalog = load_catalog(data_dir)
    loaded = time.perf_counter()
    result: dict[str, Any] = {
        "load": loaded - start,
        "stage": 0.0,
        "papers": len(catalog.papers),
        "diagnostics": len(catalog.diagnostics),
    }
    if func is not None:
        value = call_with(func, catalog)
        result["stage"] = time.perf_counter() - loaded
        if stage == "dedupe":
            result["groups"] = len(value)
        elif stage == "readme":
            result["bytes"] = len(value.encode("utf-8")) if isinstance(value, str) else None
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("parse", "validate", *STAGES):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        result = run(argv[0], Path(argv[1]))
    except LookupError as exc:
        print(f"not available: {exc}", file=sys.stderr)
        return NOT_AVAILABLE
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
