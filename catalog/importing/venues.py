"""Venue names as lists write them: canonical spellings, common aliases, and the kind a name says.

`NIPS 2021` and `NeurIPS` are one venue; `TPAMI` is a journal, `... Workshop` a workshop,
`arXiv` a preprint. Only what the name itself says is used: no lookup, no guess from memory
about a particular paper.
"""

from __future__ import annotations

import re

from catalog.model import VenueKind

# Canonical spellings of venues lists name often; a registry entry always wins over these.
_CANONICAL = [
    "AAAI",
    "ACL",
    "ACM",
    "MM",
    "AISTATS",
    "BMVC",
    "COLING",
    "COLM",
    "CoRL",
    "CVPR",
    "EACL",
    "ECCV",
    "EMNLP",
    "ICASSP",
    "ICCV",
    "ICLR",
    "ICML",
    "ICRA",
    "IJCAI",
    "IJCV",
    "Interspeech",
    "IROS",
    "JMLR",
    "KDD",
    "MICCAI",
    "NAACL",
    "NeurIPS",
    "SIGIR",
    "TACL",
    "TIP",
    "TMLR",
    "TNNLS",
    "TPAMI",
    "UAI",
    "WACV",
    "WWW",
    "arXiv",
]
_SPELLING = {name.casefold(): name for name in _CANONICAL} | {"acm mm": "ACM MM", "mm": "ACM MM"}
_ALIASES = {
    "nips": "NeurIPS",
    "neurlps": "NeurIPS",
    "neural information processing systems": "NeurIPS",
    "advances in neural information processing systems": "NeurIPS",
    "arxiv preprint": "arXiv",
    "preprint": "arXiv",
    "corr": "arXiv",
    "arxiv.org": "arXiv",
    "t-pami": "TPAMI",
    "ieee tpami": "TPAMI",
    "ieee t-pami": "TPAMI",
    "the web conference": "WWW",
    "acm multimedia": "ACM MM",
}
# Full names, as proceedings and Semantic Scholar write them (lists generated from its API
# print them on a line of their own): the name of the venue, never a guess about a paper. The
# first one of a venue is what `catalog import` writes as its `full_name`.
_FULL_NAMES = {
    "AAAI Conference on Artificial Intelligence": "AAAI",
    "Annual Meeting of the Association for Computational Linguistics": "ACL",
    "British Machine Vision Conference": "BMVC",
    "IEEE/CVF Conference on Computer Vision and Pattern Recognition": "CVPR",
    "Computer Vision and Pattern Recognition": "CVPR",
    "Conference on Computer Vision and Pattern Recognition": "CVPR",
    "Conference on Empirical Methods in Natural Language Processing": "EMNLP",
    "Conference of the European Chapter of the Association for Computational Linguistics": "EACL",
    "European Conference on Computer Vision": "ECCV",
    "IEEE/CVF International Conference on Computer Vision": "ICCV",
    "International Conference on Computer Vision": "ICCV",
    "IEEE International Conference on Computer Vision": "ICCV",
    "International Conference on Learning Representations": "ICLR",
    "International Conference on Machine Learning": "ICML",
    "International Joint Conference on Artificial Intelligence": "IJCAI",
    "IEEE International Conference on Acoustics, Speech and Signal Processing": "ICASSP",
    "IEEE International Conference on Acoustics, Speech, and Signal Processing": "ICASSP",
    "International Conference on Acoustics, Speech, and Signal Processing": "ICASSP",
    "International Conference on Acoustics, Speech and Signal Processing": "ICASSP",
    "International Conference on Computational Linguistics": "COLING",
    "North American Chapter of the Association for Computational Linguistics": "NAACL",
    "Transactions of the Association for Computational Linguistics": "TACL",
    "Transactions on Machine Learning Research": "TMLR",
    "Journal of Machine Learning Research": "JMLR",
    "IEEE Transactions on Pattern Analysis and Machine Intelligence": "TPAMI",
    "Winter Conference on Applications of Computer Vision": "WACV",
    "IEEE Workshop/Winter Conference on Applications of Computer Vision": "WACV",
    "Conference on Robot Learning": "CoRL",
    "Conference on Uncertainty in Artificial Intelligence": "UAI",
    "International Conference on Artificial Intelligence and Statistics": "AISTATS",
    "Knowledge Discovery and Data Mining": "KDD",
}
_ALIASES |= {name.casefold(): short for name, short in _FULL_NAMES.items()}
# The longest first, so `IEEE International Conference on Computer Vision` is not read as its
# tail; whole words only, in any case; never the name of the venue's workshops.
_FULL_NAME = re.compile(
    r"(?:(?P<before>(?:19|20)\d{2})\s+)?(?<![\w/])(?P<name>"
    + "|".join(re.escape(name) for name in sorted(_FULL_NAMES, key=len, reverse=True))
    + r")(?![\w/])(?!\s+workshops?\b)"  # `... Pattern Recognition Workshops`: not CVPR
    r"(?:\s+(?P<after>(?:19|20)\d{2})(?!\d))?",
    re.IGNORECASE,
)
_JOURNAL = re.compile(
    r"\b(journal|transactions|trans\.|letters|magazine|review|tpami|tmlr|jmlr|tacl|ijcv|tip|"
    r"tnnls|nature|science|pnas|access)\b",
    re.IGNORECASE,
)
_WORKSHOP = re.compile(r"\b(workshops?|ws)\b", re.IGNORECASE)
_WORKSHOP_OF = re.compile(  # CVPRW, ICCVW, `ECCV W`: a conference's workshops
    r"^(?:cvpr|iccv|eccv|icml|neurips|nips|iclr|accv|acmmm|icpr|wacv|aaai|ijcai|icra|iros|bmvc|"
    r"acl|emnlp|naacl|kdd) ?w$",
    re.IGNORECASE,
)
_PREPRINT = re.compile(r"\b(arxiv|preprint|biorxiv|medrxiv|corr|ssrn|techrxiv)\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Words a venue's name keeps in lower case after its first: `Workshop on Efficient ML`.
_SMALL_WORDS = {"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with"}


# The ways lists name a conference's Findings: `Findings of EMNLP`, `EMNLP (Findings)`,
# `NAACL-Findings`, and the Anthology's `Findings of the Association for Computational
# Linguistics: EMNLP` (`Findings of ACL: EMNLP` is EMNLP's, not ACL's).
_FINDINGS_OF = {"ACL", "EMNLP", "NAACL", "EACL", "AACL"}  # the conferences that have Findings
_FINDINGS = re.compile(
    r"^(?:findings of (?:(?:the association for computational linguistics|acl) ?: ?)?(?:the )?"
    r"(?P<of>[a-z]+)|(?P<conf>[a-z]+) ?[-(]? ?findings\)?)$"
)


def full_name_of(short: str) -> str | None:
    """The full name of a venue known by its short name (`ICLR` -> `International Conference
    on Learning Representations`, `EMNLP Findings` -> `Findings of the Association for
    Computational Linguistics: EMNLP`), else None."""
    conference = short.removesuffix(" Findings")
    if conference in _FINDINGS_OF and conference != short:
        return f"Findings of the Association for Computational Linguistics: {conference}"
    return next((name for name, venue in _FULL_NAMES.items() if venue == short), None)


def findings_of(name: str) -> str | None:
    """`Findings of EMNLP` -> `EMNLP Findings` (any spelling above), else None."""
    found = _FINDINGS.match(_SPACES.sub(" ", name.strip()).casefold())
    conference = found and (found["of"] or found["conf"]).upper()
    return f"{conference} Findings" if conference in _FINDINGS_OF else None


def canonical_spelling(name: str) -> str:
    """`nips` -> `NeurIPS`, `iclr` -> `ICLR`, `Findings of ACL` -> `ACL Findings`; else `name`."""
    key = _SPACES.sub(" ", name.strip()).casefold()
    if key in _ALIASES:
        return _ALIASES[key]
    if findings := findings_of(key):
        return findings
    if key in _SPELLING:
        return _SPELLING[key]
    words = name.split()
    if len(words) > 1 and words[0].casefold() in _SPELLING | _ALIASES:
        first = _ALIASES.get(words[0].casefold()) or _SPELLING[words[0].casefold()]
        rest = [
            w if any(c.isupper() for c in w) or w in _SMALL_WORDS else w.capitalize()
            for w in words[1:]
        ]
        return " ".join([first, *rest])
    return " ".join(words)


def full_name_in(text: str) -> str | None:
    """The short name of a venue `text` names in full, with the year written beside it
    (`Annual Meeting of the Association for Computational Linguistics` -> `ACL`, `2018
    IEEE/CVF Conference on Computer Vision and Pattern Recognition` -> `CVPR 2018`), or None."""
    found = _FULL_NAME.search(_SPACES.sub(" ", text))
    if found is None:
        return None
    short = _ALIASES[found["name"].casefold()]
    year = found["before"] or found["after"]
    return f"{short} {year}" if year else short


def is_known_venue(name: str) -> bool:
    """A name lists use for a venue (with or without a qualifier such as `Findings`)."""
    key = _SPACES.sub(" ", name.strip()).casefold()
    first = key.split(" ", 1)[0] if key else ""
    return key in _ALIASES or key in _SPELLING or first in _SPELLING or first in _ALIASES


def says_workshop(name: str) -> bool:
    """`... Workshop`, `Workshop on ...`, `CVPRW`: the name itself says it is a workshop."""
    return bool(_WORKSHOP.search(name) or _WORKSHOP_OF.match(name.strip()))


def venue_kind(name: str) -> VenueKind:
    """What the name says: preprint (arXiv), workshop, journal, else conference.

    Only the name counts, never the column or badge it came from: a list's "Conference"
    column holds its workshops too."""
    if _PREPRINT.search(name):
        return "preprint"
    if says_workshop(name):
        return "workshop"
    if _JOURNAL.search(name):
        return "journal"
    return "conference"
