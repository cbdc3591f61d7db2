"""Print a link check: text grouped by record, JSON, Markdown, or GitHub annotations.

A report is plain data (results plus where each URL is used), so shard reports written as
JSON on many machines merge back into one (`merge`) and print like a single run.
"""

from __future__ import annotations

import json
from collections import Counter
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any, Literal

from catalog.links.collect import LinkRef
from catalog.links.verdict import STATUSES, Result, is_excluded, is_failure
from catalog.shown import escape_data as _escape_data
from catalog.shown import escape_property as _escape_property

Format = Literal["text", "json", "markdown", "github"]
_by_url = attrgetter("url")
_string = encode_basestring  # json's own (C) string writer, as with ensure_ascii=False
_value = json.JSONEncoder(ensure_ascii=False).encode  # any value, as json writes it


class LinkReport:
    """Every result, sorted by URL, with the records and lines that use each URL.

    A plain class, not a dataclass: a dataclass' methods are compiled at every start-up."""

    __slots__ = ("elapsed_ms", "notes", "partial", "requests", "results", "sources")

    def __init__(
        self,
        results: list[Result],
        sources: dict[str, list[LinkRef]] | None = None,
        elapsed_ms: int = 0,
        requests: int = 0,
        notes: list[str] | None = None,
        partial: bool = False,  # interrupted (Ctrl-C): only the links checked before it
    ) -> None:
        self.results = sorted(results, key=_by_url)
        self.sources: dict[str, list[LinkRef]] = {} if sources is None else sources
        self.elapsed_ms = elapsed_ms
        self.requests = requests
        self.notes: list[str] = [] if notes is None else notes
        self.partial = partial

    def __repr__(self) -> str:
        return (
            f"LinkReport({len(self.results)} results, {self.requests} requests, "
            f"{self.elapsed_ms} ms, notes={self.notes!r}, partial={self.partial})"
        )

    def failed(self, strict: bool = False) -> bool:
        return any(is_failure(r, strict=strict) for r in self.results)

    def summary(self, strict: bool = False) -> dict[str, Any]:
        counts = Counter(r.status for r in self.results)
        return {
            "total": len(self.results),
            **{status: counts[status] for status in STATUSES},
            "warnings": sum(1 for r in self.results if r.warning),
            "cached": sum(1 for r in self.results if r.cached),
            "requests": self.requests,
            "elapsed_ms": self.elapsed_ms,
            "failed": self.failed(strict),
            "partial": self.partial,
        }

    def problems(self) -> list[tuple[LinkRef, Result]]:
        """Each use of each result worth reporting (not those the user excluded), by line."""
        rows = [
            (ref, result)
            for result in self.results
            if (result.status != "ok" or result.warning) and not is_excluded(result)
            for ref in self.sources.get(result.url) or [LinkRef("?", 0, 0, "?", "?")]
        ]
        return sorted(rows, key=lambda row: (row[0], row[1].url))


def severity(result: Result, strict: bool = False) -> str:
    if is_failure(result, strict=strict):
        return "error"
    if result.status in ("redirected", "error") or result.warning:
        return "warning"
    return "notice"


def detail(result: Result) -> str:
    text = result.message or result.status
    if result.warning:
        text = f"{text}; {result.warning}" if result.status != "ok" else result.warning
    return text


def format_report(report: LinkReport, fmt: Format, strict: bool = False) -> str:
    if fmt == "json":
        return _json_report(report, strict)
    if fmt == "github":
        return _github(report, strict)
    if fmt == "markdown":
        return _markdown(report, strict)
    return _text(report, strict)


def to_json(report: LinkReport, strict: bool = False) -> dict[str, Any]:
    results = []
    for result in report.results:
        data = result.as_json()
        data["sources"] = [ref.as_json() for ref in sorted(report.sources.get(result.url, []))]
        results.append(data)
    return {"results": results, "summary": report.summary(strict), "notes": report.notes}


