"""`make serve`: the whole stack on this machine.

1. a moto server on loopback stands in for S3, DynamoDB and SQS (this process's own clients reach the same
   state in memory, without HTTP);
2. the bucket and table are created from template.yaml;
3. content/ is published through the real ingest handler;
4. the real API handler serves http://127.0.0.1:$PORT through an API Gateway adapter, with every environment
   variable template.yaml gives the functions, and the metrics they log put into moto's CloudWatch.

Documents uploaded later (for example with ``content-api publish --bucket ... --endpoint-url ...``)
are ingested too, by a thread that plays the bucket's S3 -> Lambda notification, and indexed for search by
another that plays the scheduled indexer.

With ``WEBHOOK_URL`` and ``WEBHOOK_SECRET`` (``whsec_...``; two, separated by a space, as during a rotation) in
the environment, each change made after start-up is also POSTed there by the real webhook delivery function,
signed as on AWS (Standard Webhooks), through the template's webhook queue and rule.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from typing import Any, TextIO, cast

import boto3
from moto import mock_aws
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from infra import template
from infra.local.emf import MetricLogs
from infra.local.gateway import KeyGate
from infra.local.http_adapter import ApiGatewayAdapter
from infra.local.stack import LocalStack

BUCKET = "health-content-local"
TABLE = "health-content-local"
REGION = "us-east-1"

# The names the template's resources have on the local stack (LocalStack.create names the bus after the table, and
# the preview secret after the bucket; a secret's name serves where AWS gives its ARN).
LOCAL_RESOURCES = {
    "ContentTable": TABLE,
    "ContentBucket": BUCKET,
    "ChangeEventBus": f"{TABLE}-changes",
    "PreviewTokenSecret": template.preview_secret_name(BUCKET),
}
# The functions the local stack does not play, and why.
NOT_PLAYED = {
    "EdgeInvalidationFunction": "there is no CloudFront in front of the local stack to purge",
    # Played only with WEBHOOK_URL set, when its variables are set too (its secret and queue made then).
    "WebhookDeliveryFunction": "the stack has it only with a webhook URL",
}
# Where the local stack differs from the template's defaults, and why.
LOCAL_SETTINGS = {
    "POWERTOOLS_LOG_LEVEL": "WARNING",  # the terminal shows the access log; INFO lines would bury it
    "ENABLE_DOCS": "true",
    "CORS_ALLOWED_ORIGINS": "*",
    # Short, so that a document published while the server runs shows up within seconds.
    "CONTENT_CACHE_TTL_SECONDS": "2",
}


def local_environment() -> dict[str, str]:
    """Every variable template.yaml gives the functions (with LOCAL_SETTINGS), moto's fake credentials, and no
    X-Ray (there is no daemon to send traces to). PUBLIC_BASE_URL is set once the port is known."""
    return {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        **template.function_environment(LOCAL_RESOURCES, leaving_out=NOT_PLAYED),
        **LOCAL_SETTINGS,
    }


def _pump_events(
    stack: LocalStack, ingest: Any, webhooks: Any, stop: threading.Event, delivered: threading.Event
) -> None:
    while not stop.is_set():
        try:
            if stack.deliver_events(ingest, wait_seconds=1):
                delivered.set()
            if webhooks is not None:
                stack.deliver_webhooks(webhooks)
        except Exception as error:  # keep serving; the next poll retries
            print(f"ingest event delivery failed: {error}", file=sys.stderr)
            time.sleep(1)


def _attach_webhook(stack: LocalStack) -> tuple[Any, str]:
    """The webhook delivery handler and a line to print, or (None, "") without WEBHOOK_URL."""
    url = os.environ.get("WEBHOOK_URL", "")
    if not url:
        return None, ""
    from health_content.changes.webhooks import InvalidSigningSecret, parse_secrets

    try:
        parse_secrets(os.environ.get("WEBHOOK_SECRET", ""))
    except InvalidSigningSecret as error:
        raise SystemExit(f"WEBHOOK_SECRET: {error} (whsec_ followed by the base64 of 24 to 64 bytes)") from None
    webhook = stack.attach_webhook(os.environ["WEBHOOK_SECRET"])
    os.environ.update({"WEBHOOK_SECRET_ARN": webhook.secret_arn, "WEBHOOK_QUEUE_URL": webhook.queue_url})
    from webhooks.handler import lambda_handler

    return lambda_handler, f"\nEach change from now on is POSTed to {url}, signed (Standard Webhooks).\n"


def _index_search(stack: LocalStack, stop: threading.Event, delivered: threading.Event) -> None:
    """The search indexer, run once the pump has emptied the queue after delivering something. In a thread of
    its own, as on AWS it is a function of its own: at 10,000 articles per locale the run after a bulk publish
    rebuilds both files for minutes, and ingest (the taxonomy, uploaded next) must not wait for it."""
    while not stop.is_set():
        if not delivered.wait(timeout=1):
            continue
        delivered.clear()
        try:
            stack.index_search()
        except Exception as error:  # keep serving; the next delivery runs it again
            print(f"search indexing failed: {error}", file=sys.stderr)


def main() -> int:
    started = time.monotonic()
    # werkzeug logs every request moto serves; the adapter prints its own access log instead.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = int(os.environ.get("PORT", "3000"))
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    moto_host, moto_port = moto.get_host_and_port()
    endpoint = f"http://{moto_host}:{moto_port}"
    os.environ.update(local_environment())
    os.environ.pop("AWS_ENDPOINT_URL", None)
    # The server is for other processes (content-api); this one's clients (ingest, the indexer, the API) call
    # moto's backends in memory, the state the server serves. Over HTTP every call cost a new connection and a
    # request parsed, dispatched and serialised by moto's server: ingest took 4x its own time (issue 19).
    in_memory = mock_aws()
    in_memory.start()
    # Links name the configured address, as on AWS with a custom domain; never the request's Host.
    os.environ["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    # What CloudWatch Logs does on AWS: the usage metric the API logs becomes figures `partners usage` reads.
    sys.stdout = cast("TextIO", MetricLogs(sys.stdout, boto3.client("cloudwatch", region_name=REGION)))

    # Imported after the environment is set: Powertools reads its log level and switches on import.
    from api.handler import lambda_handler as api_handler
    from ingest.handler import lambda_handler as ingest_handler

    stack = LocalStack.create(BUCKET, TABLE, REGION, subscriber=False)  # nothing reads it
    reports = stack.publish_content(ingest_handler)
    stack.index_search()
    rejected = {key: r for key, r in reports.items() if r is None or not r.status.served}
    if rejected:
        print(f"Some documents were not published: {rejected}", file=sys.stderr)

    webhook_handler, webhook_note = _attach_webhook(stack)
    stop, delivered = threading.Event(), threading.Event()
    pump = threading.Thread(
        target=_pump_events, args=(stack, ingest_handler, webhook_handler, stop, delivered), daemon=True
    )
    indexer = threading.Thread(target=_index_search, args=(stack, stop, delivered), daemon=True)
    pump.start()
    indexer.start()

    # REQUIRE_API_KEYS=true plays the stage deployed with RequireApiKeys=true (content-api partners add ...).
    keys_required = os.environ.get("REQUIRE_API_KEYS", "false").lower() == "true"
    gate = KeyGate(boto3.client("apigateway", region_name=REGION), stack.api_id, required=keys_required)
    adapter = ApiGatewayAdapter(api_handler, access_log=True, domain_name=f"127.0.0.1:{port}", key_gate=gate)
    server = make_server("127.0.0.1", port, adapter, threaded=True)
    base = f"http://127.0.0.1:{port}"
    keys_note = "required: send x-api-key" if keys_required else "not required; REQUIRE_API_KEYS=true to require them"
    print(
        f"""
