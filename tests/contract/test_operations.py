"""What operators rely on in template.yaml: alarms, retained state, access logs, and gateway answers that are
complete problem documents of documented types."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from api.problem_types import PROBLEM_TYPES
from health_content import observability
from health_content.publishing.report import PublishStatus
from infra.template import REPO_ROOT, load_template, metrics_namespace, resource_properties

STATEFUL = ("AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::Logs::LogGroup", "AWS::SQS::Queue")


@pytest.mark.slow
def test_cfn_lint_finds_nothing() -> None:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), "template.yaml"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_every_stateful_resource_is_kept_when_the_stack_goes() -> None:
    resources = load_template()["Resources"]
    stateful = {name: r for name, r in resources.items() if r["Type"] in STATEFUL}
    # bucket and its audit-log bucket, table, eight log groups, the ingest queue and its failure queue, the
    # webhook's delivery queue and its dead-letter queue, the CDN invalidation queue and its dead-letter queue
    assert len(stateful) == 17
    for name, resource in stateful.items():
        assert (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy")) == ("Retain", "Retain"), name


NAMESPACE = metrics_namespace()


def _alarms() -> dict[str, dict[str, object]]:
    resources = load_template()["Resources"]
    return {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}


def test_an_alarm_watches_each_way_the_service_can_fail() -> None:
    watched = {(alarm["Namespace"], alarm["MetricName"]) for alarm in _alarms().values()}
    assert watched >= {
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),  # ingest events that failed after retries
        (NAMESPACE, "DocumentsRejected"),
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        (NAMESPACE, "StaleResponses"),
        (NAMESPACE, "UnreadableDocuments"),
        (NAMESPACE, "ArticlesOverdueForReview"),  # medical review, not uptime
    }
    for name, alarm in _alarms().items():
        assert alarm["AlarmActions"] == {
            "Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]
        }, name
        # A daily count keeps its state between runs; every other alarm is clear when nothing happens.
        assert alarm["TreatMissingData"] == ("ignore" if name == "OverdueReviewsAlarm" else "notBreaching"), name
        assert "docs/operations.md" in str(alarm["AlarmDescription"]), name  # where the runbook is


def test_the_runbook_says_what_to_do_about_every_alarm() -> None:
    runbook = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    alarms_table = runbook.split("## Alarms", 1)[1].split("\n## ", 1)[0]
    assert [name for name in sorted(_alarms()) if f"`{name}`" not in alarms_table] == []


def test_the_metrics_alarms_watch_are_the_ones_the_functions_emit() -> None:
    source = "\n".join(path.read_text() for path in (REPO_ROOT / "functions").rglob("*.py"))
    emitted = set(re.findall(r'add_metric\(name="(\w+)"', source))
    emitted |= {f"Documents{status.value.title()}" for status in PublishStatus}  # ingest: one per outcome
    custom = {str(alarm["MetricName"]) for alarm in _alarms().values() if alarm["Namespace"] == NAMESPACE}
    assert custom <= emitted


def test_access_logs_are_opt_in() -> None:
    template = load_template()
    assert template["Parameters"]["EnableAccessLogs"]["Default"] == "false"
    setting = resource_properties("Api")["AccessLogSetting"]["Fn::If"]
    assert setting[0] == "AccessLogsEnabled" and setting[2] == {"Ref": "AWS::NoValue"}
    assert "sourceIp" not in setting[1]["Format"]  # no IP addresses stored
    assert template["Resources"]["ApiAccessLogGroup"]["Condition"] == "AccessLogsEnabled"


def _gateway_responses() -> dict[str, dict[str, object]]:
    responses: dict[str, dict[str, object]] = resource_properties("Api")["GatewayResponses"]
    return responses


@pytest.mark.parametrize("name", sorted(_gateway_responses()))
def test_a_gateway_answer_is_a_complete_problem_document_of_a_documented_type(name: str) -> None:
    response = _gateway_responses()[name]
    status = int(str(response["StatusCode"]))
    headers = response["ResponseParameters"]["Headers"]  # type: ignore[index]
    assert headers["Content-Type"] == "'application/problem+json'"
    assert headers["Cache-Control"] == "'no-store'" and headers["X-Content-Type-Options"] == "'nosniff'"
    if status == 429 or status >= 500:
        assert re.fullmatch(r"'\d+'", headers["Retry-After"]), name
    template = response["ResponseTemplates"]["application/json"]  # type: ignore[index]
    # API Gateway fills $context variables in; the string ones come quoted, messageString quotes itself.
    filled = template.replace("$context.error.messageString", '"a message"')
    filled = re.sub(r"\$context\.[A-Za-z.]+", "value", filled)
    body = json.loads(filled)
    assert body["status"] == status
    assert set(body) == {"type", "title", "status", "detail", "instance", "request_id"}
    slug = body["type"].removeprefix("/problems/")
    assert slug in PROBLEM_TYPES, f"{body['type']} is not documented by /problems/{{type}}"
    assert body["title"] == PROBLEM_TYPES[slug].title  # word for word, as the API's own problems say it
    assert PROBLEM_TYPES[slug].status // 100 == status // 100


def test_the_functions_fall_back_to_the_service_names_the_template_gives_them() -> None:
    from infra.template import service_name

    assert (service_name(), metrics_namespace()) == (observability.SERVICE_NAME, observability.METRICS_NAMESPACE)
