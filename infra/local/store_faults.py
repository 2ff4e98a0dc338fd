"""Stores that fail, on loopback: endpoints for DynamoDB that refuse, hang, answer slowly, trickle, throttle or
fail, as a network or an overloaded table would. The fault tests (tests/integration/test_store_faults.py) and the
README's failure table (``infra.benchmarks.store_faults``) point a container's clients at them."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

EMPTY_ANSWER = json.dumps({"Items": [], "Count": 0, "ScannedCount": 0}).encode()


class _Answer(BaseHTTPRequestHandler):
    status = 500
    body: ClassVar[dict[str, str]] = {}
    delay = 0.0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(self.delay)
        payload = json.dumps(self.body).encode() if self.body else EMPTY_ANSWER
        try:
            self.send_response(self.status)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up
            return

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Throttling(_Answer):
    status = 400
    body: ClassVar[dict[str, str]] = {
        "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "message": "The level of configured provisioned throughput for the table was exceeded.",
    }


class _Failing(_Answer):
    status = 500
    body: ClassVar[dict[str, str]] = {
        "__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
        "message": "Internal server error",
    }


class _Slow(_Answer):
    """Answers well, after 1.2 s: longer than one socket read may wait (0.8 s)."""

    status = 200
    delay = 1.2


class _Trickling(BaseHTTPRequestHandler):
    """Answers every call, a byte every 0.3 s: each socket read is quick, the whole answer takes minutes."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        payload = EMPTY_ANSWER + b" " * 1000
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        for byte in payload:
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:  # the client gave up
                return
            time.sleep(0.3)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def answering(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def hanging() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        for connection in accepted:
            connection.close()
        listener.close()


@contextmanager
def refusing() -> Iterator[str]:
    """A port nothing listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield f"http://127.0.0.1:{port}"


FAULTS: dict[str, Callable[[], AbstractContextManager[str]]] = {
    "refused": refusing,
    "hung": hanging,
    "slow (1.2 s)": lambda: answering(_Slow),
    "trickling": lambda: answering(_Trickling),
    "throttled": lambda: answering(_Throttling),
    "500 errors": lambda: answering(_Failing),
}
