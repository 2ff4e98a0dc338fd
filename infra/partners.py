"""Partner keys: create one in a usage plan, list them, revoke one, and read a partner's usage.

A stack's plans are the template's, named ``<stack>-free`` and ``<stack>-partner``; a partner's
key is named after the partner and tagged with the stack, so the same account can hold several
stacks. Usage comes from two places: API Gateway counts each key's requests against its quota;
the API function's ``Requests`` metric (partner and route as dimensions) says where they went.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from api.usage import USAGE_METRIC
from health_content.partners.model import Partner, UsagePlan
from health_content.storage.partners import DynamoPartnerDirectory
from infra.aws_target import ExitCode, OperatorError
from infra.template import metrics_namespace

PLANS = ("free", "partner")


@dataclass(frozen=True, slots=True)
class PartnerKey:
    name: str
    key_id: str
    plan: str | None
    enabled: bool
    created: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Usage:
    partner: str
    plan: UsagePlan | None
    days: list[dt.date]
    quota_used: dict[dt.date, int] | None
    """Requests counted against the quota per day; None when API Gateway could not say."""
    by_route: dict[str, int]


def usage_plan(item: dict[str, Any]) -> UsagePlan:
    throttle, quota = item.get("throttle") or {}, item.get("quota") or {}
    return UsagePlan(
        name=str(item.get("name", item.get("id", ""))),
        rate_limit=float(throttle["rateLimit"]) if "rateLimit" in throttle else None,
        burst_limit=int(throttle["burstLimit"]) if "burstLimit" in throttle else None,
        quota=int(quota["limit"]) if "limit" in quota else None,
        quota_period=str(quota["period"]) if "period" in quota else None,
    )


def plans(apigateway: Any, stack: str) -> dict[str, dict[str, Any]]:
    """The stack's usage plans by tier; an operator error when keys are not turned on."""
    found = {}
    for item in _all(apigateway.get_usage_plans):
        for tier in PLANS:
            if item.get("name") == f"{stack}-{tier}":
                found[tier] = item
    if not found:
        raise OperatorError(
            ExitCode.NOT_FOUND,
            f"Stack {stack!r} has no usage plans. Deploy it with RequireApiKeys=true to give partners keys.",
        )
    return found


def add(apigateway: Any, directory: DynamoPartnerDirectory, stack: str, name: str, plan: str) -> tuple[PartnerKey, str]:
    """A new key for ``name`` in ``plan``, entered in the API's partner directory; returns it and its value,
    which is shown only now."""
    tiers = plans(apigateway, stack)
    if plan not in tiers:
        raise OperatorError(ExitCode.USAGE, f"No plan {plan!r} in stack {stack!r}; one of: {', '.join(tiers)}.")
    if any(key.enabled for key in _keys_named(apigateway, stack, name)):
        raise OperatorError(ExitCode.USAGE, f"Partner {name!r} already has a key; revoke it first to replace it.")
    created = apigateway.create_api_key(
        name=name, enabled=True, description=f"Partner {name} of {stack}", tags={"stack": stack, "plan": plan}
    )
    apigateway.create_usage_plan_key(usagePlanId=tiers[plan]["id"], keyId=created["id"], keyType="API_KEY")
    directory.put(Partner(key_id=created["id"], name=name, plan=usage_plan(tiers[plan])))
    return PartnerKey(name, created["id"], plan, True, created.get("createdDate")), str(created["value"])


def list_keys(apigateway: Any, stack: str) -> list[PartnerKey]:
    tiers = plans(apigateway, stack)
    plan_of = {
        key["id"]: tier
        for tier, item in tiers.items()
        for key in _all(apigateway.get_usage_plan_keys, usagePlanId=item["id"])
    }
    return sorted(
        (
            PartnerKey(
                key["name"],
                key["id"],
                plan_of.get(key["id"]) or (key.get("tags") or {}).get("plan"),  # a revoked key is in no plan
                bool(key.get("enabled")),
                key.get("createdDate"),
            )
            for key in _stack_keys(apigateway, stack)
        ),
        key=lambda partner: (partner.name, not partner.enabled),
    )


def revoke(apigateway: Any, directory: DynamoPartnerDirectory, stack: str, name: str) -> list[str]:
    """Disable the partner's keys and take them out of every plan; the ids revoked."""
    keys = [key for key in _keys_named(apigateway, stack, name) if key.enabled]
    if not keys:
        raise OperatorError(ExitCode.NOT_FOUND, f"Partner {name!r} has no active key in stack {stack!r}.")
    tiers = plans(apigateway, stack)
    for key in keys:
        disable = [{"op": "replace", "path": "/enabled", "value": "false"}]
        apigateway.update_api_key(apiKey=key.key_id, patchOperations=disable)
        for item in tiers.values():
            members = _all(apigateway.get_usage_plan_keys, usagePlanId=item["id"])
            if any(member["id"] == key.key_id for member in members):
                apigateway.delete_usage_plan_key(usagePlanId=item["id"], keyId=key.key_id)
        directory.remove(key.key_id)
    return [key.key_id for key in keys]


