"""How text read from data files is shown: one line, bounded, nothing a terminal or a CI log
would act on. Apart from `diagnostics` (which re-exports it) so a command that prints such text
but no diagnostics (a link check's start-up, its cached run) need not build the Diagnostic
class.
"""

from __future__ import annotations

MAX_MESSAGE = 300  # characters of a message or hint; a 10 MB title must not become a 10 MB line


def visible(text: str) -> str:
    """`text` with every character a terminal or CI log would act on or hide (controls, line
    separators, bidi overrides, zero-width characters, noncharacters, surrogates: whatever
    str.isprintable() refuses, but the space) written as its escape, e.g. `\\u202e`."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """One line of at most `limit` characters (controls and invisible characters escaped, an
    ellipsis marking a cut): the one place that bounds what a message prints."""
    if len(text) > 4 * limit:  # escaping more than can be shown would only cost time
        text = text[: 4 * limit]
    text = visible(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape_data(value: str) -> str:
    """A GitHub workflow command's message, escaped as the runner reads it."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A GitHub workflow command's property value (file=, title=), escaped."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
