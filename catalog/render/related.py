"""Related papers: TF-IDF over title, abstract, keywords and topics, through an inverted index
(built once; each paper's list is worked out when its page is written).

No n x n matrix: each paper's scores come from the posting lists of its own terms, rarest
first, and stop after BUDGET postings (common words add little and cost most; a long list
is read from its start, in id order), so the cost grows with n, not n². Deterministic:
fixed term order, ties broken by id.
"""

from __future__ import annotations

import functools
import math
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
    writers ask for those of their own pages, so the work is spread over every core)."""

    def __init__(self, papers: Sequence[Paper], abstract: Callable[[Paper], str]) -> None:
        ordered = sorted(papers, key=lambda p: p.id)
        n = len(ordered)
        counts = [_terms(p, abstract(p)) for p in ordered]
        df: Counter[str] = Counter(t for c in counts for t in c)
        self.ids = [p.id for p in ordered]
        self.number = {paper_id: i for i, paper_id in enumerate(self.ids)}
        self.vectors: list[list[tuple[float, str]]] = []  # (weight, term), rarest term first
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for number, c in enumerate(counts):
            weights = {t: tf * math.log(n / df[t]) for t, tf in c.items() if df[t] > 1}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            vector = {t: w / norm for t, w in weights.items() if w > 0}
            for term, weight in vector.items():
                self.postings.setdefault(term, []).append((number, weight))
            rarest = sorted(vector, key=lambda t: (df[t], t))
            self.vectors.append([(vector[t], t) for t in rarest])

    def of(self, paper_id: str, count: int = RELATED) -> list[str]:
        """Up to `count` related paper ids, most similar first (cosine of TF-IDF)."""
        number = self.number[paper_id]
        scores: dict[int, float] = {}
        get, postings = scores.get, self.postings
        left = BUDGET
        for weight, term in self.vectors[number]:
            row = postings[term]
            for other, other_weight in row if len(row) <= left else row[:left]:
                scores[other] = get(other, 0.0) + weight * other_weight
            left -= len(row)
            if left <= 0:
                break
        scores.pop(number, None)
        # Highest score first, ties by id order: two sorts in C (the first gives the ties').
        best = sorted(sorted(scores), key=scores.__getitem__, reverse=True)[:count]
        return [self.ids[other] for other in best]


def related_papers(
    papers: Sequence[Paper],
    abstract: Callable[[Paper], str] = lambda paper: "",
    count: int = RELATED,
) -> dict[str, list[str]]:
    """Up to `count` related paper ids per paper id, most similar first (cosine of TF-IDF)."""
    related = Related(papers, abstract)
    return {paper_id: related.of(paper_id, count) for paper_id in related.ids}
