"""`make serve` delivers webhooks as the stack does: with WEBHOOK_URL and WEBHOOK_SECRET set, a change made with
the CLI reaches the partner's endpoint signed (Standard Webhooks), and the partner verifies it with the
`standardwebhooks` library, with either secret held during a rotation."""

from __future__ import annotations

import base64
import os
import queue
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from infra.template import REPO_ROOT
from tests.local_stack_process import running_local_stack

pytestmark = [pytest.mark.enable_socket, pytest.mark.xdist_group("local-webhooks")]


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class PartnerEndpoint:
    """A partner's webhook endpoint on loopback: keeps each POST's headers and body, answers 204."""

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.put((dict(self.headers.items()), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/konten-sehat"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def partner() -> Iterator[PartnerEndpoint]:
    endpoint = PartnerEndpoint()
    yield endpoint
    endpoint.server.shutdown()


def test_a_retraction_made_with_the_cli_is_posted_signed_with_both_secrets_of_a_rotation(
    partner: PartnerEndpoint,
) -> None:
    newer, older = new_secret(), new_secret()
    with running_local_stack({"WEBHOOK_URL": partner.url, "WEBHOOK_SECRET": f"{newer} {older}"}) as stack:
        environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
        command = [sys.executable, "-m", "infra.cli", "unpublish", "kram-otot-betis", "--reason", "Ditarik untuk ditinjau"]
        unpublished = subprocess.run(
            [*command, "--bucket", "health-content-local", "--endpoint-url", stack.moto_endpoint],
            cwd=REPO_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert unpublished.returncode == 0, unpublished.stdout + unpublished.stderr
        headers, body = partner.received.get(timeout=30)

    # As a partner verifies it: the raw body and the headers, with the secret it holds (old or new).
    for secret in (newer, older):
        event = Webhook(secret).verify(body, headers)
        assert event["detail"]["id"] == "kram-otot-betis" and event["detail"]["change"] == "retracted"
        assert event["detail"]["reason"] == "Ditarik untuk ditinjau"
    assert headers["webhook-id"] == f"change-{event['detail']['sequence']}"
    assert len(headers["webhook-signature"].split(" ")) == 2
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(newer).verify(body.replace(b"retracted", b"published"), headers)
    assert partner.received.empty(), "the start-up publication is not posted; only what changed after"
