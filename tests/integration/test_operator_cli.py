"""The operator CLI speaks plainly: one or two lines and an exit code for each failure, a dry run, a status,
unpublishing with a reason, and never "unchanged" for a document that is not being served."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from typer.testing import CliRunner

from api import handler as api_handler
from health_content import __version__
from health_content.storage.s3 import S3ContentSource
from infra import publish
from infra.aws_target import ExitCode
from infra.cli import app as cli
from infra.local.stack import LocalStack
from tests.conftest import SEED_KEY
from tests.integration.conftest import BUCKET, TABLE, call_api, ingest
from tests.local_stack_process import free_port

runner = CliRunner()


def _run(*args: str) -> Any:
    return runner.invoke(cli, list(args))


def test_version() -> None:
    result = _run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"content-api {__version__}"


@pytest.mark.enable_socket
def test_an_unreachable_local_stack_is_one_line_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    endpoint = f"http://127.0.0.1:{free_port()}"
    result = _run("status", "--bucket", BUCKET, "--endpoint-url", endpoint)
    assert result.exit_code == ExitCode.UNREACHABLE
    assert result.output.strip().splitlines() == [
        f"Could not reach {endpoint}. Is the local stack running (make serve)?"
    ]
    debug = _run("--debug", "status", "--bucket", BUCKET, "--endpoint-url", endpoint)
    assert debug.exception is not None and "EndpointConnectionError" in type(debug.exception).__name__


def test_no_credentials_say_how_to_give_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = _run("status", "--bucket", BUCKET)
    assert result.exit_code == ExitCode.SETUP
    assert result.output.startswith("No AWS credentials were found.") and len(result.output.splitlines()) == 2


def test_no_region_says_how_to_set_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    result = _run("status", "--stack", "contenido")
    assert result.exit_code == ExitCode.SETUP
    assert result.output.strip() == "No AWS region is set. Pass --region or set AWS_DEFAULT_REGION."


def test_an_unknown_stack_or_bucket_is_named(stack: LocalStack) -> None:
    result = _run("status", "--stack", "nope", "--region", "us-east-1")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.output.strip() == "There is no stack 'nope' in us-east-1. Check --stack and --region."
    result = _run("status", "--bucket", "no-such-bucket")
    assert result.exit_code == ExitCode.NOT_FOUND and "Bucket no-such-bucket does not exist" in result.output
    assert "Traceback" not in result.output


def test_a_dry_run_uploads_nothing(stack: LocalStack, s3: Any) -> None:
    result = _run("publish", "--bucket", BUCKET, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "articles/id/kram-otot-betis.json" in result.output and "uploaded" in result.output
    assert "Dry run: nothing was uploaded" in result.output
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


def test_a_forced_dry_run_says_every_document_would_be_uploaded(seeded_fresh: LocalStack) -> None:
    assert "kept as it is" in _run("publish", "--bucket", BUCKET, "--dry-run").output
    forced = _run("publish", "--bucket", BUCKET, "--dry-run", "--force")
    assert forced.exit_code == 0 and "kept as it is" not in forced.output and "uploaded" in forced.output


def test_status_shows_what_is_served_and_what_is_not(seeded_fresh: LocalStack, s3: Any, seed_document) -> None:
    result = _run("status", "--bucket", BUCKET)
    assert result.exit_code == 0 and "2 of 2 document(s)" in result.output and "published" in result.output
    s3.put_object(Bucket=BUCKET, Key=SEED_KEY, Body=json.dumps({**seed_document, "title": ""}).encode())
    ingest(seeded_fresh)
    result = _run("status", "--bucket", BUCKET)
    assert result.exit_code == ExitCode.CONTENT
    assert "rejected" in result.output and "1 of 2 document(s)" in result.output


def test_unpublishing_keeps_the_history_and_the_reason(seeded_fresh: LocalStack, s3: Any) -> None:
    reason = "Ditinjau ulang oleh dokter"
    dry = _run("unpublish", "kram-otot-betis", "--reason", reason, "--bucket", BUCKET, "--dry-run")
    assert dry.exit_code == 0 and "nothing was changed" in dry.output
    assert call_api("GET", "/v1/articles/kram-otot-betis").status_code == 200

    result = _run("unpublish", "kram-otot-betis", "--reason", reason, "--bucket", BUCKET, "--no-wait")
    assert result.exit_code == 0, result.output
    [report] = ingest(seeded_fresh)
    assert report["status"] == "removed"
    outcome = json.loads(s3.get_object(Bucket=BUCKET, Key=f"reports/{SEED_KEY}")["Body"].read())
    assert outcome["reason"] == reason
    api_handler.reset()  # a warm container keeps serving its copy for the cache TTL; a new one does not
    gone = call_api("GET", "/v1/articles/kram-otot-betis")
    assert gone.status_code == 410 and gone.get_json()["reason"] == reason
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix=SEED_KEY)
    assert len(versions["Versions"]) == 1 and len(versions["DeleteMarkers"]) == 1  # the text is kept


def test_publishing_again_forgets_the_old_withdrawal_reason(seeded_fresh: LocalStack, s3: Any) -> None:
    assert _run("unpublish", "kram-otot-betis", "--reason", "Lama", "--bucket", BUCKET, "--no-wait").exit_code == 0
    ingest(seeded_fresh)
    assert _run("publish", "--bucket", BUCKET, "--no-wait").exit_code == 0
    assert [r["status"] for r in ingest(seeded_fresh)] == ["published"]
    s3.delete_object(Bucket=BUCKET, Key=SEED_KEY)  # removed later, by other means and for no stated reason
    [report] = ingest(seeded_fresh)
    outcome = json.loads(s3.get_object(Bucket=BUCKET, Key=f"reports/{SEED_KEY}")["Body"].read())
    assert report["status"] == outcome["status"] == "removed" and outcome.get("reason") is None


def test_an_upload_racing_an_unpublish_cannot_lose_its_reason(seeded_fresh: LocalStack, s3: Any) -> None:
    # Two operators at once: one records the reason and is about to delete; the other's upload lands between.
    source = S3ContentSource(s3, BUCKET)
    source.record_retraction(SEED_KEY, "Ditarik karena ralat", dt.datetime.now(dt.UTC))
    body = json.loads(s3.get_object(Bucket=BUCKET, Key=SEED_KEY)["Body"].read())
    changed = json.dumps({**body, "summary": body["summary"] + " Diperbarui."}).encode()
    racing = publish.LocalDocument(Path("racing.json"), SEED_KEY, changed, None)
    publish.upload(s3, BUCKET, [racing])
    s3.delete_object(Bucket=BUCKET, Key=SEED_KEY)
    reports = ingest(seeded_fresh)
    assert reports[-1]["status"] == "removed"
    api_handler.reset()
    gone = call_api("GET", "/v1/articles/kram-otot-betis")
    assert gone.status_code == 410 and gone.get_json()["reason"] == "Ditarik karena ralat"
    # Used up by the removal it was for: a later removal, for no stated reason, does not report it again.
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="retractions/")["KeyCount"] == 0


def test_an_operator_learns_the_outcome_of_a_version_replaced_since(seeded_fresh: LocalStack, s3: Any) -> None:
    body = json.loads(s3.get_object(Bucket=BUCKET, Key=SEED_KEY)["Body"].read())
    changed = json.dumps({**body, "summary": body["summary"] + " Versi saya."}).encode()
    mine = publish.LocalDocument(Path("mine.json"), SEED_KEY, changed, None)
    [upload] = publish.upload(s3, BUCKET, [mine])
    ingest(seeded_fresh)
    s3.put_object(Bucket=BUCKET, Key=SEED_KEY, Body=json.dumps({**body, "title": ""}).encode())  # someone else's
    ingest(seeded_fresh)
    reports = publish.wait_for_reports(s3, BUCKET, [upload], timeout=0)
    report = reports[SEED_KEY]
    assert report is not None and report.version_id == upload.version_id and report.status.value == "published"


def test_the_change_log_names_the_operator_who_published_and_who_retracted(seeded_fresh: LocalStack, s3: Any) -> None:
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE)

    def newest_entry() -> dict[str, Any]:
        entries = table.query(KeyConditionExpression=Key("pk").eq("CHANGES"), ScanIndexForward=False, Limit=1)
        return dict(entries["Items"][0])

    body = json.loads(s3.get_object(Bucket=BUCKET, Key=SEED_KEY)["Body"].read())
    changed = json.dumps({**body, "summary": body["summary"] + " Diperbarui."}).encode()
    editor = "arn:aws:iam::123456789012:user/editor"
    publish.upload(s3, BUCKET, [publish.LocalDocument(Path("a.json"), SEED_KEY, changed, None)], published_by=editor)
    ingest(seeded_fresh)
    assert newest_entry()["actor"] == editor
    operator = boto3.client("sts", region_name="us-east-1").get_caller_identity()["Arn"]  # the CLI's caller
    assert _run("unpublish", "kram-otot-betis", "--reason", "Ditarik", "--bucket", BUCKET, "--no-wait").exit_code == 0
    ingest(seeded_fresh)
    retracted = newest_entry()
    assert (retracted["change"], retracted["actor"]) == ("retracted", operator)
    # The audit trail is the operators': the public feed does not name them.
    assert "actor" not in json.dumps(call_api("GET", "/v1/changes").get_json())


def test_waiting_for_a_removal_ignores_the_operators_clock(seeded_fresh: LocalStack, s3: Any) -> None:
    ahead = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)  # a laptop clock an hour fast
    last_report = publish.unpublish(s3, BUCKET, SEED_KEY, "Ditarik", now=ahead)
    assert publish.wait_for_removal(s3, BUCKET, SEED_KEY, last_report, timeout=0) is None  # not yet removed
    ingest(seeded_fresh)
    report = publish.wait_for_removal(s3, BUCKET, SEED_KEY, last_report, timeout=0)
    assert report is not None and report.reason == "Ditarik"


def test_unpublishing_an_unknown_article_changes_nothing(seeded_fresh: LocalStack, s3: Any) -> None:
    result = _run("unpublish", "tidak-ada", "--reason", "x", "--bucket", BUCKET)
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "No article 'tidak-ada' in locale 'id'" in result.output
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="retractions/")["KeyCount"] == 0


def test_a_document_that_was_never_served_is_not_called_unchanged(stack: LocalStack, s3: Any) -> None:
    # The taxonomy goes up before its article: ingest rejects it (its mentions point nowhere).
    documents = publish.collect()
    causes = [d for d in documents if d.key.startswith("causes/")]
    articles = [d for d in documents if d.key.startswith("articles/")]
    publish.upload(s3, BUCKET, causes)
    assert [r["status"] for r in ingest(stack)] == ["rejected"]
    publish.upload(s3, BUCKET, articles)
    assert [r["status"] for r in ingest(stack)] == ["published"]

    result = _run("publish", "--bucket", BUCKET, "--no-wait")
    assert result.exit_code == 0, result.output
    assert "1 uploaded (1 again: the bucket had them, but they were not being served), 1 unchanged" in " ".join(
        result.output.split()
    )
    assert [r["status"] for r in ingest(stack)] == ["published"]
    assert (
        boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket=BUCKET, Prefix="reports/")["KeyCount"] == 2
    )


def test_status_names_the_articles_past_their_next_review(
    seeded_fresh: LocalStack, s3: Any, seed_document: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # a wide terminal, so that no cell of the table wraps
    result = _run("status", "--bucket", BUCKET)
    assert "not reviewed" in result.output and "past their next medical review" not in result.output
    review = {
        "reviewed_at": "2025-01-10",
        "reviewed_by": {"name": "dr. Sari Wulandari", "qualification": "Dokter spesialis saraf"},
        "next_review": "2026-01-10",
    }
    s3.put_object(Bucket=BUCKET, Key=SEED_KEY, Body=json.dumps({**seed_document, "review": review}).encode())
    ingest(seeded_fresh)
    result = _run("status", "--bucket", BUCKET)
    assert "OVERDUE: reviewed 2025-01-10, next 2026-01-10" in " ".join(result.output.split())
    assert f"1 article(s) past their next medical review: {SEED_KEY}" in " ".join(result.output.split())


def test_a_validation_message_is_printed_as_it_is_not_read_as_markup(tmp_path: Path, seed_document) -> None:
    # Pydantic quotes the tag pattern, ^[a-z0-9][a-z0-9 -]{0,49}$, which Rich would read as a style.
    article = tmp_path / "articles" / "id" / "kram-otot-betis.json"
    article.parent.mkdir(parents=True)
    article.write_text(json.dumps({**seed_document, "tags": ["Bukan Tag!"]}), encoding="utf-8")
    pattern = "String should match pattern '^[a-z0-9][a-z0-9 -]{0,49}$'"
    for command in (["validate"], ["publish", "--bucket", BUCKET]):
        result = _run(*command, "--content", str(tmp_path))
        assert result.exit_code == ExitCode.CONTENT and f"tags.0: {pattern}" in result.output, result.output
    found = json.loads(_run("validate", "--content", str(tmp_path), "--json").stdout)
    assert (found["valid"], found["invalid"]) == (0, 1)
    assert found["documents"][0]["reasons"] == [f"tags.0: {pattern}"]


def test_status_gives_a_script_whole_names_and_json(seeded_fresh: LocalStack) -> None:
    table = _run("status", "--bucket", BUCKET)  # not a terminal: nothing is cut to fit one
    assert SEED_KEY in table.output and "causes/causes.json" in table.output and "…" not in table.output
    found = json.loads(_run("status", "--bucket", BUCKET, "--json").stdout)
    assert found["served"] == 2 and [d["key"] for d in found["documents"]] == [SEED_KEY, "causes/causes.json"]
    article = found["documents"][0]
    assert (article["verdict"], article["served"], article["review"]["status"]) == ("published", True, "not-reviewed")
