"""Build API Gateway REST (v1 payload) proxy events, as the ``/{proxy+}`` integration sends them.

The local HTTP adapter and the integration tests both call the real handler with these.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class LambdaContextStub:
    """The attributes of a Lambda context that Powertools reads."""

    function_name: str = "ApiFunction"
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def rest_api_event(
    method: str,
    path: str,
    *,
    query: str | Mapping[str, str | Sequence[str]] | None = None,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    stage: str = "local",
    stage_in_path: bool = False,
    source_ip: str = "127.0.0.1",
    domain_name: str = "localhost",
    api_key: tuple[str, str] | None = None,
    sent_path: str | None = None,
) -> dict[str, Any]:
    """A REST API proxy event for ``method path?query``.

    ``stage_in_path`` mimics the default execute-api URL, where the client's path starts
    with ``/<stage>`` but the function sees the path without it. ``api_key`` is the (value, id) of the
    partner key the request came with, where the method required one. ``sent_path`` is the path as the client
    sent it, when API Gateway gives the function another (it drops slashes the path starts with).
    """
    multi_query: dict[str, list[str]] = {}
    if isinstance(query, str):
        for name, value in parse_qsl(query, keep_blank_values=True):
            multi_query.setdefault(name, []).append(value)
    elif query:
        for name, values in query.items():
            multi_query[name] = [values] if isinstance(values, str) else list(values)
    multi_headers: dict[str, list[str]] = {}
    for name, value in (headers or {}).items():
        multi_headers.setdefault(name, []).append(value)
    request_id = str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC)
    is_base64 = body is not None
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method.upper(),
        "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": "/{proxy+}",
            "httpMethod": method.upper(),
            "path": f"/{stage}{sent_path or path}" if stage_in_path else sent_path or path,
            "stage": stage,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "accountId": "123456789012",
            "apiId": "local",
            "protocol": "HTTP/1.1",
            "domainName": domain_name,  # the API's own domain, whatever Host the client sent
            "identity": {
                "sourceIp": source_ip,
                "userAgent": (headers or {}).get("User-Agent"),
                "apiKey": api_key[0] if api_key else None,
                "apiKeyId": api_key[1] if api_key else None,
            },
        },
        "body": base64.b64encode(body).decode() if body is not None else None,
        "isBase64Encoded": is_base64,
    }
