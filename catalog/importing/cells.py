"""Clean one piece of an awesome list: HTML, emphasis, "none" markers, venue and year, titles.

Every function is pure text in, text out; the parsers (`formats`) and the row conversion
(`rows`) share them so a table cell and a list item are read alike.
"""

from __future__ import annotations

import html
import re

from catalog.importing.venues import says_workshop

_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_MD_IMAGE_LINK = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\(\s*<?([^)\s>]*)>?\s*\)")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")
_STRICT_NONE = {"", "-", "--", "—", "–", "n/a", "na", "n.a.", "tbd", "tba", "none", "null", "/"}
_NONE = _STRICT_NONE | {"?", "x", "coming soon", "soon", "todo", "not available", "no", "—-"}

# "NeurIPS 2024", "ICLR'24", "CVPR 2024 (Oral)", "ICML-2024", "2024 NeurIPS", "EMNLP 2023 Findings"
_VENUE_YEAR = re.compile(
    r"^(?P<venue>.*?)[\s,\-_]*(?:(?P<year>(?:19|20)\d{2})|['’‘`](?P<short>\d{2}))(?!\d)"
    r"(?P<rest>.*)$"
)
_YEAR_VENUE = re.compile(r"^(?P<year>(?:19|20)\d{2})[\s,\-_]+(?P<venue>[^\d].*)$")
_GLUED = re.compile(r"^(?P<venue>[A-Za-z]{3,})(?P<short>\d{2})$")  # ICLR24, NeurIPS23
_NOTE = re.compile(r"^\s*[\(\[]\s*(?P<note>[^)\]]*)[\)\]]\s*(?P<tail>.*)$")
_TRAILING_NOTE = re.compile(r"\s*[\(\[]\s*(?P<note>[^()\[\]]*)[\)\]]\s*$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# A date, not a venue: `2023.12.01`, `2024-01`, `2024/1/8`, `01.12.2023`, `Dec 2023`,
# `December 1, 2023`, `2023 Dec`: it gives the year only.
_DATE = re.compile(
    rf"^(?:(?P<a>(?:19|20)\d{{2}})[.\-/]\d{{1,2}}(?:[.\-/]\d{{1,2}})?"
    rf"|\d{{1,2}}[.\-/]\d{{1,2}}[.\-/](?P<b>(?:19|20)\d{{2}})"
    rf"|(?:\d{{1,2}}\s+)?{_MONTH}\s*(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s*)?(?P<c>(?:19|20)\d{{2}})"
    rf"|(?P<d>(?:19|20)\d{{2}})[\s\-/.]*{_MONTH}(?:\s*\d{{1,2}})?)$",
    re.IGNORECASE,
)


def strip_html(text: str) -> str:
    """HTML left in a cell: `<br/>` becomes a space, `<img>` badges go, tags and entities too."""
    if "<" in text:
        text = _BREAK.sub(" ", text)
        text = _IMG.sub("", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def plain_text(cell: str) -> str:
    """Markdown cell to plain words: no HTML, no images, no emphasis, whitespace folded."""
    cell = strip_html(cell)
    cell = _MD_IMAGE.sub("", cell)
    previous = None
    while previous != cell:
        previous, cell = cell, _EMPHASIS.sub(r"\2", cell)
    return " ".join(cell.split())


def is_none(text: str, *, strict: bool = False) -> bool:
    """`-`, `—`, `N/A`, `TBD`, empty and their kin: the cell says there is nothing.

    `strict` leaves out words such as `soon` or `?`: a Year cell saying so is an error."""
    return plain_text(text).strip(" .*").casefold() in (_STRICT_NONE if strict else _NONE)


def split_venue_year(text: str) -> tuple[str | None, int | None, str | None]:
    """(venue, year, note) of one cell: `CVPR 2024 (Oral)` -> (`CVPR`, 2024, `Oral`).

    `ICLR'24` and `ICLR24` give 2024; a bare year gives no venue; a venue alone no year.
    Words after the year (`Findings`, `Workshop`) stay part of the venue's name.
    """
    value = plain_text(text).strip(" .,;")
    if is_none(value):
        return None, None, None
    date = _DATE.match(value.strip(" ()[]"))
    if date:
        return None, int(next(y for y in date.groups() if y)), None
    match = _VENUE_YEAR.match(value)
    if match:
        year = int(match["year"]) if match["year"] else 2000 + int(match["short"])
        venue, rest = match["venue"].strip(" ,-_('’‘`"), match["rest"].strip()
        note = None
        parts = _NOTE.match(rest)
        if parts:
            note, rest = parts["note"].strip() or None, parts["tail"].strip()
        trailing = _TRAILING_NOTE.search(rest) if note is None else None
        if trailing:  # `CVPR 2024 Workshop (Oral)`: the note after the venue's words
            note, rest = trailing["note"].strip() or None, rest[: trailing.start()].strip()
        if note and (says_workshop(note) or note.casefold() == "findings"):
            venue, note = f"{venue} {note}", None  # `ICLR 2024 (Workshop on X)`: not ICLR
        if rest and not venue:
            venue = rest
        elif rest:
            venue = f"{venue} {rest.strip(' ,-')}"
        return venue.strip() or None, year, note
    match = _YEAR_VENUE.match(value)
    if match:
        return match["venue"].strip() or None, int(match["year"]), None
    glued = _GLUED.match(value)
    if glued and glued["venue"].casefold() in _GLUE_OK:
        return glued["venue"], 2000 + int(glued["short"]), None
    parts = _NOTE.match(value[value.find("(") :]) if "(" in value and value[0] != "(" else None
    if parts:
        venue, note = value[: value.find("(")].strip() or None, parts["note"].strip() or None
        if venue and note and says_workshop(note):
            return f"{venue} {note}", None, None
        return venue, None, note
    return value, None, None


# Names that may carry a glued two-digit year (ICLR24); "GPT4" or "T5" must not split.
_GLUE_OK = {
    "iclr", "icml", "neurips", "nips", "cvpr", "iccv", "eccv", "acl", "emnlp", "naacl", "aaai",
    "ijcai", "kdd", "coling", "eacl", "wacv", "bmvc", "interspeech", "icassp", "miccai", "colm",
    "aistats", "uai", "sigir", "www", "icra", "iros", "corl",
}  # fmt: skip


def year_in(text: str) -> int | None:
    """The first plausible year in a cell (`2024`, `2024-05`, `May 2024`), or None."""
    match = _YEAR.search(plain_text(text))
    return int(match.group(1)) if match else None


# Words a recased title keeps as written: acronyms and method names lists use most.
ACRONYMS = {
    word.casefold(): word
    for word in [
        "LoRA",
        "QLoRA",
        "DoRA",
        "VeRA",
        "AdaLoRA",
        "LoRAs",
        "PEFT",
        "LLM",
        "LLMs",
        "VLM",
        "VLMs",
        "MLLM",
        "MLLMs",
        "ViT",
        "ViTs",
        "DiT",
        "DiTs",
        "GPT",
        "BERT",
        "RoBERTa",
        "CLIP",
        "SAM",
        "MoE",
        "RLHF",
        "RL",
        "NLP",
        "NLU",
        "CV",
        "SVD",
        "PCA",
        "CNN",
        "CNNs",
        "RNN",
        "GAN",
        "GANs",
        "VAE",
        "AI",
        "ML",
        "DNN",
        "DNNs",
        "3D",
        "2D",
        "4D",
        "NeRF",
        "SDXL",
        "T5",
        "LLaMA",
        "OPT",
        "KV",
        "API",
        "GPU",
        "GPUs",
        "TPU",
        "FPGA",
        "IoT",
        "QA",
        "VQA",
        "OCR",
        "ASR",
        "TTS",
        "SSM",
        "SSMs",
        "SOTA",
        "NAS",
        "KD",
        "FL",
    ]
}
_SMALL = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or"}
_SMALL |= {"the", "to", "via", "vs", "with", "over", "under"}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+[^\W_]*", re.UNICODE)


def recase_title(title: str) -> str:
    """An ALL-CAPS or all-lower title in title case, keeping known acronyms (LoRA, ViT, LLM).

    A title with mixed case is the authors' own and is returned unchanged.
    """
    letters = [c for c in title if c.isalpha()]
    if len(title.split()) < 2 or not letters:
        return title
    upper = all(c.isupper() for c in letters)
    lower = all(c.islower() for c in letters)
    if not (upper or lower):
        return title
    position = 0
    head_end = title.find(":") if upper else -1  # an ALL-CAPS name before a colon stays so

    def fix(match: re.Match[str]) -> str:
        nonlocal position
        word = match.group(0)
        if match.end() <= head_end and word.casefold() not in ACRONYMS:
            position += 1
            return word
        first = position == 0 or title[: match.start()].rstrip().endswith((":", "—", "?", "!"))
        position += 1
        known = ACRONYMS.get(word.casefold())
        if known is not None:
            return known
        if not first and word.casefold() in _SMALL:
            return word.lower()
        return word[:1].upper() + word[1:].lower()

    return _WORD.sub(fix, title)


_AUTHOR_SPLIT = re.compile(r",|;|\band\b|&")
_ET_AL = re.compile(r"\bet\.? al\.?", re.IGNORECASE)
YEAR_ONLY = re.compile(r"^\s*(?:19|20)\d{2}\s*$")


def split_authors(cell: str) -> list[str]:
    """`A. One, B. Two and C. Three et al.` -> the three names (a trailing year left out)."""
    names = _AUTHOR_SPLIT.split(_ET_AL.sub("", plain_text(cell)))
    cleaned = (" ".join(name.split()).strip(" .*") for name in names)
    return [n for n in cleaned if n and not YEAR_ONLY.match(n)]  # `A. One, B. Two, 2023`
