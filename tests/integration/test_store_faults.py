"""Store faults, injected: the API fails fast and honestly, and a warm container serves its last good copy.

Faults come from real sockets on loopback (a closed port, a server that accepts and never answers,
one that answers throttling or 500 errors) for cold containers, and from a botocore hook that
makes every DynamoDB call fail for a warm one.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.exceptions import EndpointConnectionError

from api import handler as api_handler
from health_content.observability import logger
from health_content.settings import Settings
from infra.local.stack import LocalStack
from infra.local.store_faults import FAULTS, refusing
from ingest import handler as ingest_handler
from tests.conftest import SEED_KEY, document_bytes
from tests.integration.conftest import BUCKET, TABLE, assert_problem, call_api, put_document

ARTICLE = "/v1/articles/kram-otot-betis"


# --- a cold container against a broken store -------------------------------------------------------

SELECTING = [
    "/v1/articles",
    "/v1/partial/articles",
    "/v1/partial/articles/kram-otot-betis",
    "/v1/partial/articles/kram-otot-betis/sections",
    "/v1/partial/articles/kram-otot-betis/sections/penyebab",
    "/v1/causes",
    "/v1/partial/causes",
    "/v1/partial/causes/hipokalsemia",
]


@pytest.mark.enable_socket
@pytest.mark.parametrize("path", SELECTING)
def test_a_selection_of_unknown_fields_is_a_400_whatever_the_store(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """What the client sent decides: `fields` is checked before anything is read, so a store that is down (or
    slow) never turns a bad selection into a 503."""
    monkeypatch.setenv("CONTENT_TABLE_NAME", TABLE)
    with refusing() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        api_handler.reset()
        assert_problem(call_api("GET", path, query={"fields": "no-such-field"}), 400, "/problems/invalid-request")


@pytest.fixture(autouse=True)
def _deployed_deadlines(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store deadlines as deployed (the suite's environment relaxes them for busy machines)."""
    for name in ("store_call_seconds", "store_request_seconds"):
        field = Settings.model_fields[name]
        monkeypatch.setenv(str(field.alias), str(field.default))


# Each fault's longest time to an answer. A call is cut at STORE_CALL_SECONDS (1.5 s), a request's calls at
# STORE_REQUEST_SECONDS (4 s) in all.
BOUNDS = {"refused": 2.0, "hung": 3.0, "slow (1.2 s)": 3.0, "trickling": 4.5, "throttled": 2.0, "500 errors": 2.0}


