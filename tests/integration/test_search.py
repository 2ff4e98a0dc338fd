"""Search across the articles, through the real handler on the published content."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from health_content.text import analysis as text
from infra.local.stack import LocalStack
from infra.template import REPO_ROOT
from tests.integration.conftest import assert_problem, call_api

LIST_SECTION, LIST_BLOCK = "penyebab", 1  # the seed's ordered list of 15 causes


def _causes_of_the_list() -> list[tuple[dict[str, Any], int]]:
    taxonomy = json.loads((REPO_ROOT / "content" / "causes" / "causes.json").read_text(encoding="utf-8"))
    listed = []
    for cause in taxonomy["causes"]:
        items = [m["item"] for m in cause["mentions"] if (m["section"], m["block"]) == (LIST_SECTION, LIST_BLOCK)]
        if items:
            listed.append((cause, items[0]))
    return listed


def _search(**query: str) -> dict[str, Any]:
    response = call_api("GET", "/v1/search", query=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def _place(hit: dict[str, Any]) -> tuple[str | None, int | None, int | None]:
    return (hit["section"]["id"] if hit["section"] else None, hit["block"], hit["item"])


def test_every_item_of_the_list_of_causes_is_some_causes_item() -> None:
    assert sorted({item for _, item in _causes_of_the_list()}) == list(range(15))


@pytest.mark.parametrize("language", ["id", "en"])
def test_each_cause_of_the_list_is_found_by_its_name_and_lands_on_its_item(seeded: LocalStack, language: str) -> None:
    for cause, item in _causes_of_the_list():
        hits = _search(q=cause["name"][language], limit="3")["items"]
        assert hits and _place(hits[0]) == (LIST_SECTION, LIST_BLOCK, item), (cause["id"], cause["name"][language])


@pytest.mark.parametrize("language", ["id", "en"])
def test_each_cause_of_the_list_is_found_by_its_lay_synonyms_near_the_top(seeded: LocalStack, language: str) -> None:
    for cause, item in _causes_of_the_list():
        for synonym in cause["synonyms"][language]:
            hits = _search(q=synonym, limit="3")["items"]
            assert (LIST_SECTION, LIST_BLOCK, item) in [_place(hit) for hit in hits], (cause["id"], synonym)


def test_a_hit_says_why_it_matched_and_marks_the_words_in_its_snippet(seeded: LocalStack) -> None:
    [hit, *_] = _search(q="kalsium")["items"]
    assert hit["article"]["slug"] == "kram-otot-betis" and hit["field"] == "item"
    assert {"word": "kalsium", "term": "kalsium", "kind": "exact"} in hit["matches"]
    snippet = hit["snippet"]
    marked = [snippet["text"][h["start"] : h["end"]] for h in snippet["highlights"]]
    assert "kalsium" in [text.fold(word) for word in marked]
    expected_html, position = [], 0
    for h in snippet["highlights"]:
        expected_html += [html.escape(snippet["text"][position : h["start"]]), "<mark>"]
        expected_html += [html.escape(snippet["text"][h["start"] : h["end"]]), "</mark>"]
        position = h["end"]
    assert snippet["html"] == "".join([*expected_html, html.escape(snippet["text"][position:])])
    assert hit["links"]["self"] == "/v1/articles/kram-otot-betis/sections/penyebab"
    assert hit["source"]["name"] and "tidak menggantikan" in hit["disclaimer"]


def test_stems_and_one_typo_are_found(seeded: LocalStack) -> None:
    stemmed = _search(q="kehamilan")["items"]  # Sastrawi: kehamilan -> hamil
    assert any(m["kind"] == "stem" for hit in stemmed for m in hit["matches"])
    typo = _search(q="magnesiun")["items"]
    assert typo and any(m == {"word": "magnesiun", "term": "magnesium", "kind": "typo"} for m in typo[0]["matches"])


def test_filters_keep_an_aspect_and_a_tag(seeded: LocalStack) -> None:
    everything = _search(q="kejang", limit="100")
    prevention = _search(q="kejang", aspect="PreventionHealthAspect", limit="100")
    assert 0 < prevention["total"] < everything["total"]
    assert {hit["section"]["aspect"] for hit in prevention["items"]} == {"PreventionHealthAspect"}
    assert _search(q="kejang", tag="tidak-ada-tag")["total"] == 0


def test_pages_follow_the_cursor_and_visit_each_hit_once(seeded: LocalStack) -> None:
    seen, query = [], {"q": "kejang", "limit": "7"}
    while True:
        page = _search(**query)
        seen += [_place(hit) for hit in page["items"]]
        if page["next_cursor"] is None:
            break
        query = {**query, "cursor": page["next_cursor"]}
    assert len(seen) == len(set(seen)) == _search(q="kejang")["total"]


@pytest.mark.parametrize(
    ("q", "rule"),
    [
        ("   ", "empty"),
        ("dan yang atau", "only stop words"),
        ("k" * 201, "at most 200"),
    ],
    ids=["empty", "stop-words", "too-long"],
)
def test_a_bad_query_is_a_400_saying_which_rule_it_broke(seeded: LocalStack, q: str, rule: str) -> None:
    [error] = assert_problem(call_api("GET", "/v1/search", query={"q": q}), 400)["errors"]
    assert error["name"] == "q" and rule in error["reason"]


def test_a_query_is_required(seeded: LocalStack) -> None:
    [error] = assert_problem(call_api("GET", "/v1/search"), 400)["errors"]
    assert error["name"] == "q"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=220))
def test_no_query_is_a_server_error(seeded: LocalStack, q: str) -> None:
    assert call_api("GET", "/v1/search", query={"q": q}).status_code in {200, 400}
