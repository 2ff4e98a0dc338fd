"""AWS clients, each created once per container with timeouts and retries sized to its function.

botocore's defaults (60 s to connect, 60 s to read, up to 10 attempts for DynamoDB) would let
one request outlive the API function's 10 s timeout, and make every request of a throttled
table retry, which feeds the throttling. The budgets:

API function (timeout 10 s): one attempt per call, 0.5 s to connect, 0.8 s for each socket read; the
whole of each call, and of a request's calls together, is bounded by ``deadline.StoreDeadline``
(1.5 s and 4 s by default), since a store trickling its answer never trips a read timeout. An
unreachable or throttling store fails in milliseconds. Readers are better served by the warm
container's last good copy, or a fast 503 with Retry-After, than by waiting.

Ingest function (timeout 60 s): three attempts in standard mode (exponential backoff, at most
about 2 + 4 s between them), 2 s to connect and 5 s to read: 3 x 7 s + 6 s = 27 s worst case
for one call, and Lambda retries the whole event twice more before the failure queue.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

API_CLIENT_CONFIG = Config(connect_timeout=0.5, read_timeout=0.8, retries={"total_max_attempts": 1, "mode": "standard"})
INGEST_CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"total_max_attempts": 3, "mode": "standard"})


def dynamodb_table(name: str, config: Config) -> Any:
    """The serving-index table as a boto3 resource."""
    return boto3.resource("dynamodb", config=config).Table(name)


def events_client(config: Config) -> Any:
    return boto3.client("events", config=config)


def cloudfront_client(config: Config) -> Any:
    return boto3.client("cloudfront", config=config)


def s3_client(config: Config) -> Any:
    return boto3.client("s3", config=config)


def secrets_client(config: Config) -> Any:
    return boto3.client("secretsmanager", config=config)


# Webhook delivery function (timeout 30 s): the secret and the queue are read once or twice per batch; three
# attempts in standard mode keep a passing Secrets Manager or SQS fault from failing a whole batch.
WEBHOOK_CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=3, retries={"total_max_attempts": 3, "mode": "standard"})


def sqs_client(config: Config) -> Any:
    return boto3.client("sqs", config=config)