def sync(apigateway: Any, directory: DynamoPartnerDirectory, stack: str) -> int:
    """Enter every active key of the stack in the API's partner directory (keys made before it existed, or a
    directory restored from a backup); the number entered."""
    tiers = plans(apigateway, stack)
    entered = 0
    for key in list_keys(apigateway, stack):
        if key.enabled and key.plan in tiers:
            directory.put(Partner(key_id=key.key_id, name=key.name, plan=usage_plan(tiers[key.plan])))
            entered += 1
    return entered


def usage(apigateway: Any, cloudwatch: Any, stack: str, name: str, days: int, today: dt.date) -> Usage:
    keys = _keys_named(apigateway, stack, name)
    if not keys:
        raise OperatorError(ExitCode.NOT_FOUND, f"Stack {stack!r} has no partner {name!r}.")
    start = today - dt.timedelta(days=days - 1)
    window = [start + dt.timedelta(days=n) for n in range(days)]
    tiers = plans(apigateway, stack)
    key = next((key for key in keys if key.enabled), keys[0])
    plan_item = tiers.get(key.plan or "")
    return Usage(
        partner=name,
        plan=usage_plan(plan_item) if plan_item else None,
        days=window,
        quota_used=_quota_used(apigateway, plan_item, [k.key_id for k in keys], window) if plan_item else None,
        by_route=_requests_by_route(cloudwatch, name, start, today + dt.timedelta(days=1)),
    )


def _quota_used(
    apigateway: Any, plan: dict[str, Any], key_ids: list[str], window: list[dt.date]
) -> dict[dt.date, int] | None:
    try:
        answer = apigateway.get_usage(
            usagePlanId=plan["id"], startDate=window[0].isoformat(), endDate=window[-1].isoformat()
        )
    except ClientError as error:
        # moto does not implement GetUsage; a stack without the permission answers AccessDenied.
        if error.response.get("Error", {}).get("Code") in {"404", "NotImplementedError", "AccessDeniedException"}:
            return None
        raise
    used = dict.fromkeys(window, 0)
    for key_id in key_ids:
        # Each day is [used, remaining], in the order of the window.
        for day, pair in zip(window, answer.get("items", {}).get(key_id, []), strict=False):
            used[day] += int(pair[0])
    return used


def _requests_by_route(cloudwatch: Any, partner: str, start: dt.date, end: dt.date) -> dict[str, int]:
    unique: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}
    for page in cloudwatch.get_paginator("list_metrics").paginate(
        Namespace=metrics_namespace(), MetricName=USAGE_METRIC, Dimensions=[{"Name": "partner", "Value": partner}]
    ):
        for metric in page.get("Metrics", []):
            # One entry per metric (moto lists one per data point).
            unique[tuple(sorted((d["Name"], d["Value"]) for d in metric["Dimensions"]))] = metric
    metrics = list(unique.values())
    if not metrics:
        return {}
    queries = [
        {"Id": f"m{n}", "MetricStat": {"Metric": metric, "Period": 86_400, "Stat": "Sum"}, "ReturnData": True}
        for n, metric in enumerate(metrics)
    ]
    results = cloudwatch.get_metric_data(
        MetricDataQueries=queries,
        StartTime=dt.datetime.combine(start, dt.time(), dt.UTC),
        EndTime=dt.datetime.combine(end, dt.time(), dt.UTC),
    )["MetricDataResults"]
    by_route: dict[str, int] = {}
    for metric, result in zip(metrics, results, strict=True):
        route = next((d["Value"] for d in metric["Dimensions"] if d["Name"] == "route"), "unmatched")
        by_route[route] = by_route.get(route, 0) + int(sum(result.get("Values", [])))
    return dict(sorted(by_route.items(), key=lambda entry: -entry[1]))


def _stack_keys(apigateway: Any, stack: str) -> list[dict[str, Any]]:
    keys = _all(apigateway.get_api_keys, includeValues=False)
    return [key for key in keys if (key.get("tags") or {}).get("stack") == stack]


def _keys_named(apigateway: Any, stack: str, name: str) -> list[PartnerKey]:
    return [key for key in list_keys(apigateway, stack) if key.name == name]


def _all(operation: Any, **arguments: Any) -> list[dict[str, Any]]:
    """Every item of a paginated API Gateway listing."""
    items: list[dict[str, Any]] = []
    position = None
    while True:
        page = operation(**arguments, **({"position": position} if position else {}))
        items.extend(page.get("items", []))
        position = page.get("position")
        if not position:
            return items
