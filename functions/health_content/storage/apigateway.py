"""Partner keys and usage plans on API Gateway."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from health_content.errors import ContentUnavailable
from health_content.partners.model import Partner, UsagePlan


def usage_plan(item: dict[str, Any]) -> UsagePlan:
    throttle, quota = item.get("throttle") or {}, item.get("quota") or {}
    return UsagePlan(
        name=str(item.get("name", item.get("id", ""))),
        rate_limit=float(throttle["rateLimit"]) if "rateLimit" in throttle else None,
        burst_limit=int(throttle["burstLimit"]) if "burstLimit" in throttle else None,
        quota=int(quota["limit"]) if "limit" in quota else None,
        quota_period=str(quota["period"]) if "period" in quota else None,
    )


class ApiGatewayPartners:
    """PartnerDirectory on API Gateway: the key's name is the partner's; its usage plan gives the policy."""

    def __init__(self, connect: Callable[[], Any]) -> None:
        # The client is made on the first lookup: without partner keys (the default) there never is one,
        # and a cold start need not load API Gateway's service model (7 ms).
        self._connect = connect

    @cached_property
    def _client(self) -> Any:
        return self._connect()

    def lookup(self, key_id: str) -> Partner | None:
        try:
            key = self._client.get_api_key(apiKey=key_id, includeValue=False)
            plans = self._client.get_usage_plans(keyId=key_id).get("items", [])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NotFoundException":
                return None
            raise ContentUnavailable("The partner directory could not be read.") from error
        except BotoCoreError as error:
            raise ContentUnavailable("The partner directory could not be read.") from error
        return Partner(key_id=key_id, name=str(key.get("name") or key_id), plan=usage_plan(plans[0]) if plans else None)