@pytest.mark.enable_socket
@pytest.mark.parametrize("fault", FAULTS)
def test_a_cold_container_answers_503_with_retry_after_in_time(monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    make, bound = FAULTS[fault], BOUNDS[fault]
    monkeypatch.setenv("CONTENT_TABLE_NAME", TABLE)
    with make() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        api_handler.reset()
        for path in (ARTICLE, "/v1/causes", "/v1/embed/kram-otot-betis/penyebab?format=json", "/v1/health"):
            started = time.monotonic()
            response = call_api("GET", path.split("?")[0], query=path.partition("?")[2])
            elapsed = time.monotonic() - started
            assert response.status_code == 503, (path, response.get_data(as_text=True))
            assert elapsed < bound, (path, elapsed)
            if path != "/v1/health":
                assert_problem(response, 503, "/problems/unavailable")
                assert response.headers["Retry-After"].isdigit()
            else:
                assert response.get_json()["status"] == "unavailable"
            assert response.headers["Retry-After"].isdigit(), path


@pytest.mark.enable_socket
def test_a_503_is_logged_as_one_line_with_its_cause_and_the_traceback_only_at_debug(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CONTENT_TABLE_NAME", TABLE)
    with refusing() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        api_handler.reset()
        assert call_api("GET", ARTICLE).status_code == 503
        [logged] = [record for record in caplog.records if record.getMessage() == "content store unavailable"]
        assert logged.levelname == "WARNING" and logged.exc_info is None
        assert getattr(logged, "cause", "").startswith("EndpointConnectionError: Could not connect")

        caplog.clear()
        level = logger.log_level
        logger.setLevel(logging.DEBUG)
        try:
            assert call_api("GET", f"{ARTICLE}/sections").status_code == 503
        finally:
            logger.setLevel(level)
        debug = [record for record in caplog.records if record.levelname == "DEBUG" and record.exc_info]
        assert [record.getMessage() for record in debug] == ["content store unavailable"]


# --- a warm container when the store fails ---------------------------------------------------------


def _fail_every_store_call() -> None:
    """From now on, every DynamoDB call of the API's warm container fails as if the store were unreachable."""

    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

    client = api_handler.this_containers_api().container.content_table.meta.client
    client.meta.events.register_first("before-send.dynamodb", unreachable)


@pytest.fixture
def warm_stack(seeded_fresh: LocalStack, monkeypatch: pytest.MonkeyPatch) -> LocalStack:
    # The container re-checks the store on every request (no TTL), so a fault shows at once.
    monkeypatch.setenv("CONTENT_CACHE_TTL_SECONDS", "0")
    api_handler.reset()
    return seeded_fresh


SERVED_BEFORE = [
    ARTICLE,
    f"{ARTICLE}/sections",
    f"{ARTICLE}/sections/penyebab",
    f"{ARTICLE}/sections/pencegahan",
    "/v1/embed/kram-otot-betis/penyebab",
    "/v1/frame/kram-otot-betis",
    "/v1/causes/hipokalsemia",
]


def test_a_warm_container_keeps_serving_what_it_served_when_the_store_fails(warm_stack: LocalStack) -> None:
    before = {path: call_api("GET", path) for path in SERVED_BEFORE}
    assert {path: r.status_code for path, r in before.items()} == dict.fromkeys(SERVED_BEFORE, 200)
    assert call_api("GET", "/v1/health").get_json()["status"] == "ok"

    _fail_every_store_call()

    for path, earlier in before.items():
        response = call_api("GET", path)
        assert response.status_code == 200, path
        assert response.get_data() == earlier.get_data(), path  # the same content, not a degraded copy
        assert response.headers["Cache-Status"] == "konten-sehat-api; hit; detail=stale-if-error"
        assert int(response.headers["Age"]) >= 0
    # What this container never read cannot be made up: a fast, honest 503.
    assert_problem(call_api("GET", "/v1/articles/lain"), 503, "/problems/unavailable")
    health = call_api("GET", "/v1/health").get_json()
    assert health["status"] == "unavailable" and health["checks"]["articles"] == "unavailable"


@pytest.mark.enable_socket
def test_a_warm_container_serves_its_copy_when_the_store_trickles(warm_stack: LocalStack) -> None:
    before = {path: call_api("GET", path) for path in SERVED_BEFORE[:2]}
    with FAULTS["trickling"]() as trickling:

        def to_trickling(request: Any, **_: Any) -> None:
            request.url = trickling

        client = api_handler.this_containers_api().container.content_table.meta.client
        client.meta.events.register_first("before-send.dynamodb", to_trickling)
        for path, earlier in before.items():
            started = time.monotonic()
            response = call_api("GET", path)
            assert time.monotonic() - started < 4.5, path
            assert response.status_code == 200 and response.get_data() == earlier.get_data(), path
            assert response.headers["Cache-Status"] == "konten-sehat-api; hit; detail=stale-if-error"


def test_the_stale_window_ends(warm_stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_STALE_SECONDS", "1")
    api_handler.reset()
    assert call_api("GET", ARTICLE).status_code == 200
    _fail_every_store_call()
    assert call_api("GET", ARTICLE).status_code == 200
    time.sleep(1.1)
    assert_problem(call_api("GET", ARTICLE), 503, "/problems/unavailable")


# --- corrupt items -------------------------------------------------------------------------------


def _corrupt(pk: str, sk: str, attribute: str) -> None:
    boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE).update_item(
        Key={"pk": pk, "sk": sk},
        UpdateExpression="SET #a = :broken",
        ExpressionAttributeNames={"#a": attribute},
        ExpressionAttributeValues={":broken": "{not json"},
    )


def test_a_corrupt_article_is_a_503_content_unavailable(
    seeded_fresh: LocalStack, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    _corrupt("ARTICLES#id", "ARTICLE#kram-otot-betis", "document")
    capsys.readouterr()
    for path in (ARTICLE, f"{ARTICLE}/sections/penyebab", "/v1/frame/kram-otot-betis"):
        response = call_api("GET", path)
        assert response.status_code == 503 and response.headers["Retry-After"].isdigit(), path
    assert_problem(call_api("GET", ARTICLE), 503, "/problems/content-unavailable")
    assert '"UnreadableDocuments"' in capsys.readouterr().out  # the metric an alarm watches
    logged = [record for record in caplog.records if record.getMessage() == "stored content unreadable"]
    assert logged and all(getattr(r, "document", None) == "article id/kram-otot-betis" for r in logged)


def test_a_corrupt_taxonomy_leaves_articles_readable_and_health_degraded(seeded_fresh: LocalStack) -> None:
    _corrupt("TAXONOMY", "causes", "published_at")  # read for the lookups and for an article's causes alike
    article = call_api("GET", ARTICLE)
    assert article.status_code == 200
    assert article.headers["Cache-Control"] == "no-store"  # a partial answer is never kept by caches
    assert article.headers["Cache-Status"] == "konten-sehat-api; detail=partial"
    body = article.get_json()
    assert body["disclaimer"] and all(section["causes"] == [] for section in body["sections"])
    assert_problem(call_api("GET", "/v1/causes"), 503, "/problems/content-unavailable")
    health = call_api("GET", "/v1/health")
    assert health.status_code == 200
    assert health.get_json() == {
        "status": "degraded",
        "checks": {"articles": "ok", "causes": "unavailable"},
        "unreadable": ["cause taxonomy"],
    }


def test_health_names_the_corrupt_article_this_container_met(seeded_fresh: LocalStack) -> None:
    assert call_api("GET", "/v1/health").get_json() == {"status": "ok", "checks": {"articles": "ok", "causes": "ok"}}
    _corrupt("ARTICLES#id", "ARTICLE#kram-otot-betis", "document")
    assert call_api("GET", ARTICLE).status_code == 503
    # The list and the taxonomy the health check reads are fine; the article this container just failed to read
    # is not, and the check says so for the trouble window.
    health = call_api("GET", "/v1/health")
    assert health.status_code == 200
    assert health.get_json() == {
        "status": "degraded",
        "checks": {"articles": "ok", "causes": "ok"},
        "unreadable": ["article id/kram-otot-betis"],
    }


def test_a_corrupt_cause_is_unreadable_as_a_corrupt_taxonomy_is(seeded_fresh: LocalStack) -> None:
    header = (
        boto3.resource("dynamodb", region_name="us-east-1")
        .Table(TABLE)
        .get_item(Key={"pk": "TAXONOMY", "sk": "causes"})["Item"]
    )
    _corrupt(f"TAXONOMY#{header['generation']}", "cause#000000", "document")  # the taxonomy's first cause
    assert_problem(call_api("GET", "/v1/causes"), 503, "/problems/content-unavailable")
    assert call_api("GET", ARTICLE).status_code == 200


def test_a_taxonomy_item_without_its_hash_is_unreadable_not_reloaded_forever(seeded_fresh: LocalStack) -> None:
    boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE).update_item(
        Key={"pk": "TAXONOMY", "sk": "causes"}, UpdateExpression="REMOVE content_hash"
    )
    assert_problem(call_api("GET", "/v1/causes"), 503, "/problems/content-unavailable")


def test_a_taxonomy_analysed_by_another_release_waits_for_a_republish_and_articles_stay_readable(
    seeded_fresh: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE).update_item(
        Key={"pk": "TAXONOMY", "sk": "causes"},  # the header naming the taxonomy's causes and how they were analysed
        UpdateExpression="SET analysis_version = :older",
        ExpressionAttributeValues={":older": 0},
    )
    capsys.readouterr()
    assert_problem(call_api("GET", "/v1/causes"), 503, "/problems/content-unavailable")
    assert '"UnreadableDocuments"' in capsys.readouterr().out  # the alarm whose runbook says: publish again
    assert call_api("GET", ARTICLE).status_code == 200


# --- publishing while S3 is down -----------------------------------------------------------------


def test_ingest_fails_for_a_retry_and_changes_nothing_when_s3_is_down(
    seeded_fresh: LocalStack, s3: Any, seed_document
) -> None:
    put_document(s3, SEED_KEY, document_bytes({**seed_document, "title": "Judul baru"}))
    before = boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE).scan()["Items"]

    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://s3.amazonaws.com")

    ingest_handler.reset()
    client = ingest_handler.this_containers_publishing().s3_client
    client.meta.events.register_first("before-send.s3", unreachable)
    # Every message of the batch failed, so the invocation fails; the queue delivers the message again after
    # its visibility timeout, and after its last delivery the failure queue keeps it.
    with pytest.raises(BatchProcessingError):
        seeded_fresh.deliver_events(ingest_handler.lambda_handler)
    sqs = boto3.client("sqs", region_name="us-east-1")
    attributes = sqs.get_queue_attributes(QueueUrl=seeded_fresh.queue_url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"  # kept for a retry, not deleted
    assert boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE).scan()["Items"] == before
    assert (
        boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket=BUCKET, Prefix="reports/")["KeyCount"] == 2
    )


def test_every_answer_served_from_a_stale_copy_says_so(
    seeded_fresh: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTENT_CACHE_TTL_SECONDS", "0.2")
    api_handler.reset()
    assert call_api("GET", ARTICLE).status_code == 200
    time.sleep(0.25)  # the cached article is due for a check
    _fail_every_store_call()
    for _ in range(2):
        response = call_api("GET", ARTICLE)
        assert response.headers["Cache-Status"] == "konten-sehat-api; hit; detail=stale-if-error"
