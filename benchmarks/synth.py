"""Write a synthetic data folder of N realistic paper records, deterministic from a seed.

Benchmarks and scale tests need catalogs far larger than the real one (90 papers) with the
same shape: venues and keywords from the registries, one unique arXiv id per paper, code
links on half of the records, titles as long as the seed list's, and a known number of
planted duplicates (the same paper again under another arXiv URL form).

    python benchmarks/synth.py build/synth-10k -n 10000 --seed 0 --duplicates 100
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click
import yaml

from catalog.records import dump_record

REPO = Path(__file__).resolve().parent.parent
REGISTRY_DIR = REPO / "data"

# Title lengths (characters) of the 93 papers in the seed Awesome-LoRA README.
SEED_TITLE_LENGTHS = (
    33, 39, 40, 41, 42, 43, 43, 43, 43, 43, 44, 49, 50, 50, 51, 51, 51, 51, 51, 52, 54, 54, 55,
    55, 56, 56, 57, 57, 58, 58, 58, 60, 61, 63, 64, 65, 66, 66, 66, 67, 68, 69, 69, 70, 71, 71,
    71, 72, 72, 73, 73, 75, 75, 75, 75, 75, 77, 77, 78, 78, 80, 80, 82, 83, 83, 83, 83, 83, 85,
    87, 89, 89, 89, 90, 91, 92, 96, 99, 99, 101, 101, 102, 102, 103, 105, 111, 111, 115, 117,
    121, 123, 124, 144,
)  # fmt: skip

_PREFIXES = (
    "Ada", "Auto", "Bayes", "Co", "Delta", "Dora", "Dyn", "Fed", "Flex", "Hydra", "Inf", "Lo",
    "Mo", "Multi", "Nola", "Pi", "Q", "Ro", "Sparse", "Tied", "Vera", "X", "Zero", "Meta",
)  # fmt: skip
_SUFFIXES = ("LoRA", "Lora", "RA", "Adapter", "LoRA-XS", "LoRA+", "LoRA-GA", "Rank", "Tune")
_WORDS = (
    "Low-Rank", "Adaptation", "Efficient", "Fine-Tuning", "of", "Large", "Language", "Models",
    "for", "Parameter-Efficient", "with", "Vision", "Transformers", "Diffusion", "via",
    "Federated", "Learning", "Quantized", "Mixture", "Experts", "Continual", "Robust", "Sparse",
    "Structured", "Pruning", "Gradient", "Approximation", "and", "in", "the", "Wild", "Speech",
    "Recognition", "Multi-Task", "Knowledge", "Distillation", "Subspace", "Tensor", "Decomposition",
    "Adapters", "Scaling", "Memory", "Training", "Inference", "Personalized", "Heterogeneous",
    "Rank", "Allocation", "Dynamic", "Singular", "Value", "Composition", "Retrieval",
)  # fmt: skip
_FIRST = ("Wei", "Yu", "Anna", "Luca", "Maria", "Hiro", "Sara", "Omar", "Chen", "Ivan", "Lea")
_LAST = ("Zhang", "Li", "Rossi", "Kim", "Müller", "García", "Tanaka", "Novak", "Singh", "Ng")
_OLDEST, _NEWEST = 2019, 2026  # arXiv id years; all within the model's allowed range
_ADDED_FROM = dt.date(2024, 1, 1)
MARKER = ".synth.json"  # written last; --force deletes only folders that carry it


@dataclass
class SynthInfo:
    """What was written: counts, and which files are the planted duplicates of which."""

    root: str
    papers: int  # record files written, duplicates included
    unique: int  # distinct papers (distinct arXiv ids)
    duplicates: int  # planted duplicate records, one per duplicated paper
    duplicate_pairs: list[tuple[str, str]] = field(default_factory=list)  # (original, copy)
    seed: int = 0

    def as_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def default_duplicates(n: int) -> int:
    """One percent of the records, as a real list that grows by pull requests might have."""
    return n // 100


def clean_catalog(work: Path, n: int) -> Path:
    """work/data-<n>: n records without duplicates (seed 0), written unless an earlier run
    left that folder whole (its marker is written last). site_bench and stage_instructions
    share these folders."""
    root = work / f"data-{n}"
    if not (root / MARKER).is_file():
        shutil.rmtree(root, ignore_errors=True)
        write_catalog(root, n, seed=0, duplicates=0)
    return root


def write_catalog(
    root: Path,
    n: int,
    seed: int = 0,
    duplicates: int | None = None,
    registry_dir: Path = REGISTRY_DIR,
) -> SynthInfo:
    """Write a data folder at `root` (must not exist or be empty) with `n` record files.

    `duplicates` of the n files (default 1%) repeat an earlier paper under another arXiv URL
    form (abs vs pdf, with a version, with .pdf), each duplicating a different paper.
    """
    dups = default_duplicates(n) if duplicates is None else duplicates
    if n < 0 or not 0 <= dups <= n // 2:
        raise ValueError(f"need 0 <= duplicates <= n/2, got n={n}, duplicates={dups}")
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} exists and is not empty; refusing to write over it")
    papers_dir = root / "papers"
    papers_dir.mkdir(parents=True, exist_ok=True)

    config_text, sections = _config(registry_dir)
    venues_text = (registry_dir / "venues.yaml").read_text(encoding="utf-8")
    keywords_text = _keywords_text(registry_dir)
    (root / "catalog.yaml").write_text(config_text, encoding="utf-8")
    (root / "venues.yaml").write_text(venues_text, encoding="utf-8")
    (root / "keywords.yaml").write_text(keywords_text, encoding="utf-8")
    venues = sorted(yaml.safe_load(venues_text) or {})
    keywords = sorted(yaml.safe_load(keywords_text) or {})

    rng = random.Random(seed)
    unique = n - dups
    records = [_record(rng, i, unique, venues, keywords, sections) for i in range(unique)]
    with_code = set(rng.sample(range(unique), unique // 2))
    for i in with_code:
        records[i][1]["links"]["code"] = f"https://github.com/{_slug(rng)}/{records[i][0]}"

    pairs = []
    for i in sorted(rng.sample(range(unique), dups)):
        original_id, fields = records[i]
        copy = json.loads(json.dumps(fields, default=str))  # deep copy; dates become strings
        copy["added"] = fields["added"] + dt.timedelta(days=rng.randint(1, 200))
        copy["links"]["paper"] = _other_form(rng, fields["links"]["paper"])
        if rng.random() < 0.5:
            copy["title"] = fields["title"].lower()
        pairs.append((original_id, f"{original_id}-dup"))
        records.append((f"{original_id}-dup", copy))

    for paper_id, fields in records:
        (papers_dir / f"{paper_id}.yaml").write_text(dump_record(fields), encoding="utf-8")
    info = SynthInfo(str(root), len(records), unique, dups, pairs, seed)
    (root / MARKER).write_text(info.as_json(), encoding="utf-8")  # last: the folder is complete
    return info


def _config(registry_dir: Path) -> tuple[str, list[str]]:
    """The registry's catalog.yaml and the ids of its sections that list papers."""
    text = (registry_dir / "catalog.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    sections = [s["id"] for s in data["sections"] if not s.get("text")]
    return text, sections


def _keywords_text(registry_dir: Path) -> str:
    """The registry's keywords when it has some; else a generated registry (until imported)."""
    path = registry_dir / "keywords.yaml"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if yaml.safe_load(text):
            return text
    rng = random.Random(1)
    names = sorted({" ".join(rng.sample(_WORDS[:50], 2)).title() for _ in range(150)})
    return "".join(f"{name}: {{}}\n" for name in names)


def _record(
    rng: random.Random,
    index: int,
    unique: int,
    venues: list[str],
    keywords: list[str],
    sections: list[str],
) -> tuple[str, dict[str, Any]]:
    """The index-th unique paper: its id and its fields."""
    arxiv_id = _arxiv_id(index, unique)
    year = 2000 + int(arxiv_id[:2])
    venue = "arXiv" if "arXiv" in venues and rng.random() < 0.6 else rng.choice(venues)
    if venue != "arXiv" and rng.random() < 0.5:
        year = min(year + 1, _NEWEST)
    title, acronym = _title(rng)
    form = rng.choice(("abs", "pdf"))
    fields: dict[str, Any] = {
        "title": title,
        "year": year,
        "venue": venue,
        "links": {"paper": f"https://arxiv.org/{form}/{arxiv_id}"},
        "keywords": rng.sample(keywords, min(len(keywords), rng.choice((0, 1, 2, 2, 3)))),
        "added": _ADDED_FROM + dt.timedelta(days=rng.randrange(900)),
    }
    if rng.random() < 0.1:
        fields["links"]["project"] = f"https://{acronym.lower()}.github.io/"
    if sections and ("papers" not in sections or rng.random() < 0.02):
        fields["sections"] = [rng.choice(sections)]
    if rng.random() < 0.3:
        fields["authors"] = [
            f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(rng.randint(1, 6))
        ]
    slug = "".join(c if c.isalnum() else "-" for c in acronym.lower()).strip("-")
    return f"{slug}-{arxiv_id.replace('.', '-')}", fields


def _arxiv_id(index: int, unique: int) -> str:
    """Distinct ids spread over the years: month by month, then a 5-digit serial number."""
    months = (_NEWEST - _OLDEST + 1) * 12
    month = index % months
    serial = index // months + 1
    return f"{_OLDEST % 100 + month // 12:02d}{month % 12 + 1:02d}.{serial:05d}"


def _title(rng: random.Random) -> tuple[str, str]:
    """A title of a length drawn from the seed's, shaped 'AcroLoRA: Words ...'."""
    target = rng.choice(SEED_TITLE_LENGTHS)
    acronym = rng.choice(_PREFIXES) + rng.choice(_SUFFIXES)
    words = [f"{acronym}:"]
    while len(" ".join(words)) < target:
        words.append(rng.choice(_WORDS))
    title = " ".join(words)
    if len(title) > target + 4 and len(words) > 2:
        title = " ".join(words[:-1])
    return title, acronym


def _slug(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST).lower()}{rng.choice(_LAST).lower()}{rng.randrange(100)}"


