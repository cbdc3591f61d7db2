"""`catalog check-links`'s command line read without click, for a fast start-up.

click and the CLI's declarations cost a third of a cached link check (~25 ms of ~90). A
check-links line made only of the options of `cli_remote.check_links`, each with a valid value,
is read here into the same keyword arguments click would pass, and the command runs at once;
anything else (--help, an unknown or misspelt option, a bad value, a path click would refuse,
--merge) returns None and entry.py hands the line to click, which runs it or prints its usual
error. tests/test_fast_cli.py checks that both read every line alike and that this table
names every option click declares, with the same defaults.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
FORMATS = ("text", "json", "markdown", "github")

# option -> (keyword, kind, default). Kinds: flag; int+ / float+ (> 0); retries (0..10);
# str; many (repeatable str); data / cache (paths click checks when they exist); duration.
OPTIONS: dict[str, tuple[str, str, Any]] = {
    "--data": ("data_dir", "data", "data"),
    "--format": ("fmt", "format", "text"),
    "--strict": ("strict", "flag", False),
    "--concurrency": ("concurrency", "int+", 64),
    "--per-host": ("per_host", "int+", 6),
    "--timeout": ("timeout", "float+", 20.0),
    "--deadline": ("deadline", "float+", None),
    "--retries": ("retries", "retries", 2),
    "--backoff": ("backoff", "float+", 1.0),
    "--user-agent": ("user_agent", "str", None),
    "--cache": ("cache_path", "cache", None),
    "--max-age": ("max_age", "duration", "1d"),
    "--allow-private": ("allow_private", "flag", False),
    "--exclude": ("exclude", "many", ()),
    "--changed-since": ("changed_since", "str", None),
    "--shard": ("shard", "str", None),
    "-q": ("quiet", "flag", False),
    "--quiet": ("quiet", "flag", False),
}


def duration(text: str) -> float:
    """'90', '90s', '15m', '12h', '1d' -> seconds; ValueError otherwise."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(f"expected a duration such as 3600, 30m, 12h or 1d, got {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse(args: list[str]) -> dict[str, Any] | None:
    """The keyword arguments click would give check-links for `args` (its own, after the
    command's name), plus `quiet`; None when only click should read them."""
    given: dict[str, Any] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        name, has_value, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        known = OPTIONS.get(name)
        if known is None:
            return None  # --help, --merge, a positional, a typo, "--", a grouped short flag
        keyword, kind, _ = known
        if kind == "flag":
            if has_value:
                return None
            given[keyword] = True
            index += 1
            continue
        if not has_value:
            if index + 1 >= len(args) or args[index + 1].startswith("-"):
                return None  # no value, or one click reads differently than a plain word
            value = args[index + 1]
            index += 1
        index += 1
        if kind == "many":
            given[keyword] = (*given.get(keyword, ()), value)
        else:
            given[keyword] = value  # the last one counts, as in click
    options: dict[str, Any] = {}
    for keyword, kind, default in OPTIONS.values():
        raw = given.get(keyword, default)
        converted = _convert(kind, raw) if keyword in given or kind in _CONVERT_DEFAULT else raw
        if converted is _INVALID:
            return None
        options[keyword] = converted
    if not _checkable(options):
        return None
    return options


_INVALID = object()
_CONVERT_DEFAULT = ("data", "duration")  # click runs a default through its type and callback


def _convert(kind: str, raw: Any) -> Any:
    try:
        if kind in ("int+", "retries"):
            number: float = int(raw)
        elif kind == "float+":
            number = float(raw)
        elif kind == "format":
            return raw if raw in FORMATS else _INVALID
        elif kind == "duration":
            return duration(raw)
        elif kind in ("data", "cache"):
            return _path(raw, folder=kind == "data")
        else:
            return raw
    except ValueError:
        return _INVALID
    if kind == "retries":
        return number if 0 <= number <= 10 else _INVALID
    return number if number > 0 else _INVALID


def _path(raw: str, folder: bool) -> Path | object:
    """click.Path's checks of an existing path (a file for a folder option, or the reverse;
    not readable); a missing one is fine."""
    try:
        info = os.stat(raw)
    except OSError:
        return Path(raw)
    wrong = stat.S_ISREG(info.st_mode) if folder else stat.S_ISDIR(info.st_mode)
    if wrong or not os.access(raw, os.R_OK):
        return _INVALID
    return Path(raw)


def _checkable(options: dict[str, Any]) -> bool:
    """The values the command itself refuses through click (--exclude, --shard): valid."""
    try:
        for pattern in options["exclude"]:
            re.compile(pattern)
    except re.error:
        return False
    if options["shard"] is not None:
        from catalog.links.collect import parse_shard

        try:
            parse_shard(options["shard"])
        except ValueError:
            return False
    return True


def check_links(args: list[str]) -> int | None:
    """Run check-links on `args` without click and return its exit status, or None (nothing
    run) when click must read the line."""
    options = parse(args)
    if options is None:
        return None
    from catalog.collector import paused

    with paused():  # the command's modules make no garbage: no collection while they load
        from catalog import output
        from catalog.cli_errors import user_errors
        from catalog.commands import check_links as command
        from catalog.links import report, run  # noqa: F401  # what the command runs on

    output.set_quiet(options.pop("quiet"))
    try:
        return user_errors(command.run)(merge_files=(), **options)
    except SystemExit as exc:  # user_errors' exit after printing the error
        code = exc.code
        return code if isinstance(code, int) else 1


def main(args: list[str]) -> int | None:
    """entry.py's hook: the exit status of a command run here, or None."""
    if args[:1] == ["check-links"]:
        return check_links(args[1:])
    return None


if __name__ == "__main__":  # pragma: no cover - entry.py is the way in
    sys.exit(main(sys.argv[1:]) or 0)
