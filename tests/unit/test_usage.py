"""The caller's rate-limit policy, as the IETF RateLimit-Policy field states it, and the route a path counts under."""

from __future__ import annotations

import json

import pytest

from api.usage import Caller, UsageMeter, rate_limit_policy, route_of
from health_content.partners.catalog import PartnerCatalog
from health_content.partners.model import Partner, UsagePlan
from health_content.settings import Settings

SETTINGS = Settings.from_environ({"CONTENT_TABLE_NAME": "table", "STAGE_RATE_LIMIT": "100"})
PLAN = UsagePlan("prod-partner", rate_limit=50.0, burst_limit=100, quota=1_000_000, quota_period="DAY")


def test_a_partner_gets_its_plans_rate_and_quota_in_its_own_partition() -> None:
    policy = rate_limit_policy(Caller("abc123", Partner("abc123", "klinik", PLAN)), SETTINGS)
    assert policy == (
        '"stage";q=100;w=1, '  # the stage's limit applies to keyed callers too
        '"prod-partner-rate";q=50;w=1;pk=:YWJjMTIz:, "prod-partner-quota";q=1000000;w=86400;pk=:YWJjMTIz:'
    )


def test_a_rate_is_a_whole_quota_per_whole_window_without_rounding_down() -> None:
    bare = Settings.from_environ({"CONTENT_TABLE_NAME": "table"})
    slow = UsagePlan("slow", rate_limit=0.25, burst_limit=1, quota=None, quota_period=None)
    assert rate_limit_policy(Caller("k", Partner("k", "x", slow)), bare) == '"slow-rate";q=1;w=4;pk=:aw==:'
    odd = UsagePlan("odd", rate_limit=2.5, burst_limit=5, quota=None, quota_period=None)
    assert rate_limit_policy(Caller("k", Partner("k", "x", odd)), bare) == '"odd-rate";q=25;w=10;pk=:aw==:'
    near = UsagePlan("near", rate_limit=1.0006, burst_limit=5, quota=None, quota_period=None)
    assert rate_limit_policy(Caller("k", Partner("k", "x", near)), bare) == '"near-rate";q=10;w=10;pk=:aw==:'


def test_without_a_key_the_stage_limit_applies_and_without_one_configured_nothing_is_claimed() -> None:
    assert rate_limit_policy(Caller(None, None), SETTINGS) == '"stage";q=100;w=1'
    bare = Settings.from_environ({"CONTENT_TABLE_NAME": "table"})
    assert rate_limit_policy(Caller(None, None), bare) is None
    assert rate_limit_policy(Caller("k", None), bare) is None  # a key whose plan could not be read
    assert rate_limit_policy(Caller("k", None), SETTINGS) == '"stage";q=100;w=1'


def test_a_path_counts_under_its_route_template_and_unknown_paths_under_one_name() -> None:
    assert route_of("/v1/articles/kram-otot-betis/sections/penyebab") == "/v1/articles/<slug>/sections/<section_id>"
    assert route_of("/v1/causes/facets") == "/v1/causes/facets"
    assert route_of("/wp-admin/setup.php") == route_of("/../../etc") == "unmatched"


class Directory:
    def __init__(self) -> None:
        self.lookups = 0

    def lookup(self, key_id: str) -> Partner | None:
        self.lookups += 1
        return Partner(key_id, "klinik", PLAN) if key_id == "known" else None


def test_a_key_is_looked_up_once_per_container_while_it_is_remembered() -> None:
    now = [0.0]
    directory = Directory()
    catalog = PartnerCatalog(directory, remember_for=300, retry_after_failure=30, size=1024, timer=lambda: now[0])
    assert catalog.partner("known") == catalog.partner("known") and directory.lookups == 1
    assert catalog.partner("unknown") is None and catalog.partner("unknown") is None and directory.lookups == 2
    now[0] = 301
    catalog.partner("known")
    assert directory.lookups == 3


def test_each_request_is_one_usage_record_with_only_its_own_partner_and_route(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    meter = UsageMeter("HealthContent")
    capsys.readouterr()
    meter.record(Caller("k1", Partner("k1", "klinik", PLAN)), "/v1/articles/kram-otot-betis")
    meter.record(Caller(None, None), "/v1/causes")
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    for record, partner, route in ((first, "klinik", "/v1/articles/<slug>"), (second, "anonymous", "/v1/causes")):
        [directive] = record["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "HealthContent"
        assert [metric["Name"] for metric in directive["Metrics"]] == ["Requests"]
        assert sorted(directive["Dimensions"][0]) == ["partner", "route", "service"]
        assert (record["partner"], record["route"], record["Requests"]) == (partner, route, [1.0])


def test_with_metrics_disabled_nothing_is_written(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    meter = UsageMeter("HealthContent")
    capsys.readouterr()
    meter.record(Caller(None, None), "/v1/causes")
    assert capsys.readouterr().out == ""
