"""Changes reach the CDN: each change event, delivered by the template's rule to the invalidation queue, purges
what it made stale, through the real handlers on moto (whose CloudFront records invalidations)."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from typing import Any

import boto3
import pytest
from edge import handler as edge_handler
from edge.purge import MAX_WILDCARDS

from infra import publish, template
from infra.local.events import LambdaContextStub
from infra.local.stack import LocalStack
from ingest import handler as ingest_handler
from tests.conftest import document_bytes
from tests.integration.conftest import BUCKET, ingest, put_document

ARTICLE_KEY = "articles/id/kram-otot-betis.json"
# What one article's change makes stale: its lists (and, a wildcard ending only paths, every article's own
# answers), its embeds and frames, oEmbed answers, searches and cause lookups; never another article's embeds.
ONE_ARTICLE = [
    "/v1/articles*",
    "/v1/causes*",
    "/v1/embed/kram-otot-betis*",
    "/v1/frame/kram-otot-betis*",
    "/v1/oembed*",
    "/v1/partial/*",
    "/v1/search*",
]
# Where an article's answers are cached, in every locale, format and selection: each must be purged.
ITS_ANSWERS = [
    "/v1/articles/kram-otot-betis",
    "/v1/articles/kram-otot-betis?format=html",
    "/v1/articles/kram-otot-betis?format=jsonld&locale=en",
    "/v1/articles/kram-otot-betis?fields=title,sections.id",
    "/v1/articles/kram-otot-betis.jsonld",
    "/v1/articles/kram-otot-betis.html?locale=en",
    "/v1/partial/articles/kram-otot-betis?fields=title,sections.id",
    "/v1/partial/articles?fields=items.slug",
    "/v1/articles/kram-otot-betis/sections",
    "/v1/articles/kram-otot-betis/sections/penyebab?locale=en",
    "/v1/embed/kram-otot-betis/penyebab.json",
    "/v1/oembed.xml?url=https%3A%2F%2Fapi.example.org%2Fv1%2Farticles%2Fkram-otot-betis",
    "/v1/embed/kram-otot-betis",
    "/v1/embed/kram-otot-betis/penyebab?format=json&locale=id",
    "/v1/frame/kram-otot-betis/penyebab",
    "/v1/oembed?url=https%3A%2F%2Fapi.example.org%2Fv1%2Farticles%2Fkram-otot-betis&maxwidth=400",
    "/v1/articles",
    "/v1/articles?tag=kejang&limit=5",
    "/v1/search?q=kram",
    "/v1/causes?article=kram-otot-betis",
    "/v1/causes/hipokalsemia",
    "/v1/causes/facets?q=kalsium",
]
# What it does not change: the code's assets and other articles' embeds.
NOT_ITS = ["/v1/embed.js", "/v1/embed.css", "/v1/embed/akar-bertanduk", "/v1/frame/akar-bertanduk/penyebab"]


@pytest.fixture
def edge(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The template's invalidation rule and queue on the stack's bus, and a distribution to invalidate."""
    sqs = boto3.client("sqs", region_name=stack.region)
    events = boto3.client("events", region_name=stack.region)
    # The template holds messages for ContentCacheTtlSeconds (tests/contract/test_cdn.py); here they come at once.
    queue_url = sqs.create_queue(QueueName="edge-invalidation")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rule = template.resource_properties("EdgeInvalidationRule")
    events.put_rule(Name="edge", EventBusName=stack.event_bus, EventPattern=json.dumps(rule["EventPattern"]))
    events.put_targets(Rule="edge", EventBusName=stack.event_bus, Targets=[{"Id": "edge", "Arn": queue_arn}])
    cloudfront = boto3.client("cloudfront", region_name=stack.region)
    origin = {
        "Id": "api",
        "DomainName": "abc123.execute-api.us-east-1.amazonaws.com",
        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"},
    }
    distribution = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "test",
            "Comment": "",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {"TargetOriginId": "api", "ViewerProtocolPolicy": "redirect-to-https"},
        }
    )["Distribution"]["Id"]
    monkeypatch.setenv("CDN_DISTRIBUTION_ID", distribution)
    edge_handler.reset()
    yield {"queue_url": queue_url, "distribution": distribution}
    edge_handler.reset()