Health-content API running at {base}  (ready in {time.monotonic() - started:.1f}s)
Published {len(reports)} document(s) from content/ to the local bucket '{BUCKET}'.{webhook_note}

Try:
  curl {base}/v1/articles
  curl {base}/v1/articles/kram-otot-betis
  curl {base}/v1/articles/kram-otot-betis/sections
  curl {base}/v1/articles/kram-otot-betis/sections/penyebab
  curl '{base}/v1/causes?q=kekurangan+kalsium'
  curl '{base}/v1/causes?code=E83.51'
  curl '{base}/v1/causes/facets?population=children'
  curl -i {base}/v1/articles/does-not-exist
  curl '{base}/v1/embed/kram-otot-betis/penyebab'
  open {base}/demo   (a partner page: embed script, oEmbed iframe, oEmbed JSON)
  open {base}/docs   (Swagger UI; OpenAPI at {base}/openapi.json)

Partner keys ({keys_note}):
  .venv/bin/content-api partners add klinik --plan partner --stack {TABLE} \\
      --endpoint-url {endpoint}

Publish changes while it runs (no AWS credentials needed):
  .venv/bin/content-api publish --bucket {BUCKET} --endpoint-url {endpoint}
  .venv/bin/content-api status --bucket {BUCKET} --endpoint-url {endpoint}

Preview a draft (publish --draft, then open the article with the token the second command prints):
  .venv/bin/content-api publish --draft --bucket {BUCKET} --endpoint-url {endpoint}
  .venv/bin/content-api preview-token --bucket {BUCKET} --endpoint-url {endpoint}
  open '{base}/v1/articles/kram-otot-betis?format=html&preview=TOKEN'

Press Ctrl-C to stop.""",
        flush=True,
    )

    def shutdown(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    # Explicit handlers: a process started in the background may have inherited SIGINT as ignored.
    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    try:
        server.serve_forever()
    finally:
        stop.set()
        pump.join(timeout=3)
        indexer.join(timeout=3)
        server.server_close()
        moto.stop()
        in_memory.stop()
        print("\nStopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