def dumps_report(doc: dict[str, Any]) -> str:
    """The JSON document with one result a line: the C encoder does the work (`indent` would
    send json to its pure-Python encoder, ~0.3 ms a result), and diffs still read by URL."""
    dump = _value
    lines = ["{"]
    for name, value in doc.items():
        if name == "results" and value:
            lines.append('  "results": [')
            lines.append(",\n".join(f"    {dump(result)}" for result in value))
            lines.append("  ],")
        else:
            lines.append(f"  {dump(name)}: {dump(value)},")
    lines[-1] = lines[-1].removesuffix(",")
    lines.append("}")
    return "\n".join(lines)


def _json_report(report: LinkReport, strict: bool) -> str:
    """`dumps_report(to_json(report))`, each result's line written from its fields: the same
    text at a third of the cost (no dict per result and per use, the keys written once)."""
    dump = _value
    tail = {"summary": report.summary(strict), "notes": report.notes}
    sources = report.sources
    lines = [f"    {_result_json(r, sorted(sources.get(r.url, ())))}" for r in report.results]
    head = (
        '{\n  "results": [\n' + ",\n".join(lines) + "\n  ],\n" if lines else '{\n  "results": [],\n'
    )
    return head + ",\n".join(f"  {dump(k)}: {dump(v)}" for k, v in tail.items()) + "\n}"


_NULL = "null"


def _result_json(r: Result, refs: list[LinkRef]) -> str:
    """One result of `to_json` as `json` writes it (ensure_ascii off, `", "` and `": "`).

    Written inline (no helper call per value): it runs once per URL of a cached run."""
    s, null = _string, _NULL
    uses = ", ".join(
        [
            f'{{"record": {s(u.record)}, "field": {_FIELDS.get(u.field) or _field(u.field)}, '
            f'"file": {s(u.path)}, "line": {_number(u.line)}, "column": {_number(u.column)}}}'
            for u in refs
        ]
    )
    code, final, suggestion, warning = r.http_status, r.final_url, r.suggestion, r.warning
    return (
        f'{{"url": {s(r.url)}, "status": {s(r.status)}, '
        f'"http_status": {null if code is None else _number(code)}, '
        f'"final_url": {null if final is None else _maybe(final)}, "message": {s(r.message)}, '
        f'"attempts": {_number(r.attempts)}, "elapsed_ms": {_number(r.elapsed_ms)}, '
        f'"suggestion": {null if suggestion is None else _maybe(suggestion)}, '
        f'"warning": {null if warning is None else _maybe(warning)}, '
        f'"cached": {"true" if r.cached is True else _value(r.cached)}, '
        f'"records": [{", ".join(map(s, r.records))}], "sources": [{uses}]}}'
    )


_FIELDS: dict[str, str] = {}  # a link field's name, as JSON ("links.paper"), once written


def _field(name: str) -> str:
    return _FIELDS.setdefault(name, _string(f"links.{name}"))


def _number(value: object) -> str:
    return int.__repr__(value) if type(value) is int else _value(value)


def _maybe(value: object) -> str:
    """A string or None (the usual types of the optional fields), else what json writes."""
    if value is None:
        return _NULL
    return _string(value) if type(value) is str else _value(value)


def from_json(doc: Any) -> LinkReport:
    """A report back from `to_json` output; ValueError when it is not one."""
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise ValueError("no results list")
    results, sources = [], {}
    for item in doc["results"]:
        try:
            result = Result.from_json(item)
            sources[result.url] = [LinkRef.from_json(s) for s in item.get("sources") or []]
        except (KeyError, TypeError, AttributeError) as exc:  # a hand-edited or foreign file
            raise ValueError(f"malformed result {item!r:.80}: {exc!r}") from None
        results.append(result)
    summary = doc.get("summary") or {}
    return LinkReport(
        results,
        sources,
        int(summary.get("elapsed_ms") or 0),
        int(summary.get("requests") or 0),
        [str(n) for n in doc.get("notes") or []],
        bool(summary.get("partial")),
    )


