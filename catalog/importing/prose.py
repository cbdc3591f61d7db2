"""The source list's own text (its intro, a section's prose or link list) as markdown that
the built README can carry and awesome-lint accepts.

Lists write `*` and `+` bullets, `[[URL](..)]` links, `__bold__`, `!!`, reference links whose
definitions are dropped, and nested items at any indent. The README is linted as one file
(one bullet style, one strong style, every reference defined), so the copied text is
normalised: `-` bullets with one space and nesting kept, plain links, references inlined,
stray `[brackets]` escaped, blank lines only between blocks. Pure text in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from catalog.importing.cells import plain_text, strip_html
from catalog.importing.links import find_links, is_navigation, link_key, without_links

ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,4}[.)])\s+(?:\[[ xX]\]\s+)?(?P<body>.*)$")
_MARKER = re.compile(r"^(?P<indent>\s*)(?P<marker>[-*+]|(?P<number>\d{1,4})[.)])\s+")
REFERENCE = re.compile(r"^\s{0,3}\[(?P<label>[^\]]+)\]:\s*<?(?P<url>[^\s>]+)>?.*$")
_RULE = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")
_LEAD_LINK = re.compile(r"^\[[^\[\]]+\]\([^()\s]*\)")
_LEAD_SPAN = re.compile(r"^(\*\*|\*|_|`)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_LEAD_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)\s*")
_SEPARATOR = re.compile(r"^[\s\-–—:|,]+")
_WRAPPED_LINK = re.compile(r"\[\s*(\[[^\[\]]*\]\([^()\s]*\))\s*\]")
_REF_LINK = re.compile(r"\[(?P<text>[^\[\]]+)\]\[(?P<ref>[^\[\]]*)\]")
_LONE_BRACKETS = re.compile(r"(?<![\\!\]])\[(?P<text>[^\[\]]*)\](?![(\[:])")
_STRONG = re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)")
_REPEATED = re.compile(r"([!?,！？，·])\1+")


def definitions(lines: list[str]) -> dict[str, str]:
    """`[label]: url` reference definitions of the whole list, by folded label."""
    found: dict[str, str] = {}
    for line in lines:
        match = REFERENCE.match(line)
        if match:
            found.setdefault(match["label"].casefold(), match["url"])
    return found


def section_text(
    body: list[str],
    *,
    keep_lists: bool,
    refs: dict[str, str] | None = None,
    linked: set[str] | None = None,
) -> str:
    """A section's text lines as README markdown, minus rules, badges, HTML-only lines,
    reference definitions, navigation and (unless `keep_lists`) list items. A URL already
    linked in `linked` (the text copied so far; updated) stays as its label only: the README
    may link a URL once."""
    refs = refs or {}
    linked = set() if linked is None else linked
    out: list[str] = []
    stack: list[tuple[int, int]] = []  # (source indent, output content column) of open items
    gap = False  # a blank line (or a dropped line) since the last kept one
    for raw in body:
        line = raw.strip()
        if not line or _RULE.match(line) or REFERENCE.match(line):
            gap = True
            continue
        if line.startswith(("[![", "![")) or (
            line.startswith("<") and not plain_text(without_links(line)).strip()
        ):
            gap = True
            continue  # badges, and HTML that holds no text
        marker = _MARKER.match(raw.expandtabs(4)) if ITEM.match(raw) else None
        if marker is not None:
            links = find_links(line)
            if not keep_lists or (links and all(is_navigation(lk.url) for lk in links)):
                gap = True
                continue  # navigation, or items where only prose is kept
            indent = len(marker["indent"])
            while stack and stack[-1][0] >= indent:
                stack.pop()
            column = stack[-1][1] if stack else 0
            bullet = f"{marker['number']}." if marker["number"] else "-"
            text = _once(_inline(raw.expandtabs(4)[marker.end() :], refs), linked)
            if not text:
                continue
            text = lint_item(text)
            if gap and out and not stack:
                out.append("")
            out.append(" " * column + f"{bullet} {text}")
            stack.append((indent, column + len(bullet) + 1))
            gap = False
            continue
        text = _once(_inline(line, refs), linked)
        if not text:
            continue
        if stack and not gap:  # a continuation line of the item above
            out[-1] = f"{out[-1]} {text}"
            continue
        if out and (stack or gap):  # a new paragraph (a line right after text continues it)
            out.append("")
        stack = []
        out.append(text)
        gap = False
    return "\n".join(out).strip("\n")


def _once(text: str, linked: set[str]) -> str:
    """Links to URLs linked before become their label; links within this list stay links
    only when they are http(s) (relative links point into the source repository)."""
    out, pos = [], 0
    for link in find_links(text):
        out.append(text[pos : link.start])
        key = link_key(link.url)
        whole = text[link.start : link.end]
        if not link.url.startswith(("http://", "https://")) or key in linked:
            out.append(link.label if whole.startswith("[") else "")
        else:
            linked.add(key)
            out.append(whole)
        pos = link.end
    out.append(text[pos:])
    return "".join(out).strip()


def _inline(text: str, refs: dict[str, str]) -> str:
    """One line's inline markdown made lint-clean (see the module docstring)."""
    text = strip_html(text).strip()
    previous = None
    while previous != text:
        previous, text = text, _WRAPPED_LINK.sub(r"\1", text)

    def resolve(match: re.Match[str]) -> str:
        ref = (match["ref"] or match["text"]).casefold()
        url = refs.get(ref)
        return f"[{match['text']}]({url})" if url else match["text"]

    text = _REF_LINK.sub(resolve, text)

    def lone(match: re.Match[str]) -> str:
        url = refs.get(match["text"].casefold())
        if url:
            return f"[{match['text']}]({url})"
        return f"\\[{match['text']}\\]" if match["text"].strip() else ""

    text = _LONE_BRACKETS.sub(lone, text)
    text = _STRONG.sub(r"**\1**", text)
    return _outside_links(text, lambda part: _REPEATED.sub(r"\1", part)).strip()


def _outside_links(text: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the text between links only: URLs are left exactly as written."""
    out, pos = [], 0
    for link in find_links(text):
        out.append(change(text[pos : link.start]))
        out.append(text[link.start : link.end])
        pos = link.end
    out.append(change(text[pos:]))
    return "".join(out)


def lint_item(text: str) -> str:
    """A copied list item in the form awesome-lint checks: awesome-lint reads an item that
    starts with a link as `[Name](url) - Description.`, and any other item that does not
    start with plain text as a broken one. So a leading image goes, a leading bold or code
    span becomes plain text, and after a leading link comes ` - `, a capital and an end mark.
    """
    text = _LEAD_IMAGE.sub("", text)
    span = _LEAD_SPAN.match(text)
    if span:
        text = span.group(2) + text[span.end() :]
    link = _LEAD_LINK.match(text)
    if link is None:
        return text
    rest = text[link.end() :].strip()
    if not rest or re.fullmatch(r"\([^)]*\)", rest):
        return text
    rest = _SEPARATOR.sub("", rest)
    if not rest:
        return link.group(0)
    if rest[0].islower():
        rest = rest[0].upper() + rest[1:]
    if not _LEAD_LINK.search(rest[rest.rfind("[") :]) and rest[-1] not in ".!?…)":
        rest += "."
    return f"{link.group(0)} - {rest}"
