"""Related papers: TF-IDF over title, abstract, keywords and topics, through an inverted index.

No n x n matrix: each paper's scores come from the posting lists of its own terms, rarest
first, and stop after BUDGET postings (common words add little and cost most; a long list
is read from its start, in id order), so the cost grows with n, not n². Deterministic:
fixed term order, ties broken by id.
"""

from __future__ import annotations

import heapq
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


def _terms(paper: Paper, abstract: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word in words(f"{paper.title} {abstract}"):
        if word not in _STOP and len(word) > 1:
            counts[stem(word)] += 1
    for keyword in paper.keywords:
        counts["k:" + keyword.casefold()] += TAG_WEIGHT
    for topic in getattr(paper, "topics", None) or []:
        counts["t:" + str(topic).casefold()] += TAG_WEIGHT
    return counts


def related_papers(
    papers: Sequence[Paper],
    abstract: Callable[[Paper], str] = lambda paper: "",
    count: int = RELATED,
) -> dict[str, list[str]]:
    """Up to `count` related paper ids per paper id, most similar first (cosine of TF-IDF)."""
    ordered = sorted(papers, key=lambda p: p.id)
    n = len(ordered)
    counts = [_terms(p, abstract(p)) for p in ordered]
    df: Counter[str] = Counter(t for c in counts for t in c)
    vectors: list[dict[str, float]] = []
    for c in counts:
        weights = {t: tf * math.log(n / df[t]) for t, tf in c.items() if df[t] > 1}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items() if w > 0})
    postings: dict[str, list[tuple[int, float]]] = {}
    for number, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings.setdefault(term, []).append((number, weight))
    result: dict[str, list[str]] = {}
    for number, vector in enumerate(vectors):
        scores: dict[int, float] = {}
        left = BUDGET
        for term in sorted(vector, key=lambda t: (df[t], t)):
            weight = vector[term]
            row = postings[term]
            for other, other_weight in row if len(row) <= left else row[:left]:
                scores[other] = scores.get(other, 0.0) + weight * other_weight
            left -= len(row)
            if left <= 0:
                break
        scores.pop(number, None)
        best = heapq.nsmallest(count, [(-score, other) for other, score in scores.items()])
        result[ordered[number].id] = [ordered[other].id for _, other in best]
    return result
