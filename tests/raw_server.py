"""A raw-socket server on 127.0.0.1 that answers with exactly the bytes given, valid HTTP or not.

http.server cannot send a NUL in a header or a status line that is not HTTP; this can. One
answer per request path, on a kept-alive connection; an answer given as a list of byte strings
is sent in those pieces, PAUSE seconds apart. Every request is counted. Not a test module.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

PAUSE = 0.2
Answer = bytes | list[bytes]


@dataclass
class RawServer:
    answers: dict[str, Answer]
    base: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, conn: socket.socket) -> None:
        with conn, suppress(OSError):
            conn.settimeout(5)
            buffer = b""
            while True:
                while b"\r\n\r\n" not in buffer and len(buffer) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                parts = head.split(b" ", 2)
                path = parts[1].decode("latin-1").split("?", 1)[0] if len(parts) > 1 else ""
                with self.lock:
                    self.hits[path] += 1
                answer = self.answers.get(path, b"HTTP/1.1 404 Not Found\r\n\r\n")
                pieces = answer if isinstance(answer, list) else [answer]
                for number, piece in enumerate(pieces):
                    if number:
                        time.sleep(PAUSE)
                    conn.sendall(piece)


@contextmanager
def serve_raw(answers: dict[str, Answer]) -> Iterator[RawServer]:
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
