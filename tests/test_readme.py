"""README rendering: golden output, hostile text, the size budget and determinism."""

from __future__ import annotations

import datetime as dt
import difflib
import html
import os
import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CONFIG, CatalogDir, record
from markdown_it import MarkdownIt

from catalog.model import CatalogConfig, Paper
from catalog.render import markdown as md
from catalog.render.commands import SETUP_COMMAND, TEST_COMMAND
from catalog.render.facts_view import Count
from catalog.render.readme import GITHUB_LIMIT, README_BUDGET, _Page, compact, render_readme
from catalog.validate import load_catalog

GOLDEN = Path(__file__).resolve().parent / "golden" / "README.md"
HOSTILE_TITLES = [
    "Pipes | in | the | title",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![img](https://evil.example/x.png) and [ref][1]",
    "*emph* _under_ **strong** `code` ~~strike~~",
    "Visit https://evil.example/x and www.evil.example",
    "Math $x^2$ with \\| backslash-pipe and a trailing backslash \\",
    "&lt;already escaped&gt; &amp; <b>bold</b>",
    "Many   spaces   and\u00a0a no-break space",
    "# not a heading > not a quote",
    "mail me at evil@example.com",
]
HOSTILE_KEYWORD = "Key|word <i>x</i> *y*"


def config(**overrides: Any) -> CatalogConfig:
    data = yaml.safe_load(CONFIG)
    data.update(overrides)
    return CatalogConfig.model_validate(data)


def paper(paper_id: str, **fields: Any) -> Paper:
    return Paper.model_validate({"id": paper_id, **record(**fields)})


def fill_golden(catalog_dir: CatalogDir) -> None:
    catalog_dir.add(
        "lora",
        links={
            "paper": "https://arxiv.org/abs/2106.09685",
            "code": "https://github.com/microsoft/LoRA",
        },
        sections=["pioneering", "papers"],
    )
    catalog_dir.add(
        "qlora",
        title="QLoRA: Efficient Finetuning of Quantized LLMs",
        year=2023,
        venue="NIPS",
        links={"paper": "https://arxiv.org/abs/2305.14314"},
        keywords=["Quantization", "robust finetuning"],
    )
    catalog_dir.add(
        "fedlora",
        title="FedLoRA: Federated Low-Rank Adaptation | with <pipes> & *stars*",
        year=2024,
        venue="arXiv",
        links={
            "paper": "https://arxiv.org/pdf/2401.00001",
            "code": "https://github.com/example/fed_lora",
        },
        keywords=["Federated Learning"],
    )
    catalog_dir.add(
        "survey",
        title="A Survey on LoRA",
        year=2024,
        venue="arXiv",
        links={"paper": "https://arxiv.org/abs/2407.11046"},
        keywords=[],
        sections=["surveys"],
    )
    catalog_dir.add(
        "adalora",
        title="AdaLoRA: Adaptive Budget Allocation",
        year=2023,
        venue="ICLR",
        links={"paper": "https://openreview.net/forum?id=lq62uWRJjiY"},
        keywords=["Robust Fine-Tuning"],
    )


def test_golden_readme(catalog_dir: CatalogDir) -> None:
    """Regenerate on purpose with UPDATE_GOLDEN=1, then review the diff in git."""
    fill_golden(catalog_dir)
    catalog = load_catalog(catalog_dir.path)
    assert not catalog.diagnostics
    assert catalog.config is not None
    text = render_readme(catalog.papers, catalog.config)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8", newline="\n")
    expected = GOLDEN.read_text(encoding="utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            text.splitlines(keepends=True),
            "tests/golden/README.md",
            "rendered",
        )
        pytest.fail(
            "README differs from the golden file (UPDATE_GOLDEN=1 to accept):\n" + "".join(diff)
        )


def test_readme_layout() -> None:
    papers = [
        paper("old", title="Old", year=2020, sections=["papers"]),
        paper("b-new", title="b second", year=2024, sections=["papers"]),
        paper("a-new", title="A first", year=2024, sections=["papers"]),
    ]
    text = render_readme(papers, config())
    titles = re.findall(r"^\| \d{4} \| \*\*(.+?)\*\*", text, flags=re.MULTILINE)
    assert titles == ["A first", "b second", "Old"]  # newest year first, then title
    assert "**3** papers" in text
    assert "## Contents" in text and "- [Surveys](#surveys)" in text
    assert (
        "- [Packages](#packages)" in text
        and "- [PEFT](https://github.com/huggingface/peft)" in text
    )
    assert text.count("No papers yet.") == 2  # pioneering, surveys: no papers and no text
    assert "(https://example.github.io/awesome-test/keywords/pioneering-paper/) (3)" in text
    assert f"```sh\n{SETUP_COMMAND}\n```" in text and f"```sh\n{TEST_COMMAND}\n```" in text
    assert "[CONTRIBUTING.md](CONTRIBUTING.md)" in text


def test_paper_in_two_sections_links_once() -> None:
    """awesome-lint rejects a URL linked twice: the second listing points back up."""
    lora = paper(
        "lora",
        links={"paper": "https://arxiv.org/abs/2106.09685", "code": "https://github.com/m/LoRA"},
        sections=["pioneering", "papers"],
    )
    text = render_readme([lora], config())
    assert text.count("(https://arxiv.org/abs/2106.09685)") == 1
    assert text.count("(https://github.com/m/LoRA)") == 1
    papers_table = text.split("## Papers", 1)[1]
    assert "(above)" in papers_table


def test_without_site_url_keywords_are_plain_text() -> None:
    text = render_readme([paper("lora")], config(site_url=None))
    assert "Pioneering Paper (1)" in text
    assert "keywords/" not in text


def _render_html(text: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def _title_cells(rendered: str) -> list[str]:
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, flags=re.DOTALL)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.DOTALL) for row in rows]
    return [row[1] for row in cells if row]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_title_stays_plain_text(title: str) -> None:
    hostile = paper("hostile", title=title, keywords=[], sections=["papers"])
    text = render_readme([hostile], config())
    row = next(line for line in text.splitlines() if line.startswith("| 2022"))
    unescaped_pipes = re.findall(r"(?<!\\)\|", row)
    assert len(unescaped_pipes) == 7, row  # six cells, whatever the title holds
    assert "<script" not in text and "<b>" not in text
    assert not re.search(r"(?<!\\)\]\(javascript", text)
    title_md = row.split("**")[1]
    assert not re.search(r"(?<!\\)://", title_md) and not re.search(r"(?i)www\.", title_md)

    rendered = _render_html(text)
    [cell] = _title_cells(rendered)
    assert cell.startswith("<strong>") and cell.endswith("</strong>")
    inner = cell.removeprefix("<strong>").removesuffix("</strong>")
    assert not re.search(r"<(?!/?strong)", inner.replace("&lt;", "")), inner  # no other tags
    assert html.unescape(inner) == " ".join(title.split())


