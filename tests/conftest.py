"""Shared fixtures: a small catalog written into a temp folder, one record at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from catalog.records import dump_record

# The site's browser fixtures (one chromium, one built site per session) for tests/test_site*.
pytest_plugins = ["site_support"]

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

CONFIG = """\
title: Awesome-Test
description: A test catalog.
intro: Papers for tests.
repo_url: https://github.com/example/awesome-test
site_url: https://example.github.io/awesome-test/
sections:
  - id: pioneering
    title: The pioneering paper
  - id: surveys
    title: Surveys
  - id: papers
    title: Papers
  - id: packages
    title: Packages
    text: "- [PEFT](https://github.com/huggingface/peft)"
"""

VENUES = """\
arXiv:
  full_name: arXiv preprint
  kind: preprint
ICLR:
  full_name: International Conference on Learning Representations
  kind: conference
ICML:
  full_name: International Conference on Machine Learning
  kind: conference
NeurIPS:
  full_name: Conference on Neural Information Processing Systems
  kind: conference
  aliases: [NIPS]
"""

KEYWORDS = """\
Robust Fine-Tuning:
  aliases: [robust finetuning]
Federated Learning: {}
Quantization: {}
Pioneering Paper: {}
"""


def record(**fields: Any) -> dict[str, Any]:
    """A valid record's fields; keyword arguments override or add (None removes)."""
    base: dict[str, Any] = {
        "title": "LoRA: Low-Rank Adaptation of Large Language Models",
        "year": 2022,
        "venue": "ICLR",
        "links": {"paper": "https://arxiv.org/abs/2106.09685"},
        "keywords": ["Pioneering Paper"],
        "added": dt.date(2024, 7, 12),
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


@dataclass
class CatalogDir:
    """A data folder under tmp_path with the test registries; `add` writes records."""

    path: Path

    @property
    def papers(self) -> Path:
        return self.path / "papers"

    def add(
        self, paper_id: str, content: str | dict[str, Any] | None = None, **fields: Any
    ) -> Path:
        """Write papers/<id>.yaml from raw text, a fields dict, or `record(**fields)`."""
        target = self.papers / f"{paper_id}.yaml"
        if content is None:
            content = record(**fields)
        text = content if isinstance(content, str) else dump_record(content)
        target.write_text(text, encoding="utf-8")
        return target


@pytest.fixture
def catalog_dir(tmp_path: Path) -> CatalogDir:
    data = tmp_path / "data"
    (data / "papers").mkdir(parents=True)
    (data / "catalog.yaml").write_text(CONFIG, encoding="utf-8")
    (data / "venues.yaml").write_text(VENUES, encoding="utf-8")
    (data / "keywords.yaml").write_text(KEYWORDS, encoding="utf-8")
    return CatalogDir(data)
