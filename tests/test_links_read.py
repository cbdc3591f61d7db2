"""The records' links as check-links reads them: a plainly written record, read line by line
(catalog/yaml_lines.py), gives exactly the links, lines, columns and errors that the C loader's
reading gives, and every unusual record reads as the loader reads it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import catalog.yaml_lines
from catalog.diagnostics import Diagnostic
from catalog.links.collect import LinkRef
from catalog.links.read import read_links
from catalog.yaml_lines import UNSURE
from tests.conftest import REPO

HEAD = "title: A Title\nyear: 2022\nvenue: ICLR\n"
PLAIN = [
    HEAD + "links:\n  paper: https://arxiv.org/abs/2106.09685\n",
    HEAD + "links:\n  paper: 'https://x.org/a'\n  code: \"https://github.com/a/b\"\n",
    "# a comment\n" + HEAD + "links: {paper: https://x.org/a, project: https://x.org/p}\n",
    "links:\n    code: https://github.com/a/b\n    paper: https://x.org/a?q=1#f\n" + HEAD,
    HEAD + "links:\n  paper: https://x.org/a\nkeywords: [A, B]\nnotes: |\n  links:\n    x\n",
    HEAD + "authors:\n  - A\n  - {name: B}\nlinks:\n  paper: http://127.0.0.1:8080/p\n",
    "\ufeff" + HEAD + "links:\n  paper: https://x.org/a\nadded: 2024-07-12\n",
]
UNUSUAL = [
    "",  # empty
    "- a list\n",
    HEAD,  # no links
    HEAD + "links: https://x.org/a\n",
    HEAD + "links:\n  paper: https://x.org/a\n  code: null\n",
    HEAD + "links:\n  paper: https://x.org/a\n  code: ~\n",
    HEAD + "links:\n  paper: 2022\n",
    HEAD + "links:\n  paper: [https://x.org/a]\n",
    HEAD + "links:\n  paper: https://x.org/a\n  cod: https://x.org/b\n",
    HEAD + "links:\n  code: https://x.org/a\n",  # no paper
    HEAD + "links:\n  paper: https//x.org/a\n",  # not a URL
    HEAD + "links:\n  paper: https://x.org/a b\n",
    HEAD + "links:\n  paper: https://x.org/a\n  paper: https://x.org/b\n",  # repeated
    HEAD + "links:\n  paper: https://x.org/a\nlinks:\n  paper: https://x.org/b\n",
    HEAD + "links: &l\n  paper: https://x.org/a\nother: *l\n",  # anchor and alias
    HEAD + "links:\n  paper: !!str https://x.org/a\n",  # a tag
    HEAD + "links:\n  paper: https://x.org/a\nx: !custom 1\n",
    HEAD + "links:\n  paper: https://x.org/a\nx: " + "[" * 40 + "]" * 40 + "\n",  # deep
    HEAD + "links:\n  paper: https://x.org/a\n---\ntitle: two\n",  # two documents
    HEAD + "links:\n  paper: [unclosed\n",  # a syntax error
    HEAD + "links:\n  paper: >\n    https://x.org/a\n",  # a folded block
]


Read = tuple[list[tuple[str, list[tuple[str, LinkRef]]]], list[Diagnostic]]


def _read(data_dir: Path) -> Read:
    got: list[tuple[str, list[tuple[str, LinkRef]]]] = []
    errors = read_links(data_dir, lambda record, links: got.append((record, links)))
    return got, errors


def _both(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Read, Read]:
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "rec.yaml").write_text(text, encoding="utf-8")
    fast = _read(tmp_path)
    monkeypatch.setattr(catalog.yaml_lines, "read_plain", lambda _text: catalog.yaml_lines.UNSURE)
    return fast, _read(tmp_path)


@pytest.mark.parametrize("text", PLAIN)
def test_a_plain_record_gives_the_links_the_loader_gives(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, exact = _both(tmp_path, text, monkeypatch)
    assert fast == exact
    [(record, links)], errors = fast
    assert record == "rec" and links and not errors
    for url, ref in links:
        line = text.lstrip("\ufeff").splitlines()[ref.line - 1]
        assert url in line and line.index(url) + 1 >= ref.column - 1  # the URL is on its line


@pytest.mark.parametrize("text", UNUSUAL)
def test_an_unusual_record_reads_as_the_loader_reads_it(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, exact = _both(tmp_path, text, monkeypatch)
    assert fast == exact


def test_an_undecodable_or_oversized_record_is_an_error_at_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "bad.yaml").write_bytes(b"links:\n  paper: https://x.org/\xff\n")
    (papers / "big.yaml").write_text(HEAD + "links:\n  paper: https://x.org/a\n", "utf-8")
    monkeypatch.setenv("CATALOG_MAX_FILE_BYTES", "40")
    got, errors = _read(tmp_path)
    assert got == []
    assert [(Path(e.path).name, e.severity) for e in errors] == [
        ("bad.yaml", "error"),
        ("big.yaml", "error"),
    ]


def test_most_plain_records_take_the_line_reader() -> None:
    """Else the tests above would compare the loader with itself."""
    fast = [text for text in PLAIN if catalog.yaml_lines.read_plain(text) is not UNSURE]
    assert len(fast) >= 4


def test_the_reader_builds_none_of_the_catalogs_classes(catalog_dir: Any) -> None:
    """A link check's reader needs the link slots and the records' folder, not the Catalog
    container (whose dataclasses cost its start-up): catalog.layout names both. Nor does it
    import dataclasses at all (with inspect, ~10 ms of the reading child's start)."""
    catalog_dir.add("a", links={"paper": "https://example.org/a"})
    probe = (
        "import sys\nfrom pathlib import Path\nfrom catalog.links.read import read_links\n"
        "found = []\nerrors = read_links(Path(sys.argv[1]), lambda r, f: found.append(r))\n"
        "print(found, errors, 'catalog.catalog' in sys.modules, 'dataclasses' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(catalog_dir.path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    assert done.stdout.split() == ["['a']", "[]", "False", "False"]
