"""Related papers: TF-IDF over title, abstract, keywords and topics, through an inverted index
(built once; each paper's list is worked out when its page is written).

No n x n matrix: each paper's scores come from the posting lists of its own terms, rarest
first, and stop after BUDGET postings (common words add little and cost most; a long list
is read from its start, in id order), so the cost grows with n, not n². Deterministic:
fixed term order, ties broken by id.
"""

from __future__ import annotations

import functools
import heapq
import math
from array import array
from collections import Counter
from collections.abc import Callable, Sequence

from catalog.model import Paper
from catalog.render.search import stem, words

RELATED = 5
BUDGET = 300  # postings read per paper
TAG_WEIGHT = 2  # a shared keyword or topic counts as much as two shared words
_STOP = frozenset(
    (
        "a", "an", "and", "are", "as", "at", "based", "be", "by", "for", "from", "in", "into", "is",
        "it", "its", "of", "on", "or", "our", "over", "the", "this", "to", "towards", "using",
        "via",
        "we", "with", "without",
    )
)  # fmt: skip


_stem = functools.lru_cache(maxsize=1 << 16)(stem)  # a catalog's words repeat: stem each once


def _terms(paper: Paper, abstract: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word in words(f"{paper.title} {abstract}"):
        if word not in _STOP and len(word) > 1:
            counts[_stem(word)] += 1
    for keyword in paper.keywords:
        counts["k:" + keyword.casefold()] += TAG_WEIGHT
    for topic in getattr(paper, "topics", None) or []:
        counts["t:" + str(topic).casefold()] += TAG_WEIGHT
    return counts


class Related:
    """The index, and each paper's related papers worked out when asked for (the page
    writers ask for those of their own pages, so the work is spread over every core).

    Kept in flat arrays rather than lists of tuples: the page writers are forked, and
    reading a Python object writes its reference count, so reading a posting list of tuples
    would copy its memory into every writer (catalog/render/packed.py says more)."""

    def __init__(self, papers: Sequence[Paper], abstract: Callable[[Paper], str]) -> None:
        ordered = sorted(papers, key=lambda p: p.id)
        n = len(ordered)
        # Each paper's terms as numbers in flat arrays (a number per distinct term, in the
        # order first met), not a Counter per paper: at 100,000 papers those dicts were
        # ~60 MB that every later pass walked through, far from any cache.
        seen: dict[str, int] = {}
        names: list[str] = []
        found, counted = array("q"), array("q")  # term, its count in the paper
        starts = array("q", [0])  # paper i's terms: starts[i] .. starts[i + 1]
        for paper in ordered:
            for term, tf in _terms(paper, abstract(paper)).items():
                k = seen.get(term)
                if k is None:
                    k = seen[term] = len(names)
                    names.append(term)
                found.append(k)
                counted.append(tf)
            starts.append(len(found))
        df = [0] * len(names)
        for k in found:
            df[k] += 1
        self.ids = [p.id for p in ordered]
        self.number = {paper_id: i for i, paper_id in enumerate(self.ids)}
        # A term's number is its place in (df, term) order: a paper's terms sorted by number
        # come rarest first, ties by the term.
        kept = sorted(
            (k for k in range(len(names)) if 1 < df[k] < n), key=lambda k: (df[k], names[k])
        )
        term_number = [-1] * len(names)
        for number, k in enumerate(kept):
            term_number[k] = number
        idf = [math.log(n / d) if d else 0.0 for d in df]
        self._vector_ends = array("q", [0])  # paper i's terms: _vector_ends[i] .. [i + 1]
        self._vector_terms = array("q")
        self._vector_weights = array("d")
        for i in range(n):
            weights = [
                (term_number[k], counted[j] * idf[k])
                for j in range(starts[i], starts[i + 1])
                if term_number[k := found[j]] >= 0
            ]
            norm = math.sqrt(sum(w * w for _, w in weights)) or 1.0
            vector = sorted((term, w / norm) for term, w in weights)
            self._vector_terms.extend(term for term, _ in vector)
            self._vector_weights.extend(weight for _, weight in vector)
            self._vector_ends.append(len(self._vector_terms))
        # The posting lists, laid out by counting (term t holds df[t] papers): each paper's
        # terms go to the next free place of their lists, in paper order, so every list is
        # in id order, as a list of (paper, weight) per term would be, without those tuples.
        self._posting_ends = array("q", [0])  # term t's papers: _posting_ends[t] .. [t + 1]
        for k in kept:
            self._posting_ends.append(self._posting_ends[-1] + df[k])
        total = self._posting_ends[-1]
        self._posting_papers = array("q", bytes(8 * total))
        self._posting_weights = array("d", bytes(8 * total))
        free = array("q", self._posting_ends[:-1])
        terms, weights_of = self._vector_terms, self._vector_weights
        ends = self._vector_ends
        for number in range(n):
            for at in range(ends[number], ends[number + 1]):
                listed = terms[at]
                place = free[listed]
                self._posting_papers[place] = number
                self._posting_weights[place] = weights_of[at]
                free[listed] = place + 1

    def of(self, paper_id: str, count: int = RELATED) -> list[str]:
        """Up to `count` related paper ids, most similar first (cosine of TF-IDF)."""
        return [self.ids[other] for other in self.of_number(self.number[paper_id], count)]

    def of_number(self, number: int, count: int = RELATED) -> list[int]:
        """of() by place in id order: the numbers of the related papers."""
        scores: dict[int, float] = {}
        get = scores.get
        ends, papers, weights = self._posting_ends, self._posting_papers, self._posting_weights
        start, stop = self._vector_ends[number], self._vector_ends[number + 1]
        left = BUDGET
        for term, weight in zip(
            self._vector_terms[start:stop], self._vector_weights[start:stop], strict=True
        ):
            first, last = ends[term], ends[term + 1]
            end = min(last, first + left)
            for other, other_weight in zip(papers[first:end], weights[first:end], strict=True):
                scores[other] = get(other, 0.0) + weight * other_weight
            left -= last - first
            if left <= 0:
                break
        scores.pop(number, None)
        return top(scores, count)


def top(scores: dict[int, float], count: int) -> list[int]:
    """The `count` highest-scoring keys, highest first, ties by the smaller key; only the
    keys scoring at least the count-th best are sorted (a few, of up to BUDGET)."""
    if len(scores) > count:
        least = heapq.nlargest(count, scores.values())[-1]
        scores = {other: score for other, score in scores.items() if score >= least}
    return sorted(scores, key=lambda other: (-scores[other], other))[:count]


def related_papers(
    papers: Sequence[Paper],
    abstract: Callable[[Paper], str] = lambda paper: "",
    count: int = RELATED,
) -> dict[str, list[str]]:
    """Up to `count` related paper ids per paper id, most similar first (cosine of TF-IDF)."""
    related = Related(papers, abstract)
    return {paper_id: related.of(paper_id, count) for paper_id in related.ids}
