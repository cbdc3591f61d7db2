"""`catalog new` against a fake arXiv API on 127.0.0.1 serving fixture Atom documents."""

from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from catalog.cli import main
from catalog.errors import CatalogError
from catalog.sources.arxiv import API_ENV, parse_arxiv_id
from tests.conftest import FIXTURES, CatalogDir

ATOM = FIXTURES / "arxiv"


def _fake_arxiv(request: Request) -> Response:
    """Like export.arxiv.org/api/query: the fixture for the id, else an empty feed."""
    arxiv_id = request.args.get("id_list", "")
    name = "error" if arxiv_id == "2106.0968" else arxiv_id
    path = ATOM / f"{name}.atom"
    body = path.read_bytes() if path.is_file() else (ATOM / "empty.atom").read_bytes()
    return Response(body, 200, content_type="application/atom+xml; charset=utf-8")


@pytest.fixture
def arxiv(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    httpserver.expect_request("/api/query").respond_with_handler(_fake_arxiv)
    monkeypatch.setenv(API_ENV, httpserver.url_for("/api/query"))
    return httpserver


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def files(catalog_dir: CatalogDir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(catalog_dir.papers.iterdir())}


def test_new_from_arxiv_writes_a_valid_record(catalog_dir: CatalogDir, arxiv: HTTPServer) -> None:
    result = run(
        "new", "--data", catalog_dir.path, "--arxiv", "arXiv:2106.09685v2",
        "--venue", "iclr", "--year", "2022", "--keyword", "robust finetuning",
        "--section", "pioneering", "--code", "https://github.com/microsoft/LoRA",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = catalog_dir.papers / "lora.yaml"
    assert result.output.strip() == f"wrote {path}"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../paper.schema.json\n")
    data = yaml.safe_load(text)
    assert data == {
        "title": "LoRA: Low-Rank Adaptation of Large Language Models",
        "year": 2022,
        "venue": "ICLR",
        "links": {
            "paper": "https://arxiv.org/abs/2106.09685",
            "code": "https://github.com/microsoft/LoRA",
        },
        "keywords": ["Robust Fine-Tuning"],
        "sections": ["pioneering"],
        "added": dt.date.today(),
        "authors": ["Edward J. Hu", "Yelong Shen", "Phillip Wallis", "Zeyuan Allen-Zhu"],
    }
    request = arxiv.log[0][0]
    assert request.args["id_list"] == "2106.09685"
    # An honest User-Agent naming the catalog (its repo_url), not a constant; no compression.
    assert request.headers["User-Agent"].endswith("(+https://github.com/example/awesome-test)")
    assert request.headers["Accept-Encoding"] == "identity"
    validated = run("validate", "--data", catalog_dir.path)
    assert validated.exit_code == 0, validated.output


def test_year_and_venue_default_to_arxiv(catalog_dir: CatalogDir, arxiv: HTTPServer) -> None:
    result = run("new", "--data", catalog_dir.path, "--arxiv", "2402.12354")
    assert result.exit_code == 0, result.output
    (path,) = catalog_dir.papers.iterdir()
    assert path.stem == "efficient-low-rank-adaptation"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["title"] == "Efficient Low Rank Adaptation of Large Models with Many Tasks"
    assert (data["year"], data["venue"]) == (2024, "arXiv")
    assert data["authors"] == ["Soufiane Hayou", "Nikhil Ghosh"]
    assert run("validate", "--data", catalog_dir.path).exit_code == 0


def test_repeat_is_refused_and_first_record_untouched(
    catalog_dir: CatalogDir, arxiv: HTTPServer
) -> None:
    assert run("new", "--data", catalog_dir.path, "--arxiv", "2106.09685").exit_code == 0
    before = files(catalog_dir)
    again = run("new", "--data", catalog_dir.path, "--arxiv", "2106.09685", "--venue", "ICML")
    assert again.exit_code == 1
    assert again.output.count("\n") == 1
    assert "already in the catalog as" in again.output
    assert str(catalog_dir.papers / "lora.yaml") in again.output
    assert "its page: https://example.github.io/awesome-test/papers/lora/" in again.output
    assert files(catalog_dir) == before


def test_same_paper_under_another_id_is_found_by_identity(
    catalog_dir: CatalogDir, arxiv: HTTPServer
) -> None:
    catalog_dir.add(
        "hu-2021",
        title="LoRA: Low-rank adaptation of large language models",
        links={"paper": "https://arxiv.org/pdf/2106.09685v1"},
    )
    before = files(catalog_dir)
    result = run("new", "--data", catalog_dir.path, "--arxiv", "2106.09685")
    assert result.exit_code == 1
    assert "hu-2021.yaml" in result.output
    assert files(catalog_dir) == before


def test_same_id_under_another_title_is_refused_as_a_conflict(
    catalog_dir: CatalogDir, arxiv: HTTPServer
) -> None:
    catalog_dir.add("corda", title="CorDA", links={"paper": "https://arxiv.org/abs/2106.09685"})
    before = files(catalog_dir)
    result = run("new", "--data", catalog_dir.path, "--arxiv", "2106.09685")
    assert result.exit_code == 1
    assert (
        "arxiv:2106.09685 is already" in result.output and "corda.yaml ('CorDA')" in result.output
    )
    assert files(catalog_dir) == before


def test_taken_slug_of_another_paper_gets_a_suffix(
    catalog_dir: CatalogDir, arxiv: HTTPServer
) -> None:
    catalog_dir.add(
        "lora", title="LoRA: Something Else", links={"paper": "https://example.org/lora.pdf"}
    )
    before = files(catalog_dir)
    result = run("new", "--data", catalog_dir.path, "--arxiv", "2106.09685")
    assert result.exit_code == 0, result.output
    assert (catalog_dir.papers / "lora-2.yaml").is_file()
    assert files(catalog_dir)["lora.yaml"] == before["lora.yaml"]


def test_api_down_is_a_clear_error(
    catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv(API_ENV, f"http://127.0.0.1:{port}/api/query")
    result = run("new", "--data", catalog_dir.path, "--arxiv", "2106.09685")
    assert result.exit_code == 1
    assert result.output == (
        f"error: could not reach the arXiv API at http://127.0.0.1:{port}/api/query "
        "(connection refused (after 1 try))\n"
    )
    assert files(catalog_dir) == {}


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (503, b"busy", "answered HTTP 503 (try again later)"),
        (200, b"Rate exceeded.", "did not answer with an Atom feed: 'Rate exceeded.'"),
    ],
)
def test_api_failures_write_nothing(
    catalog_dir: CatalogDir,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    body: bytes,
    message: str,
) -> None:
    httpserver.expect_request("/api/query").respond_with_data(body, status=status)
    monkeypatch.setenv(API_ENV, httpserver.url_for("/api/query"))
    result = run("new", "--data", catalog_dir.path, "--arxiv", "2106.09685")
    assert result.exit_code == 1
    assert message in result.output
    assert files(catalog_dir) == {}


@pytest.mark.parametrize(
    ("arxiv_id", "message"),
    [
        ("2106.99999", "error: arXiv has no paper with id 2106.99999\n"),
        ("2106.0968", "error: the arXiv API refused id '2106.0968': incorrect id format for"),
        ("lora", "error: 'lora' is not an arXiv id"),
    ],
)
def test_unknown_id_is_a_clear_error(
    catalog_dir: CatalogDir, arxiv: HTTPServer, arxiv_id: str, message: str
) -> None:
    result = run("new", "--data", catalog_dir.path, "--arxiv", arxiv_id)
    assert result.exit_code == 1
    assert result.output.startswith(message)
    assert files(catalog_dir) == {}


def test_unknown_names_are_refused_before_asking_arxiv(
    catalog_dir: CatalogDir, arxiv: HTTPServer
) -> None:
    result = run(
        "new", "--data", catalog_dir.path, "--arxiv", "2106.09685",
        "--venue", "NeurIPs2", "--keyword", "Quantisation", "--section", "nope",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "unknown venue 'NeurIPs2' (did you mean 'NeurIPS'?)" in result.output
    assert "unknown keyword 'Quantisation' (did you mean 'Quantization'?)" in result.output
    assert "unknown section 'nope'" in result.output
    assert arxiv.log == []
    assert files(catalog_dir) == {}


def test_new_from_flags(catalog_dir: CatalogDir) -> None:
    result = run(
        "new", "--data", catalog_dir.path, "--title", "QLoRA:  Efficient Finetuning",
        "--year", "2023", "--paper", "https://openreview.net/forum?id=OUIFPHEgJU",
        "--venue", "NIPS", "--author", "Tim Dettmers", "--keyword", "quantization",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((catalog_dir.papers / "qlora.yaml").read_text(encoding="utf-8"))
    assert data["title"] == "QLoRA: Efficient Finetuning"
    assert (data["venue"], data["keywords"], data["authors"]) == (
        "NeurIPS",
        ["Quantization"],
        ["Tim Dettmers"],
    )
    assert run("validate", "--data", catalog_dir.path).exit_code == 0


def test_flags_without_arxiv_need_title_year_paper(catalog_dir: CatalogDir) -> None:
    result = run("new", "--data", catalog_dir.path, "--title", "X: y")
    assert result.exit_code == 2
    assert "--year, --paper" in result.output
    assert files(catalog_dir) == {}


def test_bad_url_flag_is_refused_with_the_validators_message(catalog_dir: CatalogDir) -> None:
    result = run(
        "new", "--data", catalog_dir.path, "--title", "X: y", "--year", "2023",
        "--paper", "https//example.org/x",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "links.paper: expected an http(s) URL" in result.output
    assert "(hint: https://example.org/x)" in result.output
    assert files(catalog_dir) == {}


def test_explicit_id_never_overwrites(catalog_dir: CatalogDir, arxiv: HTTPServer) -> None:
    catalog_dir.add("taken", title="Other: paper", links={"paper": "https://example.org/o"})
    before = files(catalog_dir)
    result = run("new", "--data", catalog_dir.path, "--arxiv", "2106.09685", "--id", "taken")
    assert result.exit_code == 1
    assert "taken.yaml already exists" in result.output
    assert files(catalog_dir) == before


def test_dry_run_prints_and_writes_nothing(catalog_dir: CatalogDir, arxiv: HTTPServer) -> None:
    result = run("new", "--data", catalog_dir.path, "--arxiv", "2106.09685", "--dry-run")
    assert result.exit_code == 0
    assert 'title: "LoRA: Low-Rank Adaptation of Large Language Models"' in result.output
    assert files(catalog_dir) == {}


def test_broken_registry_is_reported_instead_of_unknown_names(catalog_dir: CatalogDir) -> None:
    (catalog_dir.path / "venues.yaml").write_text("ICLR: [\n", encoding="utf-8")
    result = run(
        "new", "--data", catalog_dir.path, "--title", "X: y", "--year", "2023",
        "--paper", "https://example.org/x",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "venues.yaml:" in result.output and "yaml-syntax" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2106.09685", "2106.09685"),
        ("arXiv:2106.09685v2", "2106.09685"),
        ("https://arxiv.org/abs/2106.09685v1", "2106.09685"),
        ("http://arxiv.org/pdf/2106.09685.pdf", "2106.09685"),
        ("https://arxiv.org/html/2402.12354v1/", "2402.12354"),
        ("hep-th/9901001v3", "hep-th/9901001"),
    ],
)
def test_parse_arxiv_id(text: str, expected: str) -> None:
    assert parse_arxiv_id(text) == expected


def test_parse_arxiv_id_refuses_others() -> None:
    with pytest.raises(CatalogError):
        parse_arxiv_id("https://openreview.net/forum?id=abc")


def test_same_title_at_a_venue_is_the_same_paper(
    catalog_dir: CatalogDir, arxiv: HTTPServer
) -> None:
    """The venue version (OpenReview link) and the arXiv preprint: dedupe joins them by title."""
    catalog_dir.add(
        "lora-iclr",
        title="LoRA: Low-Rank Adaptation of Large Language Models",
        year=2022,
        links={"paper": "https://openreview.net/forum?id=nZeVKeeFYf9"},
    )
    result = run("new", "--data", catalog_dir.path, "--arxiv", "2106.09685")
    assert result.exit_code == 1
    assert "lora-iclr.yaml (id lora-iclr)" in result.output
    assert sorted(files(catalog_dir)) == ["lora-iclr.yaml"]


@pytest.mark.parametrize(
    "given", ["https://arxiv.org/pdf/2106.09685v2", "arXiv:2106.09685", "2106.09685"]
)
def test_a_positional_arxiv_id_or_url(
    catalog_dir: CatalogDir, arxiv: HTTPServer, given: str
) -> None:
    """One positional identifier, recognized from its form: the PDF URL gives the abstract page."""
    result = run("new", "--data", catalog_dir.path, given)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((catalog_dir.papers / "lora.yaml").read_text(encoding="utf-8"))
    assert data["links"] == {"paper": "https://arxiv.org/abs/2106.09685"}
    assert data["authors"][0] == "Edward J. Hu"
    assert arxiv.log[0][0].args["id_list"] == "2106.09685"


def _broken_record(catalog_dir: CatalogDir) -> Path:
    """A record with a YAML error beside the good one: the data has one error."""
    catalog_dir.add("good", title="Good: A Paper", links={"paper": "https://example.org/good"})
    bad = catalog_dir.papers / "broken.yaml"
    bad.write_text('title: "Broken: A Paper"\nyear: [2024\n', encoding="utf-8")
    return bad


def everything(catalog_dir: CatalogDir) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(catalog_dir.path.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("how", ["arxiv", "flags", "json"])
def test_new_refuses_data_with_errors_as_import_does(
    catalog_dir: CatalogDir, arxiv: HTTPServer, tmp_path: Path, how: str
) -> None:
    _broken_record(catalog_dir)
    before = everything(catalog_dir)
    args: list[str | Path] = ["new", "--data", catalog_dir.path]
    if how == "flags":
        args += ["--title", "New: A Paper", "--year", "2024", "--paper", "https://example.org/n"]
    else:
        args += ["--arxiv", "2106.09685"]
    if how == "json":
        args += ["--format", "json"]
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert everything(catalog_dir) == before  # nothing written
    assert arxiv.log == []  # refused before any source was asked
    said = "the data has 1 error(s); nothing written (hint: run `catalog validate` and fix them"
    assert f"error: {said}" in result.stderr
    assert "broken.yaml:3:1: error[yaml-syntax]" in result.stderr
    assert "Traceback" not in result.output
    if how == "json":
        assert said in json.loads(result.stdout)["error"]["message"]
    # the same refusal, and the same words, as `catalog import` on the same data
    listing = tmp_path / "list.md"
    listing.write_text(
        "## Papers\n| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
        "| 2024 | New: Paper | arXiv | [Link](https://arxiv.org/abs/2402.00001) |\n",
        encoding="utf-8",
    )
    imported = run("import", listing, "--data", catalog_dir.path)
    assert imported.exit_code == 1
    assert (
        "error[data-errors] the data has 1 error(s); nothing imported (hint: run `catalog "
        "validate` and fix them first)" in imported.stdout
    )
    assert everything(catalog_dir) == before
