"""The records' links as check-links reads them: the quick event walk gives exactly what the
exact path (`read_yaml` + `record_links`) gives, and hands every unusual file to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.links.read import quick_links, record_links
from catalog.load import max_file_bytes, read_yaml

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


def _exact(path: Path) -> tuple[list[object], list[str]] | None:
    source, problems = read_yaml(path, follow_symlinks=False)
    if problems:
        return None
    found, errors = record_links(source, path.stem)
    return list(found), [e.code for e in errors]


@pytest.mark.parametrize("text", PLAIN)
def test_a_plain_record_is_read_quickly_as_the_exact_path_reads_it(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "rec.yaml"
    path.write_text(text, encoding="utf-8")
    quick = quick_links(path, max_file_bytes())
    assert quick is not None and quick == _exact(path)[0]  # type: ignore[index]
    assert all(ref.record == "rec" and ref.path == str(path) for _url, ref in quick)


@pytest.mark.parametrize("text", UNUSUAL)
def test_an_unusual_record_goes_to_the_exact_path(tmp_path: Path, text: str) -> None:
    path = tmp_path / "rec.yaml"
    path.write_text(text, encoding="utf-8")
    assert quick_links(path, max_file_bytes()) is None


def test_an_unreadable_or_oversized_file_goes_to_the_exact_path(tmp_path: Path) -> None:
    path = tmp_path / "rec.yaml"
    path.write_bytes(b"links:\n  paper: https://x.org/\xff\n")
    assert quick_links(path, max_file_bytes()) is None
    path.write_text(HEAD + "links:\n  paper: https://x.org/a\n", encoding="utf-8")
    assert quick_links(path, 10) is None
    assert quick_links(tmp_path / "missing.yaml", max_file_bytes()) is None