def merge(reports: list[LinkReport]) -> LinkReport:
    """One report from shard reports: results by URL, their uses joined."""
    results: dict[str, Result] = {}
    sources: dict[str, list[LinkRef]] = {}
    for report in reports:
        for result in report.results:
            known = results.get(result.url)
            if known is None or (known.status == "ok" and result.status != "ok"):
                results[result.url] = result
            uses = sources.setdefault(result.url, [])
            uses.extend(r for r in report.sources.get(result.url, []) if r not in uses)
    for url, result in results.items():
        records = tuple(sorted({r.record for r in sources.get(url, [])} | set(result.records)))
        results[url] = result.with_records(records)
    return LinkReport(
        list(results.values()),
        sources,
        max((r.elapsed_ms for r in reports), default=0),
        sum(r.requests for r in reports),
        [note for r in reports for note in r.notes],
        any(r.partial for r in reports),
    )


def _summary_line(report: LinkReport, strict: bool) -> str:
    s = report.summary(strict)
    parts = ", ".join(f"{s[status]} {status}" for status in STATUSES)
    extra = f", {s['cached']} from cache" if s["cached"] else ""
    seconds = s["elapsed_ms"] / 1000
    partial = "PARTIAL (interrupted): " if report.partial else ""
    return f"{partial}{s['total']} links checked in {seconds:.1f} s: {parts}{extra}"


def _text(report: LinkReport, strict: bool) -> str:
    lines: list[str] = []
    current = None
    for ref, result in report.problems():
        if ref.record != current:
            if current is not None:
                lines.append("")
            lines.append(f"{ref.record} ({ref.path})")
            current = ref.record
        where = f"{ref.path}:{ref.line}:{ref.column}" if ref.line else ref.path
        hint = f" (hint: use {result.suggestion})" if result.suggestion else ""
        lines.append(
            f"  {where}: {severity(result, strict)}[link-{result.status}] "
            f"links.{ref.field}: {result.url}: {detail(result)}{hint}"
        )
    if lines:
        lines.append("")
    lines.extend(report.notes)
    lines.append(_summary_line(report, strict))
    return "\n".join(lines)


def _github(report: LinkReport, strict: bool) -> str:
    lines = []
    for ref, result in report.problems():
        props = [f"file={_escape_property(ref.path)}"]
        if ref.line:
            props += [f"line={ref.line}", f"col={ref.column}"]
        props.append(f"title={_escape_property(f'link-{result.status}')}")
        hint = f" (hint: use {result.suggestion})" if result.suggestion else ""
        message = f"links.{ref.field}: {result.url}: {detail(result)}{hint}"
        lines.append(f"::{severity(result, strict)} {','.join(props)}::{_escape_data(message)}")
    lines.append(_summary_line(report, strict))
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(report: LinkReport, strict: bool) -> str:
    s = report.summary(strict)
    verdict = "failed" if s["failed"] else "passed"
    if report.partial:
        verdict = f"interrupted (partial; {verdict} so far)"
    lines = [
        f"### Link check {verdict}",
        "",
        "| " + " | ".join(STATUSES) + " | total |",
        "|" + "---:|" * (len(STATUSES) + 1),
        "| " + " | ".join(str(s[status]) for status in STATUSES) + f" | {s['total']} |",
        "",
    ]
    problems = report.problems()
    if problems:
        lines += ["| Status | Record | Field | URL | Detail |", "|---|---|---|---|---|"]
        for ref, result in problems:
            where = f"`{ref.path}:{ref.line}`" if ref.line else f"`{ref.path}`"
            hint = f" → {result.suggestion}" if result.suggestion else ""
            lines.append(
                f"| {result.status} | {_cell(ref.record)} {where} | links.{ref.field} "
                f"| <{_cell(result.url)}> | {_cell(detail(result) + hint)} |"
            )
        lines.append("")
    lines.append(_summary_line(report, strict))
    return "\n".join(lines)
