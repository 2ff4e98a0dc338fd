"""Who is calling, the rate-limit policy they live under, and a count of their requests per route.

API Gateway puts the key's id in the request context when the request came with a key; the
partner's name and usage plan come from the partner catalog. The policy is stated in the IETF
``RateLimit-Policy`` field (draft-ietf-httpapi-ratelimit-headers: a quota ``q`` per window
``w`` seconds, and the partition ``pk``). No ``RateLimit`` field with what remains: API Gateway
keeps those counters and does not tell the function. The usage metric has two dimensions,
partner and route template; nothing about the reader (no IP address, no cookie) is kept.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from api import paths
from health_content.partners.catalog import PartnerCatalog
from health_content.partners.model import ANONYMOUS, Partner
from health_content.settings import Settings

USAGE_METRIC = "Requests"
_PERIOD_SECONDS = {"DAY": 86_400, "WEEK": 604_800, "MONTH": 2_592_000}  # API Gateway's months: 30 days here


@dataclass(frozen=True, slots=True)
class Caller:
    key_id: str | None
    partner: Partner | None

    @property
    def name(self) -> str:
        if self.partner is not None:
            return self.partner.name
        return self.key_id or ANONYMOUS


def caller_of(event: dict[str, Any], partners: PartnerCatalog) -> Caller:
    identity = (event.get("requestContext") or {}).get("identity") or {}
    key_id = identity.get("apiKeyId")
    if not isinstance(key_id, str) or not key_id:
        return Caller(None, None)
    return Caller(key_id, partners.partner(key_id))


def _per_second(name: str, rate: float) -> str:
    """A rate as a whole quota per short window, never more than the limit (2.5/s is 25 per 10 s; 0.25/s is
    1 per 4 s)."""
    if rate <= 0:
        return f'"{name}";q=0;w=1'
    if rate < 1:
        return f'"{name}";q=1;w={math.ceil(1 / rate)}'
    if rate == int(rate):
        return f'"{name}";q={int(rate)};w=1'
    return f'"{name}";q={math.floor(rate * 10)};w=10'


def rate_limit_policy(caller: Caller, settings: Settings) -> str | None:
    """The RateLimit-Policy field value for this caller, or None when no policy is known."""
    policies = []
    if settings.stage_rate_limit is not None:  # the stage's limit applies to every caller, keyed or not
        policies.append(_per_second("stage", settings.stage_rate_limit))
    plan = caller.partner.plan if caller.partner else None
    if caller.key_id is not None and plan is not None:
        partition = ":" + base64.b64encode(caller.key_id.encode()).decode() + ":"
        if plan.rate_limit is not None:
            policies.append(f"{_per_second(f'{plan.name}-rate', plan.rate_limit)};pk={partition}")
        if plan.quota is not None and plan.quota_period in _PERIOD_SECONDS:
            window = _PERIOD_SECONDS[plan.quota_period]
            policies.append(f'"{plan.name}-quota";q={plan.quota};w={window};pk={partition}')
    return ", ".join(policies) or None


class UsageMeter:
    """Writes the usage metric, one EMF record per request, through one metric set kept by the container
    (``single_metric`` builds a new set, with its lists of valid units, on every request)."""

    def __init__(self, namespace: str | None) -> None:
        self._metrics = EphemeralMetrics(namespace=namespace)
        # Read once (two environment variables, 2 µs a request): a disabled set is never flushed, so
        # never cleared, and nothing may be added to it.
        self._disabled = is_metrics_disabled()

    def record(self, caller: Caller, path: str) -> None:
        if self._disabled:
            return
        self._metrics.add_dimension(name="partner", value=caller.name)
        self._metrics.add_dimension(name="route", value=route_of(path))
        self._metrics.add_metric(name=USAGE_METRIC, unit=MetricUnit.Count, value=1)
        self._metrics.flush_metrics()  # prints the record and clears the set for the next request


@lru_cache(maxsize=1024)  # paths are the clients' to vary; the popular ones repeat
def route_of(path: str) -> str:
    """The route template a path belongs to (a dimension with few values), or `unmatched`."""
    return next((route.template for route in paths.ALL if route.match(path) is not None), "unmatched")
