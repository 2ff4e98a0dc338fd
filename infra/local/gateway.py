"""What API Gateway does with partner keys, for the local runner: who a key is, and refusing requests without one.

With keys required, a request to a route that needs one and comes without a key, or with one that
is unknown, disabled or in none of the API's usage plans, is refused with the 403 problem the
template's gateway responses give; otherwise the key's value and id go into the request context,
as API Gateway puts them there. Throttling and quotas are not played locally.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

from infra import template

_CACHE_SECONDS = 2.0  # a new or revoked key is seen within seconds, as on API Gateway


@dataclass(frozen=True, slots=True)
class KeyIdentity:
    value: str
    key_id: str


def _pattern(resource_path: str) -> re.Pattern[str]:
    parts = re.escape(resource_path).replace(re.escape("{proxy+}"), ".+")
    return re.compile(f"^{parts}$")


class KeyGate:
    def __init__(self, apigateway: Any, api_id: str, *, required: bool, cache_seconds: float = _CACHE_SECONDS) -> None:
        self._apigateway = apigateway
        self._api_id = api_id
        self.required = required
        self._cache_seconds = cache_seconds
        self._keyless = [_pattern(path) for path in template.keyless_paths()]
        self._keys: dict[str, str] = {}
        self._read_at = -cache_seconds - 1

    def needs_key(self, method: str, path: str) -> bool:
        if not self.required or method.upper() == "OPTIONS":  # CORS preflights come without the key
            return False
        return not any(pattern.match(path) for pattern in self._keyless)

    def identify(
        self, method: str, path: str, key_value: str | None
    ) -> tuple[KeyIdentity | None, dict[str, Any] | None]:
        """The key's identity for the request context, or the gateway's refusal (a proxy result)."""
        if not self.needs_key(method, path):
            return None, None  # API Gateway only looks at keys where the method requires one
        key_id = self._valid_keys().get(key_value or "")
        if key_id is None:
            return None, _forbidden(path)
        return KeyIdentity(key_value or "", key_id), None

    def _valid_keys(self) -> dict[str, str]:
        """Enabled keys in a usage plan of this API, by value."""
        if time.monotonic() - self._read_at < self._cache_seconds:
            return self._keys
        in_plans: set[str] = set()
        for plan in self._apigateway.get_usage_plans().get("items", []):
            if any(stage.get("apiId") == self._api_id for stage in plan.get("apiStages", [])):
                plan_keys = self._apigateway.get_usage_plan_keys(usagePlanId=plan["id"])["items"]
                in_plans.update(key["id"] for key in plan_keys)
        keys = self._apigateway.get_api_keys(includeValues=True).get("items", [])
        self._keys = {key["value"]: key["id"] for key in keys if key.get("enabled") and key["id"] in in_plans}
        self._read_at = time.monotonic()
        return self._keys


def _forbidden(path: str) -> dict[str, Any]:
    """The template's INVALID_API_KEY gateway response, filled in as API Gateway fills it."""
    response = template.gateway_response("INVALID_API_KEY")
    # messageString comes quoted; the path goes between the quotes the template puts around it.
    context = {"$context.error.messageString": json.dumps("Forbidden"), "$context.path": json.dumps(path)[1:-1]}
    body = response["ResponseTemplates"]["application/json"]
    for variable, value in {**context, "$context.requestId": "local"}.items():
        body = body.replace(variable, value)
    headers = {name: [value.strip("'")] for name, value in response["ResponseParameters"]["Headers"].items()}
    return {"statusCode": int(response["StatusCode"]), "multiValueHeaders": headers, "body": body}
