"""Time `find_groups` on synthetic catalogs built in memory (loading is not what is measured).

Each catalog has N papers with unique arXiv ids, code links shared by several papers, 1% planted
duplicates under another arXiv URL form, 0.5% re-added without any id (title + year only) and
look-alike titles (one title, many arXiv ids) that must stay apart. Target: 100,000 papers in
under a second.

    .venv/bin/python benchmarks/dedupe_bench.py            # 1k, 10k, 100k
    .venv/bin/python benchmarks/dedupe_bench.py -n 100000 --repeat 5
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

import click

from catalog.dedupe import find_groups
from catalog.model import Links, Paper

TARGET_SECONDS = 1.0


def synthetic_papers(n: int, seed: int = 0) -> tuple[list[Paper], int]:
    """N papers (duplicates included) and the number of duplicate groups planted."""
    rng = random.Random(seed)
    dups, idless = n // 100, n // 200
    unique = n - dups - idless
    papers: list[Paper] = []
    for i in range(unique):
        month = i % 96  # eight years of months, then the next serial number
        arxiv = f"{19 + month // 12:02d}{month % 12 + 1:02d}.{i // 96 + 1:05d}"
        title = f"Paper {i}: Low-Rank Adaptation Study" if i % 50 else "LoRA"  # look-alikes
        papers.append(
            _paper(
                f"p{i}",
                title,
                2019 + (i % 96) // 12,
                f"https://arxiv.org/{rng.choice(('abs', 'pdf'))}/{arxiv}",
                f"https://github.com/org{i % 500}/repo" if i % 2 else None,
            )
        )
    planted = rng.sample(range(unique), dups + idless)
    groups = 0
    for k, i in enumerate(planted):
        original = papers[i]
        if k < dups:
            arxiv = original.links.paper.rsplit("/", 1)[1]
            url = f"https://arxiv.org/pdf/{arxiv}v{rng.randint(1, 3)}.pdf"
            title = original.title.upper()
        else:
            url, title = f"https://example.org/mirror/{k}.pdf", original.title + "!"
        if original.title == "LoRA" and k >= dups:
            continue  # a bare look-alike title with no id matches nothing on purpose
        papers.append(_paper(f"d{k}", title, original.year + rng.choice((0, 1)), url, None))
        groups += 1
    rng.shuffle(papers)
    return papers, groups


def _paper(paper_id: str, title: str, year: int, url: str, code: str | None) -> Paper:
    links = Links.model_construct(paper=url, code=code, project=None)
    return Paper.model_construct(
        id=paper_id,
        title=title,
        year=year,
        venue="arXiv",
        links=links,
        keywords=[],
        sections=["papers"],
        added=dt.date(2024, 1, 1),
        authors=None,
        notes=None,
    )


@click.command()
@click.option("-n", "sizes", type=int, multiple=True, help="Catalog sizes (default 1k 10k 100k).")
@click.option("--repeat", type=int, default=3, show_default=True, help="Runs per size; best kept.")
def main(sizes: tuple[int, ...], repeat: int) -> None:
    """Print the time find_groups takes per catalog size, and whether 100k meets the target."""
    for n in sizes or (1_000, 10_000, 100_000):
        papers, planted = synthetic_papers(n)
        times = []
        groups = []
        for _ in range(repeat):
            start = time.perf_counter()
            groups = find_groups(papers)
            times.append(time.perf_counter() - start)
        best, median = min(times), statistics.median(times)
        members = sum(len(g.ids) for g in groups)
        if len(groups) != planted or members != 2 * planted:
            raise click.ClickException(f"found {len(groups)} groups, planted {planted}")
        verdict = ""
        if n >= 100_000:
            verdict = "  OK" if best < TARGET_SECONDS else f"  SLOW (target {TARGET_SECONDS} s)"
        click.echo(
            f"dedupe {n:>7} papers: best {best:.3f} s, median {median:.3f} s, "
            f"{len(groups)} groups ({members} records){verdict}"
        )


if __name__ == "__main__":
    main()
