"""A real HTTP receiver on a loopback port for webhook tests: it records every request and answers
from a script (status codes, bodies, redirects, or never answering)."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    hang_seconds: float = 0.0  # wait this long before answering (a receiver that never answers)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class Receiver:
    """`url` accepts POSTs; `script` answers them in order (the last answer repeats)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.script: list[Answer] = [Answer()]
        self.received: list[Received] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.received.append(Received(self.path, dict(self.headers), body, time.time()))
                answer = owner.script[min(len(owner.received) - 1, len(owner.script) - 1)]
                if answer.hang_seconds:
                    time.sleep(answer.hang_seconds)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST

            def log_message(self, *args) -> None:
                pass

        server_class = http.server.ThreadingHTTPServer
        if ":" in host:

            class V6Server(http.server.ThreadingHTTPServer):
                address_family = socket.AF_INET6

            server_class = V6Server
        self.server = server_class((host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.host = host
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook", host: str | None = None) -> str:
        name = host or self.host
        if ":" in name:
            name = f"[{name}]"
        return f"http://{name}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def receiving(host: str = "127.0.0.1") -> Iterator[Receiver]:
    receiver = Receiver(host)
    try:
        yield receiver
    finally:
        receiver.close()
