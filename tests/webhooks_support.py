"""A local webhook receiver (http.server in a thread) and helpers for the webhooks tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks import rules

PUBLIC_IP = "93.184.216.34"  # a public address (the resolver is replaced; nothing connects to it)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next of `answers` (status, body, extra headers), then `default`."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    answers: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    default: tuple[int, str, dict[str, str]] = (200, "ok", {})

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@contextmanager
def receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            state = box["r"]
            state.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            status, text, extra = state.answers.pop(0) if state.answers else state.default
            data = text.encode()
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["r"] = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box["r"]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hook_receiver():  # noqa: ANN201
    with receiver() as r:
        yield r


@pytest.fixture
def dns(monkeypatch):  # noqa: ANN001, ANN201
    """dns["host"] = ["1.2.3.4", …]: what webhooks.rules' resolver answers (unknown hosts fail)."""
    answers: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError("no such host")
        return list(answers[host])

    monkeypatch.setattr(rules, "resolver", resolve)
    return answers


@pytest.fixture
def loopback(settings):  # noqa: ANN001, ANN201
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    return settings
