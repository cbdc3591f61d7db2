"""Identity keys: every URL form of a paper names the same key; code and other URLs name none."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from catalog.identity import (
    arxiv_key,
    arxiv_pdf_id,
    doi_key,
    identity_keys,
    key_url,
    link_keys,
    normalize_title,
    title_key,
    url_key,
)
from catalog.model import Links

NEURIPS_HASH = "2f75a57e9c71e8369da0150ea769d5a2"

URL_KEYS = [
    # arXiv: abs, pdf, html; versions, .pdf, hosts, old-style ids
    ("https://arxiv.org/abs/2106.09685", "arxiv:2106.09685"),
    ("https://arxiv.org/abs/2106.09685v2", "arxiv:2106.09685"),
    ("https://arxiv.org/pdf/2106.09685", "arxiv:2106.09685"),
    ("https://arxiv.org/pdf/2106.09685.pdf", "arxiv:2106.09685"),
    ("https://arxiv.org/pdf/2106.09685v1.pdf", "arxiv:2106.09685"),
    ("https://arxiv.org/pdf/2106.09685v3", "arxiv:2106.09685"),
    ("https://arxiv.org/html/2406.12832v1", "arxiv:2406.12832"),
    ("https://arxiv.org/html/2406.12832", "arxiv:2406.12832"),
    ("https://arxiv.org/abs/2106.09685/", "arxiv:2106.09685"),
    ("https://arxiv.org/abs/2106.09685?context=cs", "arxiv:2106.09685"),
    ("https://arxiv.org/abs/2106.09685#section", "arxiv:2106.09685"),
    ("http://www.arxiv.org/abs/2106.09685", "arxiv:2106.09685"),
    ("https://export.arxiv.org/abs/2106.09685", "arxiv:2106.09685"),
    ("https://export.arxiv.org/pdf/2106.09685v2", "arxiv:2106.09685"),
    ("https://ARXIV.ORG/abs/2106.09685", "arxiv:2106.09685"),
    ("https://arxiv.org/abs/1412.6980", "arxiv:1412.6980"),
    ("https://arxiv.org/abs/hep-th/9901001", "arxiv:hep-th/9901001"),
    ("https://arxiv.org/abs/hep-th/9901001v2", "arxiv:hep-th/9901001"),
    ("https://arxiv.org/pdf/hep-th/9901001.pdf", "arxiv:hep-th/9901001"),
    ("https://arxiv.org/abs/math.GT/0309136", "arxiv:math/0309136"),
    ("https://arxiv.org/abs/cs/0112017", "arxiv:cs/0112017"),
    ("https://ar5iv.labs.arxiv.org/html/2106.09685", "arxiv:2106.09685"),
    ("https://huggingface.co/papers/2106.09685", "arxiv:2106.09685"),
    ("https://doi.org/10.48550/arXiv.2106.09685", "arxiv:2106.09685"),
    # DOI, case-insensitive, from resolvers and publishers
    ("https://doi.org/10.1145/3580305.3599572", "doi:10.1145/3580305.3599572"),
    ("https://doi.org/10.1109/TPAMI.2023.1234", "doi:10.1109/tpami.2023.1234"),
    ("http://dx.doi.org/10.1109/tpami.2023.1234", "doi:10.1109/tpami.2023.1234"),
    ("https://www.doi.org/10.1145/3580305.3599572", "doi:10.1145/3580305.3599572"),
    ("https://doi.org/10.1145%2F3580305.3599572", "doi:10.1145/3580305.3599572"),
    ("https://dl.acm.org/doi/10.1145/3580305.3599572", "doi:10.1145/3580305.3599572"),
    ("https://dl.acm.org/doi/abs/10.1145/3580305.3599572", "doi:10.1145/3580305.3599572"),
    ("https://dl.acm.org/doi/pdf/10.1145/3580305.3599572", "doi:10.1145/3580305.3599572"),
    ("https://dl.acm.org/doi/full/10.1145/3580305.3599572", "doi:10.1145/3580305.3599572"),
    (
        "https://link.springer.com/article/10.1007/s11263-023-01234-5",
        "doi:10.1007/s11263-023-01234-5",
    ),
    (
        "https://link.springer.com/chapter/10.1007/978-3-031-19775-8_5",
        "doi:10.1007/978-3-031-19775-8_5",
    ),
    (
        "https://link.springer.com/content/pdf/10.1007/978-3-031-19775-8_5.pdf",
        "doi:10.1007/978-3-031-19775-8_5",
    ),
    ("https://onlinelibrary.wiley.com/doi/10.1002/aaai.12345", "doi:10.1002/aaai.12345"),
    ("https://onlinelibrary.wiley.com/doi/abs/10.1002/AAAI.12345", "doi:10.1002/aaai.12345"),
    ("https://onlinelibrary.wiley.com/doi/full/10.1002/aaai.12345", "doi:10.1002/aaai.12345"),
    ("https://onlinelibrary.wiley.com/doi/epdf/10.1002/aaai.12345", "doi:10.1002/aaai.12345"),
    # OpenReview: forum and pdf
    ("https://openreview.net/forum?id=09xFexjhqE", "openreview:09xFexjhqE"),
    ("https://openreview.net/pdf?id=09xFexjhqE", "openreview:09xFexjhqE"),
    ("https://openreview.net/forum?id=09xFexjhqE&noteId=abc", "openreview:09xFexjhqE"),
    # ACL Anthology
    ("https://aclanthology.org/2023.emnlp-main.252", "acl:2023.emnlp-main.252"),
    ("https://aclanthology.org/2023.emnlp-main.252/", "acl:2023.emnlp-main.252"),
    ("https://aclanthology.org/2023.emnlp-main.252.pdf", "acl:2023.emnlp-main.252"),
    ("https://aclanthology.org/2024.lrec-main.940.pdf", "acl:2024.lrec-main.940"),
    ("https://aclanthology.org/P19-1001.pdf", "acl:P19-1001"),
    ("https://www.aclweb.org/anthology/P19-1001/", "acl:P19-1001"),
    # IEEE Xplore
    ("https://ieeexplore.ieee.org/abstract/document/10321737", "ieee:10321737"),
    ("https://ieeexplore.ieee.org/abstract/document/10321737/", "ieee:10321737"),
    ("https://ieeexplore.ieee.org/document/10321737", "ieee:10321737"),
    ("https://ieeexplore.ieee.org/document/10321737/", "ieee:10321737"),
    ("https://ieeexplore.ieee.org/document/10321737/figures", "ieee:10321737"),
    ("https://ieeexplore.ieee.org/stamp/stamp.jsp?tp=&arnumber=10321737", "ieee:10321737"),
    # NeurIPS proceedings: file and hash pages, old and new hosts
    (
        f"https://proceedings.neurips.cc/paper_files/paper/2023/file/{NEURIPS_HASH}-Paper-Conference.pdf",
        f"neurips:{NEURIPS_HASH}",
    ),
    (
        f"https://proceedings.neurips.cc/paper_files/paper/2023/hash/{NEURIPS_HASH}-Abstract-Conference.html",
        f"neurips:{NEURIPS_HASH}",
    ),
    (
        f"https://proceedings.neurips.cc/paper/2021/file/{NEURIPS_HASH}-Paper.pdf",
        f"neurips:{NEURIPS_HASH}",
    ),
    (
        f"https://papers.nips.cc/paper/2021/hash/{NEURIPS_HASH}-Abstract.html",
        f"neurips:{NEURIPS_HASH}",
    ),
    # PMLR
    ("https://proceedings.mlr.press/v205/kothari23a/kothari23a.pdf", "pmlr:v205/kothari23a"),
    ("https://proceedings.mlr.press/v205/kothari23a.html", "pmlr:v205/kothari23a"),
    ("https://proceedings.mlr.press/v205/kothari23a/", "pmlr:v205/kothari23a"),
    ("http://proceedings.mlr.press/v37/ioffe15.pdf", "pmlr:v37/ioffe15"),
    # CVF open access
    (
        "https://openaccess.thecvf.com/content/ICCV2023/html/Zhang_Adding_ICCV_2023_paper.html",
        "cvf:zhang_adding_iccv_2023_paper",
    ),
    (
        "https://openaccess.thecvf.com/content/ICCV2023/papers/Zhang_Adding_ICCV_2023_paper.pdf",
        "cvf:zhang_adding_iccv_2023_paper",
    ),
]

NO_IDENTITY = [
    "https://github.com/microsoft/LoRA",
    "https://github.com/microsoft/LoRA/tree/main/loralib",
    "https://github.com/doi/10.1145/3580305.3599572",
    "https://microsoft.github.io/LoRA/",
    "https://gitlab.com/group/repo",
    "https://anonymous.4open.science/r/AutoLoRA",
    "https://simg.baai.ac.cn/paperfile/96f0cfd7-79c7-4110-88e5-4ea80a7fbc8d.pdf",
    "https://arxiv.org/list/cs.CL/recent",
    "https://arxiv.org/abs/",
    "https://openreview.net/group?id=ICLR.cc/2024/Conference",
    "https://openreview.net/forum",
    "https://aclanthology.org/events/emnlp-2023/",
    "https://ieeexplore.ieee.org/xpl/conhome/1000639/all-proceedings",
    "https://proceedings.neurips.cc/paper_files/paper/2023",
    "https://doi.org/not-a-doi",
    "https://huggingface.co/microsoft/phi-2",
    "not a url",
    "ftp://arxiv.org/abs/2106.09685",
    "",
]


@pytest.mark.parametrize(("url", "key"), URL_KEYS)
def test_url_names_its_key(url: str, key: str) -> None:
    assert url_key(url) == key


@pytest.mark.parametrize("url", NO_IDENTITY)
def test_url_names_no_paper(url: str) -> None:
    assert url_key(url) is None


@pytest.mark.parametrize(("url", "key"), URL_KEYS)
def test_canonical_url_of_a_key_names_the_key(url: str, key: str) -> None:
    canonical = key_url(key)
    if canonical is not None:  # NeurIPS and CVF keys leave out what their URLs need
        assert url_key(canonical) == key


def test_raw_ids_normalize_like_urls() -> None:
    assert arxiv_key("arXiv:2106.09685v3") == "arxiv:2106.09685"
    assert arxiv_key("2106.09685") == "arxiv:2106.09685"
    assert arxiv_key("LoRA") is None
    assert doi_key("doi:10.1145/ABC") == "doi:10.1145/abc"
    assert doi_key("10.48550/ARXIV.2106.09685") == "arxiv:2106.09685"
    assert doi_key("11.1145/abc") is None


def test_identity_keys_of_a_record_list_ids_strongest_first_then_title() -> None:
    links = Links(
        paper="https://openreview.net/forum?id=abc",
        code="https://github.com/x/y",
        project="https://arxiv.org/abs/2106.09685",
    )
    assert identity_keys(links, "LoRA: Low-Rank!", 2022) == (
        "arxiv:2106.09685",
        "openreview:abc",
        "title:loralowrank:2022",
    )
    assert link_keys(links) == {"paper": "openreview:abc", "project": "arxiv:2106.09685"}
    assert identity_keys("https://github.com/x/y") == ()
    assert identity_keys(["https://arxiv.org/pdf/2106.09685.pdf"]) == ("arxiv:2106.09685",)


def test_title_normalization_folds_case_width_punctuation_and_spaces() -> None:
    assert normalize_title("LoRA: Low-Rank Adaptation") == "loralowrankadaptation"
    assert normalize_title("ＬｏＲＡ — low rank  adaptation!") == "loralowrankadaptation"
    assert normalize_title("Straße") == normalize_title("STRASSE")
    assert title_key("?!", 2024) is None
    # look-alike names keep their letters: only the ids tell these apart, titles don't merge
    assert normalize_title("AutoLoRa") == normalize_title("AutoLoRA")


@settings(deadline=None)
@given(st.text())
@example("\u1100-\u1161")  # jamo that compose only once the hyphen between them is gone
def test_title_normalization_is_idempotent(title: str) -> None:
    once = normalize_title(title)
    assert normalize_title(once) == once


@settings(deadline=None)
@given(st.text())
def test_any_text_is_a_url_or_not_without_raising(text: str) -> None:
    key = url_key(text)
    assert key is None or ":" in key


ARXIV_NEW = st.from_regex(r"\A[0-9]{4}\.[0-9]{4,5}\Z")
DOI_TAIL = st.text(string.ascii_letters + string.digits + "-._/()<>;", min_size=1).filter(
    lambda s: s[-1] not in ".,;:)]}>/'\""
)


@settings(deadline=None)
@given(ARXIV_NEW, st.sampled_from(["abs", "pdf", "html"]), st.sampled_from(["", "v1", "v12"]))
def test_arxiv_keys_are_idempotent(ident: str, form: str, version: str) -> None:
    key = url_key(f"https://arxiv.org/{form}/{ident}{version}")
    assert key == f"arxiv:{ident}"
    assert url_key(key_url(key) or "") == key
    assert arxiv_key(key) == key


@settings(deadline=None)
@given(st.from_regex(r"\A10\.[0-9]{4,9}\Z"), DOI_TAIL)
def test_doi_keys_are_idempotent(prefix: str, tail: str) -> None:
    key = doi_key(f"{prefix}/{tail}")
    assert key is not None
    assert doi_key(key) == key
    assert url_key(key_url(key) or "") == key
    assert url_key(f"https://doi.org/{prefix}/{tail.upper()}") == key


@pytest.mark.parametrize(
    ("url", "ident"),
    [
        ("https://arxiv.org/pdf/2106.09685v2.pdf", "2106.09685v2"),
        ("https://arxiv.org/pdf/2106.09685", "2106.09685"),
        ("http://www.arxiv.org/pdf/2106.09685v1/", "2106.09685v1"),
        ("https://export.arxiv.org/pdf/hep-th/9901001v3?x=1#p2", "hep-th/9901001v3"),
        ("https://arxiv.org/abs/2106.09685", None),
        ("https://arxiv.org/pdf/not-an-id", None),
        ("https://example.org/pdf/2106.09685", None),
        ("https://arxiv.org.evil.example/pdf/2106.09685", None),
    ],
)
def test_one_reader_of_arxiv_pdf_links(url: str, ident: str | None) -> None:
    """Import (PDF link -> abstract page) and sync (propose the abstract page) both ask this."""
    assert arxiv_pdf_id(url) == ident