def _other_form(rng: random.Random, url: str) -> str:
    """The same arXiv paper under another URL: abs<->pdf, a version suffix or '.pdf'."""
    arxiv_id = url.rsplit("/", 1)[1]
    form = "pdf" if "/abs/" in url else "abs"
    return rng.choice(
        (
            f"https://arxiv.org/{form}/{arxiv_id}",
            f"https://arxiv.org/abs/{arxiv_id}v{rng.randint(1, 3)}",
            f"https://arxiv.org/pdf/{arxiv_id}v{rng.randint(1, 3)}.pdf",
            f"http://www.arxiv.org/{form}/{arxiv_id}",
        )
    )


@click.command()
@click.argument("root", type=click.Path(path_type=Path, file_okay=False))
@click.option("-n", "--papers", "n", type=click.IntRange(min=0), default=1000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--duplicates", type=click.IntRange(min=0), default=None, help="Default: 1% of n.")
@click.option("--force", is_flag=True, help="Replace ROOT if an earlier run of this wrote it.")
@click.option("--json", "as_json", is_flag=True, help="Print the full info as JSON.")
def main(root: Path, n: int, seed: int, duplicates: int | None, force: bool, as_json: bool) -> None:
    """Write a synthetic data folder with N records (duplicates included) at ROOT."""
    if force and root.exists():
        if not (root / MARKER).is_file():
            click.echo(f"error: {root} is not a synthetic catalog; refusing to delete it", err=True)
            sys.exit(1)
        shutil.rmtree(root)
    try:
        info = write_catalog(root, n, seed, duplicates)
    except (ValueError, FileExistsError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(info.as_json())
    else:
        click.echo(
            f"wrote {info.papers} records ({info.unique} papers, {info.duplicates} planted "
            f"duplicates) to {info.root}"
        )


if __name__ == "__main__":
    main()
