"""Time `catalog check-links` on 300 loopback links with 100 ms latency, cold and cached.

    .venv/bin/python benchmarks/links_bench.py [--links 300] [--hosts 10] [--per-host 8]

Starts one ThreadingHTTPServer on each of 127.0.0.2 .. 127.0.0.(1+hosts) that answers every
request after --latency seconds, writes a synthetic data folder whose records link there
(round-robin over the hosts), and runs the real CLI in a fresh process twice:

- cold: no cache (target: <= 1.5 s for the whole process at 8 per host);
- cached: the cache of the cold run (target: <= 1.0 s, and no request for the ok links).

The floor is links / (hosts x per-host) rounds of one latency each. linkinator and
markdown-link-check, when installed, check the same links from a Markdown file beside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synth import write_catalog
from catalog.records import dump_record


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    latency = 0.1
    hits = 0
    lock = threading.Lock()


class _Slow(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        with self.server.lock:
            type(self.server).hits += 1
        time.sleep(self.server.latency)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = _answer
    do_HEAD = _answer


def start_servers(hosts: int, latency: float) -> list[_Server]:
    servers = []
    _Server.latency = latency
    for i in range(hosts):
        server = _Server((f"127.0.0.{2 + i}", 0), _Slow)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
    return servers


def write_data(root: Path, servers: list[_Server], links: int) -> list[str]:
    """A data folder of `links` records, each linking one page of one server."""
    write_catalog(root, links, seed=0, duplicates=0)
    urls = []
    for i, path in enumerate(sorted((root / "papers").glob("*.yaml"))):
        host, port = servers[i % len(servers)].server_address[:2]
        url = f"http://{host}:{port}/paper/{i}"
        fields = yaml.safe_load(path.read_text(encoding="utf-8"))
        fields["links"] = {"paper": url}
        path.write_text(dump_record(fields), encoding="utf-8")
        urls.append(url)
    return urls


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done


@click.command()
@click.option("--links", default=300, show_default=True)
@click.option("--hosts", default=10, show_default=True)
@click.option("--per-host", default=8, show_default=True)
@click.option("--concurrency", default=100, show_default=True)
@click.option("--latency", default=0.1, show_default=True, help="Seconds per answer.")
def bench(links: int, hosts: int, per_host: int, concurrency: int, latency: float) -> None:
    servers = start_servers(hosts, latency)
    with tempfile.TemporaryDirectory(prefix="links-bench-") as tmp:
        root = Path(tmp)
        urls = write_data(root / "data", servers, links)
        cache = root / "cache.json"
        base = [sys.executable, "-m", "catalog", "check-links", "--data", str(root / "data")]
        base += ["--allow-private", "--per-host", str(per_host), "--concurrency", str(concurrency)]
        base += ["--cache", str(cache), "--format", "json"]
        floor = -(-links // (hosts * per_host)) * latency
        print(
            f"{links} links over {hosts} hosts, {latency * 1000:.0f} ms each, {per_host} per host"
        )
        print(f"floor (rounds x latency): {floor:.2f} s")

        before = _Server.hits
        cold, done = timed(base)
        cold_hits = _Server.hits - before
        _expect(done, "cold")
        print(f"catalog check-links, cold:   {cold:.2f} s whole process, {cold_hits} requests"
              f"  (target <= 1.5 s) {'OK' if cold <= 1.5 else 'MISSED'}")  # fmt: skip

        before = _Server.hits
        warm, done = timed(base)
        warm_hits = _Server.hits - before
        _expect(done, "cached")
        print(f"catalog check-links, cached: {warm:.2f} s whole process, {warm_hits} requests"
              f"  (target <= 1.0 s, 0 requests) "
              f"{'OK' if warm <= 1.0 and warm_hits == 0 else 'MISSED'}")  # fmt: skip

        startup, _ = timed([sys.executable, "-m", "catalog", "--help"])
        print(f"(process start + CLI import alone: {startup:.2f} s)")

        markdown = root / "links.md"
        markdown.write_text("".join(f"- [{i}]({u})\n" for i, u in enumerate(urls)))
        for name, cmd in (
            ("linkinator", ["linkinator", str(markdown), "--concurrency", "100"]),
            ("markdown-link-check", ["markdown-link-check", "-q", str(markdown)]),
        ):
            if shutil.which(name) is None:
                print(f"{name}: not installed")
                continue
            before = _Server.hits
            took, _ = timed(cmd)
            print(f"{name}: {took:.2f} s, {_Server.hits - before} requests")
    for server in servers:
        server.shutdown()


def _expect(done: subprocess.CompletedProcess[str], what: str) -> None:
    if done.returncode != 0:
        print(f"{what} run failed ({done.returncode}):\n{done.stderr[-2000:]}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    bench()
