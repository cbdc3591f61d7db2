"""https links against a real local TLS server: certificates are verified, and the system's
CA bundle is read only once an https URL is met (catalog.sources.tls)."""

from __future__ import annotations

import asyncio
import ssl
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import certifi
import pytest
from conftest import FIXTURES
from links_server import fresh_check, ok, serve

from catalog.links.check import check
from catalog.links.verdict import Result
from catalog.sources.http import Http, Settings
from catalog.sources.safety import AddressPolicy
from catalog.sources.tls import default_verify_paths

TLS = FIXTURES / "tls"


@contextmanager
def https_server() -> Iterator[str]:
    """A server on 127.0.0.1 speaking TLS with a certificate of the test authority."""
    with serve({"/ok": ok}) as server:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(TLS / "server.pem", TLS / "server.key")
        server.socket = context.wrap_socket(server.socket, server_side=True)
        yield server.base.replace("http://", "https://", 1) + "/ok"


def check_with_engine(url: str) -> tuple[Result, Http]:
    async def go() -> tuple[Result, Http]:
        settings = Settings(timeout=2, retries=0, policy=AddressPolicy(allow_private=True))
        async with Http(settings) as engine:
            return await check(engine, url), engine

    return asyncio.run(go())


def test_an_untrusted_certificate_is_an_error_not_ok() -> None:
    with https_server() as url:
        result, engine = check_with_engine(url)
    assert engine.tls.loaded
    assert (result.status, result.message) == (
        "error",
        "TLS error: unable to get local issuer certificate (after 1 try)",
    ), result


def test_a_trusted_certificate_is_ok_and_the_bundle_is_read_when_first_needed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # OpenSSL reads SSL_CERT_FILE when the bundle is loaded: set after the engine module was
    # imported, it still counts, so the bundle was not read at import.
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "ca.pem"))
    with https_server() as url:
        result, engine = check_with_engine(url)
    assert engine.tls.loaded
    assert (result.status, result.http_status) == ("ok", 200)


def test_where_no_bundle_exists_certificates_are_verified_against_certifis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No SSL_CERT_FILE, SSL_CERT_DIR or OpenSSL default that exists: certifi's bundle (here
    the test authority, standing in for Mozilla's roots) is the one libcurl is given."""
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "missing.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(TLS / "nowhere"))
    monkeypatch.setattr(certifi, "where", lambda: str(TLS / "ca.pem"))
    with https_server() as url:
        result, engine = check_with_engine(url)
    assert (engine.tls.cafile, engine.tls.capath) == (str(TLS / "ca.pem"), None)
    assert (result.status, result.http_status) == ("ok", 200)


def test_a_run_over_http_never_reads_the_bundle(tmp_path: Path) -> None:
    with serve({"/ok": ok}) as server:
        result, engine = check_with_engine(f"{server.base}/ok")
    assert result.status == "ok"
    assert not engine.tls.loaded
    assert engine.tls.cafile is None and engine.tls.capath is None  # never looked for


@pytest.mark.parametrize(
    ("file", "folder"),
    [
        (None, None),
        ("ca.pem", None),
        ("missing.pem", None),
        (None, "."),
        ("ca.pem", "nowhere"),
        ("missing.pem", "nowhere"),
    ],
)
def test_the_bundle_is_where_ssl_would_look(
    monkeypatch: pytest.MonkeyPatch, file: str | None, folder: str | None
) -> None:
    """tls.default_verify_paths (from _ssl alone) answers as ssl.get_default_verify_paths,
    and with certifi's bundle where that names none that exists."""
    for name, value in (("SSL_CERT_FILE", file), ("SSL_CERT_DIR", folder)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, str(TLS / value))
    expected = ssl.get_default_verify_paths()
    if expected.cafile is None and expected.capath is None:
        assert default_verify_paths() == (certifi.where(), None)
    else:
        assert default_verify_paths() == (expected.cafile, expected.capath)


def test_without_certifi_and_a_bundle_libcurl_keeps_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "missing.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(TLS / "nowhere"))
    monkeypatch.setitem(sys.modules, "certifi", None)  # `import certifi` raises ImportError
    assert default_verify_paths() == (None, None)


def cli_check(data: Path, env: dict[str, str]) -> tuple[int, bool, dict[str, Any]]:
    """check-links in a fresh process: exit status, whether ssl.py was imported, the report."""
    return fresh_check(data, env, '"ssl" in sys.modules')


def test_the_cli_verifies_certificates_without_pythons_ssl_module(catalog_dir: Any) -> None:
    """The check-links process loads asyncio without its TLS support and never ssl.py (the
    engine's TLS is libcurl's): certificates are still verified against the system's bundle,
    SSL_CERT_FILE included."""
    with https_server() as url:
        catalog_dir.add("a", links={"paper": url})
        trusted = cli_check(catalog_dir.path, {"SSL_CERT_FILE": str(TLS / "ca.pem")})
        untrusted = cli_check(catalog_dir.path, {"SSL_CERT_FILE": ""})
    assert trusted[:2] == (0, False)
    assert trusted[2]["results"][0]["status"] == "ok"
    assert untrusted[1] is False
    (result,) = untrusted[2]["results"]
    assert result["status"] == "error"  # not ok, and not broken: the link itself may be fine
    assert result["message"].startswith("TLS error: unable to get local issuer certificate")
