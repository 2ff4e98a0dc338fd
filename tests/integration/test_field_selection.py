"""`fields=`: a client asks for only what it shows, and always gets the attribution and the disclaimer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.local.stack import LocalStack
from tests.integration.conftest import assert_problem, call_api

ENVELOPE = {"source", "disclaimer"}

# Each resource, a minimal selection, and exactly the keys the answer then has at its top level.
MINIMAL = [
    ("/v1/articles/kram-otot-betis", "title,summary,sections.id,sections.heading", {"title", "summary", "sections"}),
    ("/v1/articles/kram-otot-betis/sections", "sections.id", {"sections"}),
    ("/v1/articles/kram-otot-betis/sections/penyebab", "section.heading", {"section"}),
    ("/v1/causes", "items.id,items.name,total", {"items", "total"}),
    ("/v1/causes/hipokalsemia", "id,icd10.code", {"id", "icd10"}),
    ("/v1/articles", "items.slug,items.version", {"items"}),
]


@pytest.mark.parametrize(("path", "fields", "top_level"), MINIMAL, ids=[path for path, _, _ in MINIMAL])
def test_a_selection_returns_only_what_was_asked_and_the_envelope(
    seeded: LocalStack, path: str, fields: str, top_level: set[str]
) -> None:
    full = call_api("GET", path)
    sparse = call_api("GET", path, query={"fields": fields})
    assert sparse.status_code == 200
    body = sparse.get_json()
    envelope = ENVELOPE & full.get_json().keys()  # the article list carries no medical text, so no envelope
    assert set(body) == top_level | envelope
    for name in envelope:
        assert body[name] == full.get_json()[name] and body[name]
    assert sparse.headers["ETag"] != full.headers["ETag"]
    assert len(sparse.get_data()) < len(full.get_data())
    revalidated = call_api("GET", path, query={"fields": fields}, headers={"If-None-Match": sparse.headers["ETag"]})
    assert revalidated.status_code == 304


def test_dotted_names_keep_only_those_sub_fields_in_every_item(seeded: LocalStack) -> None:
    body = call_api("GET", "/v1/articles/kram-otot-betis", query={"fields": "sections.id,sections.heading"}).get_json()
    assert len(body["sections"]) == 10
    assert all(set(section) == {"id", "heading"} for section in body["sections"])
    blocks = call_api(
        "GET", "/v1/articles/kram-otot-betis/sections/penyebab", query={"fields": "section.blocks.items"}
    ).get_json()["section"]["blocks"]
    assert any(block.get("items") for block in blocks) and all(set(block) <= {"items"} for block in blocks)


def test_selecting_the_envelope_alone_is_the_smallest_answer(seeded: LocalStack) -> None:
    body = call_api("GET", "/v1/articles/kram-otot-betis", query={"fields": "disclaimer"}).get_json()
    assert set(body) == ENVELOPE


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ("title,judul", "unknown: judul; valid: "),
        ("title,,summary", "an empty name"),
        ("sections.", "an empty name"),
        (",".join(["title"] * 31), "at most 30"),
    ],
    ids=["unknown", "empty", "trailing-dot", "too-many"],
)
def test_a_bad_selection_is_a_400_saying_which_rule_it_broke(seeded: LocalStack, fields: str, rule: str) -> None:
    response = call_api("GET", "/v1/articles/kram-otot-betis", query={"fields": fields})
    [error] = assert_problem(response, 400, "/problems/invalid-request")["errors"]
    assert error["name"] == "fields" and rule in error["reason"]
    if rule.startswith("unknown"):
        assert "sections.heading" in error["reason"] and "review.reviewed_by.name" in error["reason"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz_.,- %0"), max_size=80))
def test_no_selection_is_a_server_error(seeded: LocalStack, fields: str) -> None:
    for path in ("/v1/articles/kram-otot-betis", "/v1/causes"):
        assert call_api("GET", path, query={"fields": fields}).status_code in {200, 400}
