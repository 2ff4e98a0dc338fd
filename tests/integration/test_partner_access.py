"""Partner keys through the local runner, which plays API Gateway: keys required, refused, identified, counted.

Each test builds its own stack (partners and keys change it).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner
from werkzeug.test import Client

from api import handler as api_handler
from infra.aws_target import ExitCode
from infra.cli import app as cli
from infra.local import emf
from infra.local.gateway import KeyGate
from infra.local.http_adapter import ApiGatewayAdapter
from infra.local.stack import LocalStack
from tests.integration.conftest import TABLE

STACK = TABLE  # the local stack names its usage plans after the table, as the template does after the stack
runner = CliRunner()


def _cli(*args: str) -> Any:
    return runner.invoke(cli, [*args[:2], *args[2:], "--stack", STACK])


def _add(name: str, plan: str) -> str:
    result = _cli("partners", "add", name, "--plan", plan, "--json")
    assert result.exit_code == 0, result.output
    added = json.loads(result.stdout)
    assert (added["partner"], added["plan"]) == (name, plan)
    return str(added["value"])


def _runner(stack: LocalStack, required: bool = True) -> Client:
    apigateway = boto3.client("apigateway", region_name="us-east-1")
    gate = KeyGate(apigateway, stack.api_id, required=required, cache_seconds=0)
    return Client(ApiGatewayAdapter(api_handler.lambda_handler, key_gate=gate))


def test_two_partners_are_identified_limited_and_counted_apart(seeded_fresh: LocalStack) -> None:
    klinik, apotek = _add("klinik-sentosa", "partner"), _add("apotek-sehat", "free")
    api = _runner(seeded_fresh)
    # The functions' stdout as `make serve` reads it: their EMF lines become CloudWatch metrics.
    logs = emf.MetricLogs(io.StringIO(), boto3.client("cloudwatch", region_name="us-east-1"))
    with contextlib.redirect_stdout(logs):
        _partners_call(api, klinik, apotek)
    logs.drain()
    usage = _cli("partners", "usage", "klinik-sentosa", "--days", "1")
    assert usage.exit_code == 0, usage.output
    assert re.search(r"/v1/articles/<slug>\s+│\s+3", usage.output) and re.search(r"/v1/causes\s+│\s+1", usage.output)
    assert "4 request(s) in all" in usage.output
    other = _cli("partners", "usage", "apotek-sehat", "--days", "1")
    assert "/v1/articles/<slug>/sections" in other.output and "1 request(s) in all" in other.output


def _partners_call(api: Client, klinik: str, apotek: str) -> None:
    for _ in range(3):
        keyed = api.get("/v1/articles/kram-otot-betis", headers={"x-api-key": klinik})
        assert keyed.status_code == 200 and "x-api-key" in keyed.headers["Vary"]  # no shared cache mixes keys
    assert api.get("/v1/causes?q=kalsium", headers={"x-api-key": klinik}).status_code == 200
    answered = api.get("/v1/articles/kram-otot-betis/sections", headers={"x-api-key": apotek})
    assert answered.status_code == 200
    policy = answered.headers["RateLimit-Policy"]
    partition = r"pk=:[A-Za-z0-9+/=]+:"
    rate, quota = rf'"{STACK}-free-rate";q=5;w=1;{partition}', rf'"{STACK}-free-quota";q=10000;w=86400;{partition}'
    assert re.fullmatch(f"{rate}, {quota}", policy), policy
    assert "RateLimit:" not in str(answered.headers)  # what remains is API Gateway's to know, not ours


def test_without_a_valid_key_the_content_is_refused_but_what_embeds_need_is_not(seeded_fresh: LocalStack) -> None:
    api = _runner(seeded_fresh)
    for headers in ({}, {"x-api-key": "not-a-key-anyone-was-given"}):
        refused = api.get("/v1/articles/kram-otot-betis", headers=headers)
        assert refused.status_code == 403 and refused.headers["Content-Type"] == "application/problem+json"
        assert refused.get_json()["type"] == "/problems/forbidden"
    for keyless in ("/", "/v1/health", "/openapi.json", "/v1/embed.js", "/v1/embed.css", "/problems/forbidden"):
        assert api.get(keyless).status_code == 200, keyless
    preflight = api.options("/v1/articles", headers={"Origin": "https://klinik.example"})
    assert preflight.status_code != 403  # a CORS preflight never carries the key
    assert api.get("/v1/frame/kram-otot-betis/penyebab").status_code == 200
    assert api.get("/v1/embed/kram-otot-betis/penyebab").status_code == 200


def test_a_revoked_key_is_refused_and_listed_as_revoked(seeded_fresh: LocalStack) -> None:
    printed = _cli("partners", "add", "klinik-lama", "--plan", "free")
    assert printed.exit_code == 0, printed.output
    # Captured by a script, each line is whole: none is wrapped at 80 columns.
    announcement, key, last = printed.output.splitlines()
    shown_once = r"Partner klinik-lama has key \w+ in plan free\. Give them this value, shown once:"
    assert re.fullmatch(shown_once, announcement)
    assert re.fullmatch(r"[A-Za-z0-9]{20,}", key) and last == "They send it in the x-api-key header."
    api = _runner(seeded_fresh)
    assert api.get("/v1/articles", headers={"x-api-key": key}).status_code == 200
    revoked = _cli("partners", "revoke", "klinik-lama")
    assert revoked.exit_code == 0, revoked.output
    assert api.get("/v1/articles", headers={"x-api-key": key}).status_code == 403
    listed = _cli("partners", "list")
    assert re.search(r"klinik-lama\s+│\s+\w+\s+│\s+free\s+│\s+revoked", listed.output), listed.output
    assert _cli("partners", "revoke", "klinik-lama").exit_code == ExitCode.NOT_FOUND


def test_a_partner_is_given_one_key_at_a_time_and_only_in_a_plan_that_exists(seeded_fresh: LocalStack) -> None:
    _add("klinik-satu", "partner")
    again = _cli("partners", "add", "klinik-satu", "--plan", "free")
    assert again.exit_code == ExitCode.USAGE and "already has a key" in again.output
    unknown = _cli("partners", "add", "klinik-dua", "--plan", "gold")
    assert unknown.exit_code == ExitCode.USAGE and "one of: free, partner" in unknown.output
    bad_name = _cli("partners", "add", "klinik dua!", "--plan", "free")
    assert bad_name.exit_code == ExitCode.USAGE


def test_with_keys_off_every_caller_is_anonymous(seeded_fresh: LocalStack, capsys: pytest.CaptureFixture[str]) -> None:
    api = _runner(seeded_fresh, required=False)
    capsys.readouterr()
    answered = api.get("/v1/articles/kram-otot-betis", headers={"x-api-key": "ignored-without-keys"})
    assert answered.status_code == 200 and "RateLimit-Policy" not in answered.headers  # no stage limit configured
    assert '"partner":"anonymous"' in capsys.readouterr().out.replace(" ", "")


def test_the_stage_limit_is_the_policy_of_callers_without_a_key(
    seeded_fresh: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAGE_RATE_LIMIT", "100")

    api_handler.reset()
    answered = _runner(seeded_fresh, required=False).get("/v1/articles")
    assert answered.headers["RateLimit-Policy"] == '"stage";q=100;w=1'
    problem = _runner(seeded_fresh, required=False).get("/v1/articles/tidak-ada")
    assert problem.status_code == 404 and problem.headers["RateLimit-Policy"] == '"stage";q=100;w=1'  # errors too


def test_a_reused_rendering_still_carries_each_callers_own_policy(seeded_fresh: LocalStack) -> None:
    klinik, apotek = _add("klinik-berulang", "partner"), _add("apotek-berulang", "free")
    api = _runner(seeded_fresh)
    article = "/v1/articles/kram-otot-betis"
    callers = [{"x-api-key": klinik}, {"x-api-key": apotek}]
    first = [api.get(article, headers=headers) for headers in callers]
    again = [api.get(article, headers=headers) for headers in reversed(callers)][::-1]
    for before, repeated in zip(first, again, strict=True):
        assert repeated.status_code == 200 and repeated.get_data() == before.get_data()
        assert repeated.headers["RateLimit-Policy"] == before.headers["RateLimit-Policy"]
        assert repeated.headers["Vary"] == before.headers["Vary"] and "x-api-key" in repeated.headers["Vary"]
    assert "partner-rate" in again[0].headers["RateLimit-Policy"]
    assert "free-rate" in again[1].headers["RateLimit-Policy"]
    head = api.head(article, headers=callers[0])
    assert head.status_code == 200 and head.get_data() == b"" and head.headers["ETag"] == first[0].headers["ETag"]
