"""The one search: a compact inverted index, sharded, that the site search and the home
filter both read (site/assets/search-core.js), so the same words find the same papers.

Measured against Material's lunr search: its index is the pages' full text, fetched on
every page view and built into a lunr index in the browser (386 KB gzipped and ~1.6 s of
phone CPU at 10,000 papers); it ranks keyword pages above papers and finds neither authors
nor arXiv ids. This index holds terms only, fetched on first use, one shard per group of
two-letter term prefixes, so a query fetches the shards its words start with and no file
grows past SHARD_BYTES however large the catalog.

Terms: lower case, accents folded, words of letters and digits (dots inside a word kept, so
`2106.09685` and DOIs stay whole; their dot-separated parts are terms too), each with its
stem (a light suffix strip: quantization, quantized, quantizes -> quantiz). A query word
matches every term that starts with its stem; a pasted DOI or arXiv address, `doi:` or
`arXiv:` prefix and an arXiv version are made plain first (query_words). search-core.js
implements the same rules.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

INDEX_VERSION = 1
SHARD_BYTES = 256 * 1024  # a shard's target size (uncompressed); one prefix may exceed it
DOC_CHUNK = 2000  # result documents per file
# Where a term occurs, as bits; search-core.js weighs them (title and ids highest).
TITLE, IDS, AUTHORS, TAGS, VENUE, TEXT = 1, 2, 4, 8, 16, 32
FIELD_BITS = 6
_BITS_MASK = (1 << FIELD_BITS) - 1
_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ed", "es", "s", "e")
_MIN_STEM = 3
# What a reader pastes for an id: a DOI's or arXiv's address or prefix (dropped), an arXiv
# id with its version or .pdf (the bare id). search-core.js applies the same to a query.
ID_FORMS = (
    (re.compile(r"\bhttps?://(?:dx\.)?doi\.org/", re.I), " "),
    (re.compile(r"\bhttps?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/", re.I), " "),
    (re.compile(r"\b(?:doi|arxiv):\s*", re.I), " "),
    (re.compile(r"\b(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?\b", re.A), r"\1"),
)


def fold(text: str) -> str:
    """Lower case without accents ('Müller' -> 'muller'), as String.normalize('NFKD') does."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def stem(word: str) -> str:
    """Strip one common English suffix, keeping at least _MIN_STEM characters."""
    if len(word) <= _MIN_STEM or word.endswith("ss") or word[-1].isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def query_words(text: str) -> list[str]:
    """The words search-core.js looks a query up by: ids as a reader pastes them made plain
    (ID_FORMS), words of one character dropped."""
    for pattern, replacement in ID_FORMS:
        text = pattern.sub(replacement, text)
    return [w for w in words(text) if len(stem(w)) >= 2]


def terms(text: str) -> set[str]:
    """Every term a text is found by: its words, their dot-separated parts and their stems."""
    found: set[str] = set()
    for word in words(text):
        found.update(_word_terms(word))
    return found


@functools.lru_cache(maxsize=1 << 16)
def _word_terms(word: str) -> tuple[str, ...]:
    found = {word, stem(word)}
    if "." in word:
        for part in word.split("."):
            found.add(part)
            found.add(stem(part))
    return tuple(found)


@dataclass
class SearchDoc:
    """One result: a page, what it is found by (text per field bit) and its result line."""

    location: str
    title: str
    teaser: str
    fields: dict[int, str] = field(default_factory=dict)


def _shard_key(term: str) -> str:
    return term[:2]


def build_index(docs: list[SearchDoc], paper_count: int) -> dict[str, str]:
    """The index's files by name under search/: manifest.json, t<n>.json and d<n>.json.

    The first paper_count docs are the papers in the home page's order (so doc i is the home
    page's paper i); the rest are other pages, which rank below papers.
    """
    # Each term's docs as one array of (doc number << FIELD_BITS) | bits, ascending: ~8
    # bytes a posting where a dict of ints took ~100 (at 100,000 papers, ~200 MB).
    postings: dict[str, array[int]] = {}
    for number, doc in enumerate(docs):
        found: dict[str, int] = {}
        for bit, text in doc.fields.items():
            for term in terms(text):
                found[term] = found.get(term, 0) | bit
        shifted = number << FIELD_BITS
        for term, bits in found.items():
            row = postings.get(term)
            if row is None:
                row = postings[term] = array("q")
            row.append(shifted | bits)
    by_key: dict[str, list[str]] = {}
    for term in sorted(postings):
        by_key.setdefault(_shard_key(term), []).append(term)
    files: dict[str, str] = {}
    shard_of: dict[str, int] = {}
    current: dict[str, list[int]] = {}
    size = 0

    def flush() -> None:
        nonlocal current, size
        if current:
            files[f"t{len(files)}.json"] = _dumps(current)
        current, size = {}, 0

    for key in sorted(by_key):
        encoded = {term: _encode(postings[term]) for term in by_key[key]}
        key_size = sum(len(t) + 4 + 8 * len(p) for t, p in encoded.items())
        if size and size + key_size > SHARD_BYTES:
            flush()
        shard_of[key] = len(files)
        current.update(encoded)
        size += key_size
    flush()
    shards = len(files)
    for start in range(0, len(docs), DOC_CHUNK):
        chunk = [[d.location, d.title, d.teaser] for d in docs[start : start + DOC_CHUNK]]
        files[f"d{start // DOC_CHUNK}.json"] = _dumps(chunk)
    manifest = {
        "version": INDEX_VERSION,
        "papers": paper_count,
        "docs": len(docs),
        "chunk": DOC_CHUNK,
        "shards": shards,
        "keys": shard_of,
        "bits": FIELD_BITS,
    }
    files["manifest.json"] = _dumps(manifest)
    return files


def _encode(row: array[int]) -> list[int]:
    """Doc numbers ascending as differences, each shifted left by FIELD_BITS, plus its bits."""
    out, before = [], 0
    for value in row:
        number = value >> FIELD_BITS
        out.append(((number - before) << FIELD_BITS) | (value & _BITS_MASK))
        before = number
    return out


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def material_stub() -> str:
    """search/search_index.json for Material: no documents; the worker fetches the index."""
    return _dumps({"config": {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": []}, "docs": []})


def joined(values: Iterable[str]) -> str:
    return " ".join(values)
