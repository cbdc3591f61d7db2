"""Topics: the catalog's browsable taxonomy (data/topics.yaml) and the records' `topics`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import CatalogDir, record

from catalog.cli import main
from catalog.records import dump_record
from catalog.render.readme import render_readme
from catalog.validate import load_catalog

TOPICS = """\
# the taxonomy
quantization:
  name: Quantization
  description: LoRA on low-bit models.
federated:
  name: Federated learning
  description: LoRA across clients that keep their data.
  aliases: [federated-learning]
vision:
  name: Vision
  description: Vision transformers and vision-language models.
"""


def with_topics(catalog_dir: CatalogDir, text: str = TOPICS) -> CatalogDir:
    (catalog_dir.path / "topics.yaml").write_text(text, encoding="utf-8")
    return catalog_dir


def problems(catalog_dir: CatalogDir) -> list[tuple[str, int, int, str, str | None]]:
    return [
        (Path(d.path).name, d.line, d.column, d.code, d.hint)
        for d in load_catalog(catalog_dir.path).diagnostics
    ]


def test_topics_validate_and_canonicalize(catalog_dir: CatalogDir) -> None:
    with_topics(catalog_dir)
    catalog_dir.add("qlora", topics=["Quantization", "federated-learning", "quantization"])
    catalog = load_catalog(catalog_dir.path)
    assert catalog.diagnostics == []
    (paper,) = catalog.papers
    assert paper.topics == ["quantization", "federated"]
    assert list(catalog.topics.entries) == ["quantization", "federated", "vision"]
    assert catalog.topics.entries["federated"].name == "Federated learning"


def test_unknown_topic_says_did_you_mean_at_its_item(catalog_dir: CatalogDir) -> None:
    with_topics(catalog_dir)
    catalog_dir.add("qlora", topics=["vision", "quantisation"])
    text = (catalog_dir.papers / "qlora.yaml").read_text(encoding="utf-8")
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("topics:"))
    column = text.splitlines()[line_no - 1].index("quantisation") + 1
    assert problems(catalog_dir) == [
        ("qlora.yaml", line_no, column, "unknown-topic", "did you mean 'quantization'?")
    ]
    assert load_catalog(catalog_dir.path).papers == []


def test_empty_topics_is_an_error_where_the_catalog_declares_topics(
    catalog_dir: CatalogDir,
) -> None:
    with_topics(catalog_dir)
    text = dump_record(record(topics=["vision"])).replace("topics: [vision]", "topics: []")
    path = catalog_dir.add("qlora", text)
    [(name, line, _, code, hint)] = problems(catalog_dir)
    assert (name, code) == ("qlora.yaml", "empty-topics")
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].startswith("topics: []")
    assert hint is not None and "federated" in hint and "topics.yaml" in hint


def test_a_record_without_the_field_is_left_to_the_report(catalog_dir: CatalogDir) -> None:
    """New and imported records arrive without topics: valid, with an empty list."""
    with_topics(catalog_dir)
    catalog_dir.add("lora")
    catalog = load_catalog(catalog_dir.path)
    assert catalog.diagnostics == []
    assert catalog.papers[0].topics == []


def test_a_catalog_without_topics_yaml_still_works(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    catalog_dir.add(
        "empty",
        dump_record(record(title="Other", links={"paper": "https://arxiv.org/abs/2402.00001"}))
        + "topics: []\n",
    )
    catalog = load_catalog(catalog_dir.path)
    assert catalog.diagnostics == []
    assert len(catalog.topics) == 0
    assert [p.topics for p in catalog.papers] == [[], []]
    assert catalog.config is not None
    readme = render_readme(catalog.papers, catalog.config, topics=catalog.topics.entries)
    assert "## Topics" not in readme and "(#topics)" not in readme


def test_naming_a_topic_without_a_taxonomy_says_where_to_add_it(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora", topics=["foundations"])
    [(_, _, _, code, hint)] = problems(catalog_dir)
    assert (code, hint) == ("unknown-topic", "add it to data/topics.yaml")


def test_bad_topic_entries_are_reported_at_their_line(catalog_dir: CatalogDir) -> None:
    with_topics(
        catalog_dir,
        "good:\n  name: Good\n  description: fine.\n"
        "Bad Topic:\n  name: Bad\n  description: not an id.\n"
        "index:\n  name: Index\n  description: the folder page's name.\n"
        "nameless:\n  description: no name.\n",
    )
    found = {(name, line, code) for name, line, _, code, _ in problems(catalog_dir)}
    assert found == {
        ("topics.yaml", 4, "bad-topic-id"),
        ("topics.yaml", 7, "bad-topic-id"),
        ("topics.yaml", 11, "missing-field"),  # the entry that lacks `name`
    }


def test_readme_lists_topics_with_counts_in_registry_order(catalog_dir: CatalogDir) -> None:
    with_topics(catalog_dir)
    catalog_dir.add("a", title="A", topics=["vision", "quantization"])
    catalog_dir.add(
        "b", title="B", links={"paper": "https://arxiv.org/abs/2402.00002"}, topics=["vision"]
    )
    catalog = load_catalog(catalog_dir.path)
    assert catalog.diagnostics == [] and catalog.config is not None
    readme = render_readme(catalog.papers, catalog.config, topics=catalog.topics.entries)
    site = "https://example.github.io/awesome-test/"
    section = readme.split("## Topics\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("[")]
    assert lines == [
        f"[Quantization]({site}topics/quantization/) (1) ·",
        f"[Vision]({site}topics/vision/) (2)",
    ]  # federated has no papers: no link to an empty page
    contents = readme.split("## Contents\n", 1)[1].split("\n## ", 1)[0]
    assert contents.index("(#topics)") < contents.index("(#keywords)")


def test_writer_puts_topics_after_keywords() -> None:
    text = dump_record(
        {
            "title": "T",
            "year": 2024,
            "venue": "arXiv",
            "links": {"paper": "https://x.org/p"},
            "added": "2024-01-01",
            "topics": ["vision"],
            "keywords": ["K"],
        }
    )
    keys = [line.split(":")[0] for line in text.splitlines()[1:] if not line.startswith(" ")]
    assert keys.index("topics") == keys.index("keywords") + 1


def test_writer_leaves_out_an_empty_topics_list() -> None:
    """`topics: []` is an error where topics are declared: new and import never write it."""
    assert "topics" not in dump_record(record(topics=[]))


def test_new_takes_topics_and_refuses_unknown_ones(catalog_dir: CatalogDir) -> None:
    with_topics(catalog_dir)
    flags = ["new", "--data", str(catalog_dir.path), "--title", "QLoRA-ish", "--year", "2024"]
    flags += ["--paper", "https://arxiv.org/abs/2405.00001"]
    refused = CliRunner().invoke(main, [*flags, "--topic", "quantisation"])
    assert refused.exit_code == 1
    assert "unknown topic 'quantisation' (did you mean 'quantization'?)" in refused.output
    assert list(catalog_dir.papers.iterdir()) == []
    added = CliRunner().invoke(main, [*flags, "--topic", "Quantization", "--topic", "vision"])
    assert added.exit_code == 0, added.output
    (path,) = catalog_dir.papers.iterdir()
    assert "topics: [quantization, vision]" in path.read_text(encoding="utf-8")
    assert load_catalog(catalog_dir.path).diagnostics == []
