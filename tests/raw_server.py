"""A raw-socket server on 127.0.0.1 that answers with exactly the bytes given, valid HTTP or not.

http.server cannot send a NUL in a header or a status line that is not HTTP; this can. One
answer per request path; every request is counted. Not a test module.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field


@dataclass
class RawServer:
    answers: dict[str, bytes]
    base: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            head = b""
            with suppress(OSError):
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    head += chunk
            parts = head.split(b" ", 2)
            path = parts[1].decode("latin-1").split("?", 1)[0] if len(parts) > 1 else ""
            with self.lock:
                self.hits[path] += 1
            with suppress(OSError):
                conn.sendall(self.answers.get(path, b"HTTP/1.1 404 Not Found\r\n\r\n"))


@contextmanager
def serve_raw(answers: dict[str, bytes]) -> Iterator[RawServer]:
    server = RawServer(dict(answers))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    server.base = f"http://127.0.0.1:{listener.getsockname()[1]}"

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=server.answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        with suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(5)
