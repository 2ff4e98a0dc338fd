"""The change feed and the change events, through the real ingest and API handlers on moto.

Each test builds its own stack: they all change what is published.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest

from api import handler as api_handler
from health_content.changes.feed import cursor_after
from infra import publish
from infra.local.events import LambdaContextStub
from infra.local.stack import LocalStack
from ingest import relay
from tests.conftest import document_bytes
from tests.integration.conftest import BUCKET, TABLE, assert_problem, call_api, ingest, put_document

ARTICLE_KEY = "articles/id/kram-otot-betis.json"
CAUSES_KEY = "causes/causes.json"


def _documents() -> dict[str, dict[str, Any]]:
    return {document.key: json.loads(document.body) for document in publish.collect()}


def _publish(stack: LocalStack, s3: Any, key: str, document: dict[str, Any]) -> list[str]:
    put_document(s3, key, document_bytes(document))
    return [result["status"] for result in ingest(stack)]


def _retract(stack: LocalStack, s3: Any, key: str, reason: str | None) -> list[str]:
    if reason is None:
        s3.delete_object(Bucket=BUCKET, Key=key)
    else:
        publish.unpublish(s3, BUCKET, key, reason, now=dt.datetime.now(dt.UTC))
    return [result["status"] for result in ingest(stack)]


def _walk(since: str | None = None, limit: int = 3) -> tuple[list[dict[str, Any]], str]:
    """Every change after ``since``, following `links.next` while `more`; and the last cursor."""
    changes: list[dict[str, Any]] = []
    query: dict[str, Any] = {"limit": str(limit)} if since is None else {"limit": str(limit), "since": since}
    while True:
        response = call_api("GET", "/v1/changes", query=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_json()
        changes.extend(page["changes"])
        if not page["more"]:
            return changes, page["cursor"]
        query = {"limit": str(limit), "since": page["cursor"]}


def _steps(changes: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(change["kind"], change["change"], change["reason"]) for change in changes]


def test_every_step_appears_once_in_order_with_its_reason_in_the_feed_and_on_the_bus(
    stack: LocalStack, s3: Any
) -> None:
    documents = _documents()
    article, causes = documents[ARTICLE_KEY], documents[CAUSES_KEY]
    updated = {**article, "title": "Kram Otot Betis dan Kejang"}
    correction = {"original": "kram", "corrected": "kram otot", "reason": "Istilah diperjelas oleh redaksi"}
    corrected = {**updated, "corrections": [*article["corrections"], correction]}
    first_cause = {**causes["causes"][0], "name": {**causes["causes"][0]["name"], "en": "Dehydration (updated)"}}
    updated_causes = {**causes, "causes": [first_cause, *causes["causes"][1:]]}

    assert _publish(stack, s3, ARTICLE_KEY, article) == ["published"]
    assert _publish(stack, s3, CAUSES_KEY, causes) == ["published"]
    _, saved_cursor = _walk()
    assert _publish(stack, s3, ARTICLE_KEY, updated) == ["published"]
    assert _publish(stack, s3, ARTICLE_KEY, updated) == ["unchanged"]  # identical content adds nothing
    assert _publish(stack, s3, ARTICLE_KEY, corrected) == ["published"]
    assert _publish(stack, s3, CAUSES_KEY, updated_causes) == ["published"]
    assert _retract(stack, s3, ARTICLE_KEY, "Sumber asli ditarik penerbitnya") == ["removed"]
    assert _retract(stack, s3, CAUSES_KEY, None) == ["removed"]
    assert _publish(stack, s3, ARTICLE_KEY, corrected) == ["published"]
    assert _publish(stack, s3, CAUSES_KEY, updated_causes) == ["published"]

    expected = [
        ("article", "published", None),
        ("causes", "published", None),
        ("article", "updated", None),
        ("article", "corrected", "Istilah diperjelas oleh redaksi"),
        ("causes", "updated", None),
        ("article", "retracted", "Sumber asli ditarik penerbitnya"),
        ("causes", "retracted", None),
        ("article", "published", None),
        ("causes", "published", None),
    ]
    changes, cursor = _walk()
    assert _steps(changes) == expected
    assert [change["sequence"] for change in changes] == list(range(1, 10))
    assert {change["id"] for change in changes if change["kind"] == "article"} == {"kram-otot-betis"}
    assert changes[0]["links"] == {"self": "/v1/articles/kram-otot-betis"}
    assert changes[1]["links"] == {"self": "/v1/causes"} and changes[1]["locale"] is None
    served = call_api("GET", "/v1/articles").get_json()["items"][0]["version"]
    assert changes[-2]["version"] == served and changes[5]["version"] is None

    after_saved, _ = _walk(saved_cursor)
    assert _steps(after_saved) == expected[2:]
    assert _walk(cursor) == ([], cursor)  # nothing new: an empty page gives the cursor back

    events = stack.received_events()
    assert [event["detail-type"] for event in events] == [
        "Article Published",
        "Causes Published",
        "Article Updated",
        "Article Corrected",
        "Causes Updated",
        "Article Retracted",
        "Causes Retracted",
        "Article Published",
        "Causes Published",
    ]
    assert [event["source"] for event in events] == ["health-content.publishing"] * 9
    feed_fields = [{name: value for name, value in change.items() if name != "links"} for change in changes]
    assert [event["detail"] for event in events] == feed_fields


def test_the_newest_page_is_not_modified_until_something_changes(seeded_fresh: LocalStack, s3: Any) -> None:
    first = call_api("GET", "/v1/changes")
    # The newest page is the client's to keep, never a shared cache's: the next change must reach it at once.
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, max-age=30"
    full = call_api("GET", "/v1/changes", query={"limit": "1"})
    assert full.get_json()["more"] and full.headers["Cache-Control"] == "public, max-age=30"  # it never changes
    cursor = first.get_json()["cursor"]
    newest = call_api("GET", "/v1/changes", query={"since": cursor})
    assert newest.get_json()["changes"] == [] and newest.get_json()["cursor"] == cursor
    etag = newest.headers["ETag"]
    assert call_api("GET", "/v1/changes", query={"since": cursor}, headers={"If-None-Match": etag}).status_code == 304

    article = _documents()[ARTICLE_KEY]
    assert _publish(seeded_fresh, s3, ARTICLE_KEY, {**article, "title": "Judul baru"}) == ["published"]
    changed = call_api("GET", "/v1/changes", query={"since": cursor}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and _steps(changed.get_json()["changes"]) == [("article", "updated", None)]


@pytest.mark.parametrize(
    ("since", "reason"),
    [
        ("not base64 at all!", "not a cursor this feed issued"),
        ("eyJhZnRlciI6IkFSVElDTEUja3JhbSJ9", "not a cursor this feed issued"),  # an article-list cursor
        (cursor_after(999), "points past the newest change"),
    ],
    ids=["malformed", "foreign", "from-the-future"],
)
def test_a_since_the_feed_did_not_issue_is_a_400_naming_it(seeded_fresh: LocalStack, since: str, reason: str) -> None:
    body = assert_problem(call_api("GET", "/v1/changes", query={"since": since}), 400, "/problems/invalid-request")
    [error] = body["errors"]
    assert error["name"] == "since" and reason in error["reason"]


def test_a_since_older_than_what_is_kept_is_410_and_the_feed_restarts_from_what_is(
    seeded_fresh: LocalStack, s3: Any
) -> None:
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE)
    # DynamoDB's TTL expiring the first entry (the feed keeps 90 days).
    table.update_item(
        Key={"pk": "CHANGES", "sk": f"{1:012d}"},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())},
    )
    body = assert_problem(call_api("GET", "/v1/changes", query={"since": cursor_after(0)}), 410)
    assert body["type"] == "/problems/changes-expired"
    assert "Resynchronise from the article and cause lists" in body["detail"]
    assert call_api("GET", "/problems/changes-expired").status_code == 200
    changes, _ = _walk()
    assert [change["sequence"] for change in changes] == [2]  # the oldest kept, then onwards
    assert _walk(cursor_after(1))[0] == changes  # a client that had seen the expired entry misses nothing


ROUTES_NAMING_THE_ARTICLE = [
    ("/v1/articles/kram-otot-betis", {}),
    ("/v1/articles/kram-otot-betis", {"format": "jsonld"}),
    ("/v1/articles/kram-otot-betis/sections", {}),
    ("/v1/articles/kram-otot-betis/sections/penyebab", {}),
    ("/v1/embed/kram-otot-betis", {"format": "json"}),
    ("/v1/embed/kram-otot-betis/penyebab", {"format": "json"}),
    ("/v1/frame/kram-otot-betis", {"format": "json"}),
    ("/v1/frame/kram-otot-betis/penyebab", {"format": "json"}),
    ("/v1/oembed", {"url": "https://api.example.org/v1/articles/kram-otot-betis"}),
]


def test_a_retracted_article_is_gone_with_its_reason_everywhere(seeded_fresh: LocalStack, s3: Any) -> None:
    causes_before = call_api("GET", "/v1/causes", query={"limit": "100"}).get_json()
    assert any(cause["mentions"] for cause in causes_before["items"])
    reason = "Ditarik untuk ditinjau ulang oleh dokter"
    assert _retract(seeded_fresh, s3, ARTICLE_KEY, reason) == ["removed"]
    api_handler.reset()  # a warm container serves its copy for the cache TTL; the next one does not

    for path, query in ROUTES_NAMING_THE_ARTICLE:
        response = call_api("GET", path, query=query, domain_name="api.example.org")
        body = assert_problem(response, 410, "/problems/retracted")
        assert body["reason"] == reason and body["retracted_at"].startswith(str(dt.datetime.now(dt.UTC).date()))
        assert reason in body["detail"], path
    page = call_api("GET", "/v1/frame/kram-otot-betis")  # a browser in a partner's frame gets a page
    html = page.get_data(as_text=True)
    assert page.status_code == 410 and "ditarik" in html
    # in the page's language, with the editors' reason and the day, as the embed script shows them
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert f"<strong>Alasan:</strong> {reason}" in html and f'<time datetime="{today}">{today}</time>' in html

    assert call_api("GET", "/v1/articles").get_json()["items"] == []
    assert call_api("GET", "/v1/search", query={"q": "kalsium"}).get_json()["total"] == 0
    causes_after = call_api("GET", "/v1/causes", query={"limit": "100"}).get_json()
    assert causes_after["total"] == causes_before["total"]  # the causes stay; the mentions of the article go
    assert all(cause["mentions"] == [] for cause in causes_after["items"])
    assert call_api("GET", "/v1/causes", query={"article": "kram-otot-betis"}).get_json()["items"] == []
    assert call_api("GET", "/v1/articles/tidak-pernah-ada").status_code == 404  # unknown stays unknown


# The unreachable endpoint is refused by the suite's socket guard, which botocore reports as a failed call.
@pytest.mark.filterwarnings("ignore:A test tried to use socket:UserWarning")
def test_a_failing_bus_delays_events_but_loses_no_change(
    seeded_fresh: LocalStack,
    s3: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    seeded_fresh.received_events()  # what publishing the content announced
    monkeypatch.setenv("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9")  # nothing listens there
    from ingest import handler as ingest_handler

    ingest_handler.reset()
    article = _documents()[ARTICLE_KEY]
    capsys.readouterr()
    assert _publish(seeded_fresh, s3, ARTICLE_KEY, {**article, "title": "Judul baru"}) == ["published"]

    assert '"ChangeEventsFailed":[1.0]' in capsys.readouterr().out
    assert "did not accept some change events" in caplog.text
    assert call_api("GET", "/v1/articles/kram-otot-betis").get_json()["title"] == "Judul baru"
    changes, _ = _walk()
    assert _steps(changes)[-1] == ("article", "updated", None)
    assert seeded_fresh.received_events() == []

    monkeypatch.delenv("AWS_ENDPOINT_URL_EVENTBRIDGE")
    ingest_handler.reset()
    relay.lambda_handler({"source": "aws.events", "detail-type": "Scheduled Event"}, LambdaContextStub())
    [event] = seeded_fresh.received_events()
    assert event["detail-type"] == "Article Updated" and event["detail"]["sequence"] == changes[-1]["sequence"]
    relay.lambda_handler({}, LambdaContextStub())
    assert seeded_fresh.received_events() == []  # sent once
