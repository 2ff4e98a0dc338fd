"""Publish -> S3 event -> ingest -> DynamoDB -> API, against moto through the real handlers."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner

from health_content.storage.s3 import STATUS_TAG, report_key
from infra import publish
from infra.aws_target import ExitCode
from infra.cli import app as cli
from infra.local.stack import LocalStack
from ingest import handler as ingest_handler
from tests.conftest import SEED_ARTICLE_PATH, SEED_KEY, document_bytes
from tests.integration.conftest import BUCKET, TABLE, call_api, ingest, put_document


def _tag(s3: Any, key: str, version_id: str) -> str | None:
    tags = s3.get_object_tagging(Bucket=BUCKET, Key=key, VersionId=version_id)["TagSet"]
    return next((t["Value"] for t in tags if t["Key"] == STATUS_TAG), None)


def _report(s3: Any, key: str) -> dict[str, Any]:
    return json.loads(s3.get_object(Bucket=BUCKET, Key=report_key(key))["Body"].read())


def _index_items() -> list[dict[str, Any]]:
    """The article items of the serving index."""
    items = boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE).scan()["Items"]
    return [item for item in items if item["pk"].startswith("ARTICLES#")]


def test_published_content_is_served(seeded_fresh: LocalStack, s3: Any) -> None:
    response = call_api("GET", "/v1/articles/kram-otot-betis")
    assert response.status_code == 200
    assert response.get_json()["title"] == "Gerak Otot Betis saat Kaki Kram"
    version = s3.head_object(Bucket=BUCKET, Key=SEED_KEY)["VersionId"]
    assert _tag(s3, SEED_KEY, version) == "published"
    assert _report(s3, SEED_KEY)["status"] == "published"


def test_a_new_version_replaces_the_article_in_one_write(
    seeded_fresh: LocalStack, s3: Any, seed_document, request: pytest.FixtureRequest
) -> None:
    writes: list[str] = []
    write_operations = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}

    def record(model: Any, **_: Any) -> None:
        if model.name in write_operations:
            writes.append(model.name)

    events = boto3._get_default_session().events
    events.register("before-call.dynamodb", record)
    request.addfinalizer(lambda: events.unregister("before-call.dynamodb", record))  # the session outlives the test
    ingest_handler.reset()  # the next invocation builds its client on the session that records calls
    changed = {**seed_document, "title": "Judul baru", "sections": seed_document["sections"][:3]}
    put_document(s3, SEED_KEY, document_bytes(changed))
    assert [r["status"] for r in ingest(seeded_fresh)] == ["published"]

    # The whole article, sections and all, with its change-log entry, in a single atomic write; then the relay
    # claims the pending-event marker and clears it once the bus has the event.
    assert writes == ["TransactWriteItems", "UpdateItem", "BatchWriteItem"]
    items = _index_items()
    assert len(items) == 1
    body = call_api("GET", "/v1/articles/kram-otot-betis").get_json()
    assert body["title"] == "Judul baru"
    assert [s["id"] for s in body["sections"]] == [s["id"] for s in changed["sections"]]


def test_the_publish_command_uploads_nothing_when_nothing_changed(seeded_fresh: LocalStack, s3: Any) -> None:
    assert [u.uploaded for u in publish.upload(s3, BUCKET, publish.collect())] == [False, False]
    assert ingest(seeded_fresh) == []


def test_publishing_the_same_document_again_is_idempotent(seeded_fresh: LocalStack, s3: Any) -> None:
    before_items = _index_items()
    before = call_api("GET", "/v1/articles/kram-otot-betis")
    # Re-uploading the same bytes makes a new S3 version and a new event.
    new_version = put_document(s3, SEED_KEY, SEED_ARTICLE_PATH.read_bytes())
    assert [r["status"] for r in ingest(seeded_fresh)] == ["unchanged"]
    assert _tag(s3, SEED_KEY, new_version) == "unchanged"
    assert _index_items() == before_items
    after = call_api("GET", "/v1/articles/kram-otot-betis")
    assert after.headers["ETag"] == before.headers["ETag"]
    assert after.headers["Last-Modified"] == before.headers["Last-Modified"]


def test_an_invalid_document_is_rejected_visibly_and_the_old_version_stays(seeded_fresh, s3, seed_document) -> None:
    before_items = _index_items()
    before = call_api("GET", "/v1/articles/kram-otot-betis")
    broken = {**seed_document, "disclaimer": "", "sections": [{"id": "x", "heading": "x", "aspect": "Nope"}]}
    bad_version = put_document(s3, SEED_KEY, document_bytes(broken))

    [result] = ingest(seeded_fresh)

    assert result["status"] == "rejected"
    assert any(reason.startswith("disclaimer:") for reason in result["reasons"])
    assert any(reason.startswith("sections.0.aspect:") for reason in result["reasons"])
    assert _tag(s3, SEED_KEY, bad_version) == "rejected"
    report = _report(s3, SEED_KEY)
    assert report["status"] == "rejected" and report["version_id"] == bad_version
    assert report["reasons"] == result["reasons"]
    assert _index_items() == before_items
    after = call_api("GET", "/v1/articles/kram-otot-betis")
    assert after.status_code == 200 and after.headers["ETag"] == before.headers["ETag"]


def test_a_document_that_is_not_json_is_rejected(seeded_fresh: LocalStack, s3: Any) -> None:
    put_document(s3, SEED_KEY, b"<html>oops</html>")
    [result] = ingest(seeded_fresh)
    assert result["status"] == "rejected" and "Invalid JSON" in result["reasons"][0]
    assert call_api("GET", "/v1/articles/kram-otot-betis").status_code == 200


def test_deleting_a_document_unpublishes_it(seeded_fresh: LocalStack, s3: Any) -> None:
    s3.delete_object(Bucket=BUCKET, Key=SEED_KEY)
    # moto sends no event for a delete marker; the local stack sends the one S3 sends, which the template subscribes to.
    assert [r["status"] for r in ingest(seeded_fresh)] == ["removed"]
    assert call_api("GET", "/v1/articles/kram-otot-betis").status_code == 410  # retracted, not unknown
    assert _index_items() == []


def test_reports_do_not_trigger_ingest(seeded_fresh: LocalStack, s3: Any) -> None:
    # The ingest function writes reports/...; the template's prefix filter must keep them out.
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="reports/")["KeyCount"] == 2
    assert ingest(seeded_fresh) == []


def _content_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    for folder in ("articles", "causes"):
        shutil.copytree(publish.CONTENT_DIR / folder, content / folder)
    return content


def test_the_publish_command_refuses_everything_when_one_document_is_invalid(
    stack: LocalStack, s3: Any, tmp_path: Path, seed_document
) -> None:
    content = _content_copy(tmp_path)
    bad = {**seed_document, "slug": "artikel-rusak", "title": ""}
    (content / "articles" / "id" / "artikel-rusak.json").write_text(json.dumps(bad), encoding="utf-8")

    result = CliRunner().invoke(cli, ["publish", "--bucket", BUCKET, "--content", str(content)])

    assert result.exit_code == 1
    assert "artikel-rusak.json" in result.output and "title" in result.output
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


def test_the_publish_command_uploads_and_reports(stack: LocalStack, s3: Any, tmp_path: Path) -> None:
    content = _content_copy(tmp_path)
    result = CliRunner().invoke(cli, ["publish", "--bucket", BUCKET, "--content", str(content), "--no-wait"])
    assert result.exit_code == 0, result.output
    assert "2 uploaded, 0 unchanged" in result.output
    assert [r["status"] for r in ingest(stack)] == ["published", "published"]

    again = CliRunner().invoke(cli, ["publish", "--bucket", BUCKET, "--content", str(content)])
    assert again.exit_code == 0 and "0 uploaded, 2 unchanged" in again.output


def test_the_publish_command_waits_for_the_ingest_verdict(stack: LocalStack, s3: Any, tmp_path: Path) -> None:
    content = _content_copy(tmp_path)
    # No ingest runs here, so the wait ends with the document still pending: an operator must look.
    result = CliRunner().invoke(cli, ["publish", "--bucket", BUCKET, "--content", str(content), "--timeout", "0.2"])
    assert result.exit_code == ExitCode.PENDING
    assert "pending" in result.output


def test_the_publish_command_needs_exactly_one_target() -> None:
    result = CliRunner().invoke(cli, ["publish"])
    assert result.exit_code == 2


@pytest.mark.parametrize("name", ["validate"])
def test_validate_command_passes_on_the_repository_content(name: str) -> None:
    result = CliRunner().invoke(cli, [name])
    assert result.exit_code == 0 and "2 valid, 0 invalid" in result.output


def test_validate_rejects_an_article_that_fits_as_a_file_but_not_as_stored(tmp_path: Path, seed_document) -> None:
    # 2,700 short lists and a long summary: the stored item adds each list's `"id":null` and the listing's
    # copy of the summary, so a compact 392 KB file becomes a 424 KB item, over DynamoDB's 400 KB.
    lists = [{"type": "list", "ordered": False, "items": ["kata " * 19]} for _ in range(30)]
    sections = [
        {"id": f"b-{n}", "heading": "Bagian", "aspect": "OverviewHealthAspect", "blocks": lists} for n in range(90)
    ]
    big = {**seed_document, "slug": "artikel-besar", "summary": "ringkasan " * 499, "sections": sections}
    content = _content_copy(tmp_path)
    path = content / "articles" / "id" / "artikel-besar.json"
    path.write_text(json.dumps(big, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    assert path.stat().st_size < 400 * 1024

    result = CliRunner().invoke(cli, ["validate", "--content", str(content)])

    assert result.exit_code == 1
    assert "artikel-besar.json" in result.output
    assert "bytes in the serving index; a DynamoDB item holds at most 409,600" in " ".join(result.output.split())


def test_a_bulk_publish_uploads_in_parallel_shows_progress_and_summarises(
    stack: LocalStack, tmp_path: Path, seed_document
) -> None:
    content = _content_copy(tmp_path)
    for n in range(12):
        slug = f"artikel-{n:02d}"
        article = {**seed_document, "slug": slug, "title": f"Artikel {n}"}
        (content / "articles" / "id" / f"{slug}.json").write_text(json.dumps(article), encoding="utf-8")
    stop = threading.Event()

    def pump() -> None:  # the ingest function, as `make serve` plays it, while the command waits
        while not stop.is_set():
            stack.deliver_events(ingest_handler.lambda_handler, wait_seconds=1)

    pumping = threading.Thread(target=pump, daemon=True)
    pumping.start()
    try:
        result = CliRunner().invoke(
            cli, ["publish", "--bucket", BUCKET, "--content", str(content), "--concurrency", "4", "--timeout", "60"]
        )
    finally:
        stop.set()
        pumping.join(timeout=10)

    assert result.exit_code == 0, result.output
    # Progress on stderr, one line per step at least: how many of how many, the rate.
    assert "Uploading articles: 13/13 (100%)" in result.stderr
    assert "Ingest verdicts on articles: 13/13 (100%)" in result.stderr
    assert "Uploading causes: 1/1 (100%)" in result.stderr
    assert "14 uploaded, 0 unchanged" in result.stdout
    assert "Published 14, unchanged 0, rejected 0, pending 0, in " in result.stdout
    assert call_api("GET", "/v1/articles/artikel-11").status_code == 200


def test_the_default_wait_for_verdicts_grows_with_the_number_of_documents() -> None:
    # 1,000 articles waited 120 s and ended with 468 verdicts pending (issue 19).
    assert publish.wait_timeout(1) < 150
    assert publish.wait_timeout(1_000) >= 1_000 * 0.37 + 120  # the local stack's old pace, with room
    assert publish.wait_timeout(20_000) > publish.wait_timeout(1_000) * 10
