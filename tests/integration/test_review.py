"""Review dates are honest: an article says whether a qualified person checked it, and claims no review
that did not happen (the seed article has none)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from pydantic import ValidationError

from health_content.articles.model import Article, Review
from infra.local.events import LambdaContextStub
from infra.local.stack import LocalStack
from reviews import handler as review_handler
from tests.conftest import SEED_KEY, document_bytes
from tests.html_checks import parse
from tests.integration.conftest import call_api, ingest, put_document

ARTICLE = "/v1/articles/kram-otot-betis"
REVIEWED = {
    "reviewed_at": "2026-10-01",
    "reviewed_by": {"name": "dr. Sari Wulandari", "qualification": "Dokter spesialis saraf"},
}


def test_the_seed_article_says_it_has_not_been_reviewed(seeded_fresh: LocalStack) -> None:
    for body in (
        call_api("GET", ARTICLE).get_json(),
        call_api("GET", f"{ARTICLE}/sections/penyebab").get_json(),
        call_api("GET", "/v1/embed/kram-otot-betis/penyebab", query={"format": "json"}).get_json(),
    ):
        assert body["review"] == {
            "status": "not-reviewed",
            "reviewed_at": None,
            "reviewed_by": None,
            "next_review": None,
        }
    fragment = parse(call_api("GET", "/v1/embed/kram-otot-betis/penyebab").get_data(as_text=True))
    assert "Belum ditinjau oleh tenaga medis." in fragment.text


@pytest.mark.parametrize(("next_review", "status"), [("2099-01-01", "reviewed"), ("2026-10-02", "overdue")])
def test_a_real_review_is_shown_with_its_reviewer(
    seeded_fresh: LocalStack, s3: Any, seed_document: dict[str, Any], next_review: str, status: str
) -> None:
    put_document(s3, SEED_KEY, document_bytes({**seed_document, "review": {**REVIEWED, "next_review": next_review}}))
    assert [r["status"] for r in ingest(seeded_fresh)] == ["published"]
    body = call_api("GET", ARTICLE).get_json()
    assert body["review"]["status"] == status and body["review"]["reviewed_by"]["name"] == "dr. Sari Wulandari"
    jsonld = json.loads(call_api("GET", ARTICLE, query={"format": "jsonld"}).get_data(as_text=True))
    assert jsonld["lastReviewed"] == "2026-10-01"
    assert jsonld["reviewedBy"] == {
        "@type": "Person",
        "name": "dr. Sari Wulandari",
        "jobTitle": "Dokter spesialis saraf",
    }
    fragment = parse(call_api("GET", "/v1/embed/kram-otot-betis/penyebab").get_data(as_text=True)).text
    assert "Ditinjau oleh dr. Sari Wulandari (Dokter spesialis saraf), 2026-10-01." in fragment
    assert ("Tinjauan medisnya sudah lewat waktu." in fragment) == (status == "overdue")


def test_the_daily_check_counts_the_articles_past_their_next_review(
    seeded_fresh: LocalStack, s3: Any, seed_document: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    context = LambdaContextStub(function_name="ReviewCheckFunction")
    assert review_handler.lambda_handler({}, context) == {"overdue": []}  # never reviewed is not overdue
    put_document(s3, SEED_KEY, document_bytes({**seed_document, "review": {**REVIEWED, "next_review": "2026-10-02"}}))
    assert [r["status"] for r in ingest(seeded_fresh)] == ["published"]
    capsys.readouterr()

    assert review_handler.lambda_handler({}, context) == {"overdue": ["id/kram-otot-betis"]}
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert [m["ArticlesOverdueForReview"] for m in emitted if "ArticlesOverdueForReview" in m] == [[1.0]]


@pytest.mark.parametrize(
    "review",
    [
        {"reviewed_at": "2026-10-01"},  # a date without a reviewer
        {"reviewed_by": REVIEWED["reviewed_by"]},  # a reviewer without a date
        {**REVIEWED, "next_review": "2026-09-01"},  # due again before it was done
    ],
)
def test_an_incomplete_review_is_rejected(seed_document: dict[str, Any], review: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Article.model_validate({**seed_document, "review": review})


def test_a_review_is_overdue_only_after_its_next_review_date() -> None:
    review = Review.model_validate({**REVIEWED, "next_review": "2027-01-01"})
    assert review.status(dt.date(2026, 12, 31)) == "reviewed"
    assert review.status(dt.date(2027, 1, 1)) == "reviewed"
    assert review.status(dt.date(2027, 1, 2)) == "overdue"
    assert Review().status(dt.date(2027, 1, 2)) == "not-reviewed"