def _deliver(queue_url: str) -> dict[str, Any]:
    """Hand the real handler every queued message in one batch, as Lambda's event source mapping does."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    records = []
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            records.append({"messageId": message["MessageId"], "body": message["Body"], "eventSource": "aws:sqs"})
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    assert records, "no change event reached the invalidation queue"

    response: dict[str, Any] = edge_handler.lambda_handler({"Records": records}, LambdaContextStub())
    return {"response": response, "records": records}


def _invalidations(distribution: str) -> list[dict[str, Any]]:
    cloudfront = boto3.client("cloudfront", region_name="us-east-1")
    listed = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items", [])
    found = [cloudfront.get_invalidation(DistributionId=distribution, Id=item["Id"])["Invalidation"] for item in listed]
    return [invalidation["InvalidationBatch"] for invalidation in found]


def test_a_corrected_article_purges_every_answer_that_shows_it_and_nothing_of_others(
    stack: LocalStack, edge: dict[str, str]
) -> None:
    stack.publish_content(ingest_handler.lambda_handler)
    # The first publish (the article, then the taxonomy) in one batch: one invalidation within CloudFront's limits.
    first = _deliver(edge["queue_url"])
    assert first["response"] == {"batchItemFailures": []} and len(first["records"]) == 2
    [batch] = _invalidations(edge["distribution"])
    assert len(batch["Paths"]["Items"]) <= MAX_WILDCARDS
    assert {"/v1/articles*", "/v1/causes*", "/v1/frame/*"} <= set(batch["Paths"]["Items"])

    article = json.loads(next(d.body for d in publish.collect() if d.key == ARTICLE_KEY))
    correction = {"original": "kalsium", "corrected": "kalsium", "reason": "Diperiksa ulang oleh redaksi."}
    corrected = {**article, "corrections": [*article["corrections"], correction]}
    s3 = boto3.client("s3", region_name=stack.region)
    put_document(s3, ARTICLE_KEY, document_bytes(corrected))
    assert [result["status"] for result in ingest(stack)] == ["published"]

    second = _deliver(edge["queue_url"])
    [body] = [json.loads(record["body"]) for record in second["records"]]
    assert body["detail-type"] == "Article Corrected"  # EventBridge's event, as the rule delivers it
    assert second["response"] == {"batchItemFailures": []}
    [_, batch] = _invalidations(edge["distribution"])
    paths = batch["Paths"]["Items"]
    assert sorted(paths) == ONE_ARTICLE and batch["Paths"]["Quantity"] == len(ONE_ARTICLE)
    for url in ITS_ANSWERS:
        assert any(fnmatch.fnmatchcase(url, path) for path in paths), url
    for url in NOT_ITS:
        assert not any(fnmatch.fnmatchcase(url, path) for path in paths), url


def test_a_retraction_purges_the_article_and_a_batch_delivered_again_is_the_same_invalidation(
    stack: LocalStack, edge: dict[str, str]
) -> None:
    stack.publish_content(ingest_handler.lambda_handler)
    _deliver(edge["queue_url"])
    s3 = boto3.client("s3", region_name=stack.region)
    publish.unpublish(s3, BUCKET, ARTICLE_KEY, "Sumber asli ditarik penerbitnya", now=dt.datetime.now(dt.UTC))
    assert [result["status"] for result in ingest(stack)] == ["removed"]
    retraction = _deliver(edge["queue_url"])
    assert json.loads(retraction["records"][0]["body"])["detail-type"] == "Article Retracted"
    [_, batch] = _invalidations(edge["distribution"])
    assert sorted(batch["Paths"]["Items"]) == ONE_ARTICLE
    # Lambda may deliver a batch again after its invalidation was made: the same reference, which CloudFront
    # answers with the invalidation it already made rather than a second one.

    edge_handler.lambda_handler({"Records": retraction["records"]}, LambdaContextStub())
    [_, made, again] = _invalidations(edge["distribution"])
    assert again == made
