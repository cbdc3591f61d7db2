"""A smaller copy of the theme's stylesheet: only the rules the site's pages can match.

Material's main stylesheet styles every markdown extension it supports (admonitions, tabs,
code highlighting, diagrams...), 137 KB of which a catalog's pages use a fraction; it blocks
rendering on every page. A rule stays unless one of its selectors' required classes (those
outside :is(), :not(), :where(), :has() and attribute brackets) appears nowhere in the site's
HTML or scripts; custom properties no rule reads go too. Keeping what might match is the
rule, so the result never styles a page differently from the original.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# A word as it may appear as a class name in a script's strings.
_TOKEN = re.compile(r"[A-Za-z_][\w-]*")
_CLASS_ATTR = re.compile(r'\sclass="([^"]*)"')
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")
_CUSTOM = re.compile(r"\s*(--[\w-]+)\s*:")
_ATTRIBUTE = re.compile(r"""\[\s*([\w-]+)\s*=\s*["']?([^\]"']*)["']?\s*\]""")
# The theme's palette attributes: the palette form in every page carries each value used.
PALETTE = ("data-md-color-primary", "data-md-color-accent")
# At-rules whose block holds rules (trimmed inside); others' blocks are kept whole.
_NESTING = ("@media", "@supports", "@container", "@layer", "@document")
# Classes the theme's script sets outside its own md- names (on <html>, on focus).
_THEME_STATES = frozenset({"js", "no-js", "js-focus-visible", "focus-visible"})


def html_classes(pages: Iterable[str]) -> set[str]:
    """The class names in the pages' class attributes."""
    names: set[str] = set()
    for page in pages:
        for value in set(_CLASS_ATTR.findall(page)):
            names.update(value.split())
    return names


def template_classes(sources: Iterable[str]) -> set[str]:
    """The words of the class attributes in templates or code that writes markup: a
    superset of the classes it can produce ("cf-chip{% if t %} cf-topic{% endif %}")."""
    names: set[str] = set()
    for source in sources:
        for value in set(_CLASS_ATTR.findall(source)):
            names.update(_TOKEN.findall(value))
    return names


def attribute_values(pages: Iterable[str], names: Iterable[str]) -> dict[str, set[str]]:
    """The values the pages give each of the named attributes."""
    found: dict[str, set[str]] = {name: set() for name in names}
    for name in found:
        pattern = re.compile(rf'\s{re.escape(name)}="([^"]*)"')
        for page in pages:
            found[name].update(pattern.findall(page))
    return found


def script_words(scripts: Iterable[str]) -> set[str]:
    """Every word of the site's own scripts: a superset of the class names they set."""
    words: set[str] = set()
    for script in scripts:
        words.update(_TOKEN.findall(script))
    return words


def theme_classes(bundle: str) -> set[str]:
    """The classes Material's bundle may set: its md- names, and a few states.

    It also names extensions' classes (tabbed-button, hll, mermaid), but only adds them
    inside those extensions' markup, whose own classes are in the pages' HTML.
    """
    return {w for w in _TOKEN.findall(bundle) if w.startswith("md-")} | _THEME_STATES


def trim_css(
    css: str,
    words: set[str],
    readers: Iterable[str] = (),
    attributes: dict[str, set[str]] | None = None,
) -> str:
    """css without the rules no page can match and the custom properties nothing reads.

    words: the class names the site's pages and scripts may use. readers: other stylesheets,
    scripts and pages whose var() uses keep a custom property (the palette, the site's CSS).
    attributes: for the attributes named, every value in use ([name=value] selectors with
    another value go; selectors on other attributes are never judged).
    """
    values = attributes or {}
    prefixes = tuple(w for w in words if w.endswith(("-", "_")))  # "md-x--" + name in scripts

    def used(selector: str) -> bool:
        top = _top_level(selector)
        for name in _CLASS.findall(top):
            if name not in words and not (prefixes and name.startswith(prefixes)):
                return False
        for attribute, value in _ATTRIBUTE.findall(_top_level(selector, brackets=False)):
            if attribute in values and value not in values[attribute]:
                return False
        return True

    kept = _rules(css, used)
    outside = " ".join(readers)
    while True:
        read = set(_VAR_USE.findall(kept)) | set(_VAR_USE.findall(outside))
        smaller = _drop_properties(kept, read)
        if smaller == kept:
            return kept
        kept = smaller


def _blocks(css: str) -> list[tuple[str, str | None]]:
    """Top-level items as (prelude, body); body None for statements like @charset."""
    items: list[tuple[str, str | None]] = []
    i, n, start = 0, len(css), 0
    while i < n:
        c = css[i]
        if c in "\"'":
            i = _skip_string(css, i)
            continue
        if c == "/" and css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if c == ";":
            items.append((css[start : i + 1].strip(), None))
            start = i = i + 1
            continue
        if c == "{":
            close = _matching(css, i)
            items.append((css[start:i].strip(), css[i + 1 : close]))
            start = i = close + 1
            continue
        i += 1
    return items


def _skip_string(css: str, i: int) -> int:
    quote, i = css[i], i + 1
    while i < len(css) and css[i] != quote:
        i += 2 if css[i] == "\\" else 1
    return i + 1


def _matching(css: str, i: int) -> int:
    depth, i = 0, i
    while i < len(css):
        c = css[i]
        if c in "\"'":
            i = _skip_string(css, i)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(css)


def _split_top(text: str, sep: str) -> list[str]:
    """text split at sep outside parentheses, brackets and strings."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = _skip_string(text, i)
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _top_level(selector: str, brackets: bool = True) -> str:
    """selector without what nested selectors (:is(), :not()...) and, unless brackets is
    False, attribute brackets hold: what an element must itself match."""
    flat, depth = [], 0
    opening, closing = ("([", ")]") if brackets else ("(", ")")
    for c in selector:
        if c in opening:
            depth += 1
        elif c in closing:
            depth -= 1
        elif depth == 0:
            flat.append(c)
    return "".join(flat)


def _rewrite(css: str, rule: Callable[[str, str], str]) -> str:
    """Walk the blocks (into @media/@supports-style nesting), keep other at-rules whole and
    let `rule(prelude, body)` rewrite each style rule ("" drops it)."""
    out: list[str] = []
    for prelude, body in _blocks(css):
        if body is None:
            out.append(prelude)
        elif prelude.startswith("@"):
            if prelude.lower().startswith(_NESTING):
                inner = _rewrite(body, rule)
                if inner:
                    out.append(f"{prelude}{{{inner}}}")
            else:
                out.append(f"{prelude}{{{body}}}")
        else:
            out.append(rule(prelude, body))
    return "".join(out)


def _rules(css: str, used: Callable[[str], bool]) -> str:
    def keep(prelude: str, body: str) -> str:
        selectors = [s for s in _split_top(prelude, ",") if used(s)]
        return f"{','.join(selectors)}{{{body}}}" if selectors else ""

    return _rewrite(css, keep)


def _drop_properties(css: str, read: set[str]) -> str:
    def keep(prelude: str, body: str) -> str:
        declarations = [
            d
            for d in _split_top(body, ";")
            if d.strip() and not ((m := _CUSTOM.match(d)) and m.group(1) not in read)
        ]
        return f"{prelude}{{{';'.join(declarations)}}}" if declarations else ""

    return _rewrite(css, keep)
