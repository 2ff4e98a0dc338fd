"""A partner's webhook endpoint on loopback, as the tests of webhook delivery meet one."""

from __future__ import annotations

import base64
import queue
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def new_secret() -> str:
    """A signing secret as the Standard Webhooks specification has them: whsec_ and the base64 of 32 bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class PartnerEndpoint:
    """Keeps each POST's headers and body; answers with the next of ``answers`` (then 204)."""

    def __init__(self, answers: list[int] | None = None) -> None:
        self.received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        self.answers = list(answers or [])
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.received.put(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(endpoint.answers.pop(0) if endpoint.answers else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/konten-sehat"

    def requests(self) -> list[tuple[dict[str, str], bytes]]:
        """What was POSTed since the last call, in order."""
        taken = []
        while not self.received.empty():
            taken.append(self.received.get_nowait())
        return taken


@contextmanager
def partner_endpoint(answers: list[int] | None = None) -> Iterator[PartnerEndpoint]:
    endpoint = PartnerEndpoint(answers)
    thread = threading.Thread(target=endpoint.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        endpoint.server.shutdown()
        endpoint.server.server_close()
