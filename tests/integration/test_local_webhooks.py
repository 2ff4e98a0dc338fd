"""`make serve` delivers webhooks as the stack does: with WEBHOOK_URL and WEBHOOK_SECRET set, a change made with
the CLI reaches the partner's endpoint signed (Standard Webhooks), and the partner verifies it with the
`standardwebhooks` library, with either secret held during a rotation."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from infra.template import REPO_ROOT
from tests.local_stack_process import running_local_stack
from tests.webhook_partner import new_secret, partner_endpoint

pytestmark = [pytest.mark.enable_socket, pytest.mark.xdist_group("local-webhooks")]


def test_a_retraction_made_with_the_cli_is_posted_signed_with_both_secrets_of_a_rotation() -> None:
    newer, older = new_secret(), new_secret()
    with (
        partner_endpoint() as partner,
        running_local_stack({"WEBHOOK_URL": partner.url, "WEBHOOK_SECRET": f"{newer} {older}"}) as stack,
    ):
        environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
        command = [sys.executable, "-m", "infra.cli", "unpublish", "kram-otot-betis", "--reason", "Ditarik sementara"]
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
        assert event["detail"]["reason"] == "Ditarik sementara"
    assert headers["webhook-id"] == f"change-{event['detail']['sequence']}"
    assert len(headers["webhook-signature"].split(" ")) == 2
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(newer).verify(body.replace(b"retracted", b"published"), headers)
    assert partner.received.empty(), "only what changed after start-up is posted, once"