def test_hostile_keyword_and_venue() -> None:
    hostile = paper("hostile", venue="Ven|ue <u>", keywords=[HOSTILE_KEYWORD], sections=["papers"])
    text = render_readme([hostile], config())
    row = next(line for line in text.splitlines() if line.startswith("| 2022"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 7
    rendered = _render_html(text)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rendered)
    assert html.unescape(cells[2]) == "Ven|ue <u>"
    assert html.unescape(cells[5]) == HOSTILE_KEYWORD
    keyword_link = re.search(r'<a href="([^"]*/keywords/[^"]*)">(.*?)</a>', rendered)
    assert keyword_link is not None
    assert html.unescape(keyword_link.group(2)) == HOSTILE_KEYWORD


def test_only_http_links_are_rendered() -> None:
    with pytest.raises(ValueError, match="non-http"):
        md.link_destination("javascript:alert(1)")
    with pytest.raises(ValueError, match="non-http"):
        md.link_destination("data:text/html,x")
    assert (
        md.link_destination("https://x.org/a b|c(d)<e>") == "https://x.org/a%20b%7Cc%28d%29%3Ce%3E"
    )
    links = paper("p", links={"paper": "https://x.org/a_(b)|c", "code": "http://y.org/*x*"})
    rendered = _render_html(render_readme([links], config()))
    hrefs = re.findall(r'href="([^"]*)"', rendered)
    assert all(h.startswith(("https://", "http://", "#", "CONTRIBUTING.md")) for h in hrefs)
    assert "https://x.org/a_%28b%29%7Cc" in hrefs and "http://y.org/*x*" in hrefs


def synthetic_papers(n: int, seed: int = 0) -> list[Paper]:
    """n valid papers with seed-list-like titles (30-150 characters), some non-ASCII."""
    rng = random.Random(seed)
    words = ["Low-Rank", "Adaptation", "Efficient", "Fine-Tuning", "Large", "Language", "Models",
             "for", "Vision", "Federated", "Quantized", "Mixture", "of", "Experts", "Über", "低秩"]  # fmt: skip
    papers = []
    for i in range(n):
        title = f"Method{i}: " + " ".join(rng.choice(words) for _ in range(rng.randint(3, 18)))
        links = {"paper": f"https://arxiv.org/abs/2{i // 10000:03d}.{i % 10000:05d}"}
        if i % 2:
            links["code"] = f"https://github.com/lab{i % 97}/method-{i}"
        papers.append(
            Paper.model_construct(
                id=f"method-{i}",
                title=title,
                year=rng.randint(2019, 2025),
                venue=rng.choice(["arXiv", "ICLR", "NeurIPS", "ICML"]),
                links=paper("x", links=links).links,
                keywords=rng.sample(
                    ["Quantization", "Federated Learning", "Robust Fine-Tuning"], 2
                ),
                sections=["papers"],
                added=dt.date(2024, 1, 1),
                authors=None,
                notes=None,
            )
        )
    return papers


def test_size_budget_on_10000_papers() -> None:
    papers = synthetic_papers(10_000)
    text = render_readme(papers, config())
    size = len(text.encode("utf-8"))
    assert size <= README_BUDGET < GITHUB_LIMIT
    shown = re.search(r"This table shows the newest ([\d,]+) of its 10,000 papers", text)
    assert shown is not None
    limit = int(shown.group(1).replace(",", ""))
    assert 500 < limit < 10_000
    # The rows shown are the first `limit` of the table order: newest year first, then title.
    ordered = sorted(papers, key=lambda p: (-p.year, p.title.casefold(), p.title, p.id))
    expected = ordered[:limit]
    ids_in_text = re.findall(r"\*\*Method(\d+)\\?:", text)
    assert ids_in_text == [p.id.removeprefix("method-") for p in expected]
    # K is the largest that fits: one more row per table passes the budget.
    page = _Page(ordered, config())
    assert page.render(limit) == text
    assert len(page.render(limit + 1).encode("utf-8")) > README_BUDGET
    assert "**10,000** papers" in text and "The site linked above lists them all." in text


def test_under_budget_nothing_is_cut() -> None:
    papers = synthetic_papers(200)
    text = render_readme(papers, config())
    assert "This table shows" not in text
    assert len(re.findall(r"^\| \d{4} ", text, flags=re.MULTILINE)) == 200
    small = render_readme(papers, config(), budget=len(text.encode()) - 1)
    assert "This table shows the newest 199 of its 200 papers" in small


def test_render_ignores_input_order() -> None:
    papers = synthetic_papers(300, seed=3)
    shuffled = papers[:]
    random.Random(1).shuffle(shuffled)
    assert render_readme(shuffled, config()) == render_readme(papers, config())


def test_url_linked_in_the_header_is_not_linked_again() -> None:
    repo = "https://github.com/example/awesome-test"
    badge = {"label": "Stars", "image": "https://img.example/s.svg", "link": repo}
    text = render_readme([paper("tool", links={"paper": repo + "/"})], config(badges=[badge]))
    assert text.count(f"]({repo})") == 1
    assert "(above)" in text


def stars_for(papers: list[Paper], day: str = "2026-11-30") -> dict[str, Count]:
    return {
        p.id: Count(1000 * i + 7, day, p.links.code or "https://github.com/x/y")
        for i, p in enumerate(papers)
    }


def test_stars_from_the_lockfile_show_as_numbers_not_badges() -> None:
    code = "https://github.com/microsoft/LoRA"
    papers = [
        paper("lora", links={"paper": "https://arxiv.org/abs/2106.09685", "code": code}),
        paper("nocode", title="No Code Here", links={"paper": "https://example.org/n"}),
    ]
    stars = {
        "lora": Count(10500, "2026-11-30", code),
        "nocode": Count(5, "2026-12-01", "https://github.com/a/b"),  # no code link: not shown
    }
    text = render_readme(papers, config(), stars=stars)
    assert f"[Link]({code}) ★ 10.5k |" in text
    assert "★ counts a code repository's GitHub stars, as of 2026-11-30." in text
    assert text.count("★") == 2 and "![" not in text.split("## Contents")[1]
    plain = render_readme(papers, config())
    assert "★" not in plain and plain.count("\n") == text.count("\n") - 1
    assert [compact(n) for n in (0, 999, 1000, 10500, 999_949, 999_950, 2_345_678)] == [
        "0", "999", "1k", "10.5k", "999.9k", "1M", "2.3M"
    ]  # fmt: skip


def test_stars_count_against_the_size_budget() -> None:
    papers = synthetic_papers(400, seed=5)
    stars = stars_for(papers)
    whole = render_readme(papers, config(), stars=stars)
    assert len(whole.encode()) > len(render_readme(papers, config()).encode())
    budget = len(whole.encode()) - 1
    cut = render_readme(papers, config(), stars=stars, budget=budget)
    assert len(cut.encode()) <= budget and "This table shows the newest" in cut
