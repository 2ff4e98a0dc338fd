"""The partner directory on the serving-index table: what the API needs to know about a key, and nothing more.

Item layout (same table as the content):
    pk = "PARTNER", sk = "<API key id>"   name, and the usage plan's name and limits

`content-api partners` writes an item when it gives a partner a key and deletes it when it revokes the key, so
that the API learns who a key belongs to with one GetItem, without any right to read keys (or their values)
from API Gateway.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from health_content.errors import ContentUnavailable
from health_content.partners.model import Partner, UsagePlan

_PARTITION = "PARTNER"
_UNREADABLE = "The partner directory could not be read."


def _key(key_id: str) -> dict[str, str]:
    return {"pk": _PARTITION, "sk": key_id}


class DynamoPartnerDirectory:
    """PartnerDirectory on the content table (a boto3 ``Table`` resource, created once per container)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def lookup(self, key_id: str) -> Partner | None:
        try:
            item = self._table.get_item(Key=_key(key_id)).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise ContentUnavailable(_UNREADABLE) from error
        if item is None:
            return None
        plan = item.get("plan")
        return Partner(
            key_id=key_id,
            name=str(item["name"]),
            plan=None
            if plan is None
            else UsagePlan(
                name=str(plan["name"]),
                rate_limit=float(plan["rate_limit"]) if "rate_limit" in plan else None,
                burst_limit=int(plan["burst_limit"]) if "burst_limit" in plan else None,
                quota=int(plan["quota"]) if "quota" in plan else None,
                quota_period=str(plan["quota_period"]) if "quota_period" in plan else None,
            ),
        )

    def put(self, partner: Partner) -> None:
        item: dict[str, Any] = {**_key(partner.key_id), "name": partner.name}
        if partner.plan is not None:
            plan = partner.plan
            limits = {
                "rate_limit": None if plan.rate_limit is None else Decimal(str(plan.rate_limit)),
                "burst_limit": plan.burst_limit,
                "quota": plan.quota,
                "quota_period": plan.quota_period,
            }
            item["plan"] = {"name": plan.name, **{name: value for name, value in limits.items() if value is not None}}
        self._table.put_item(Item=item)

    def remove(self, key_id: str) -> None:
        self._table.delete_item(Key=_key(key_id))
