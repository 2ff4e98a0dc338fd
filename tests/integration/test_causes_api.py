"""The cause lookup through the real API handler, on content published through ingest."""

from __future__ import annotations

import pytest

from infra.local.stack import LocalStack
from tests.integration.conftest import assert_problem, call_api


def test_lookup_by_words_returns_ranked_causes_with_links_into_the_article(seeded: LocalStack) -> None:
    response = call_api("GET", "/v1/causes", query={"q": "kekurangan kalsium"})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "id" and response.headers["ETag"]
    body = response.get_json()
    assert body["query"]["q"] == "kekurangan kalsium"
    best = body["items"][0]
    assert best["id"] == "hipokalsemia"
    assert best["name"] == "Kekurangan kalsium (hipokalsemia)"
    assert best["category"] == {"id": "electrolyte-metabolic", "label": "Elektrolit dan metabolisme"}
    assert best["icd10"] == [{"code": "E83.5", "title": "Disorders of calcium metabolism"}]
    assert {m["word"] for m in best["matched"]} == {"kekurangan", "kalsium"}
    assert best["score"] > body["items"][1]["score"]
    item = next(m for m in best["mentions"] if m["section"] == "penyebab")
    assert item == {
        "article": "kram-otot-betis",
        "section": "penyebab",
        "block": 1,
        "item": 3,
        "excerpt": "Kekurangan kalium, kalsium, magnesium, glukosa darah;",
        "href": "/v1/articles/kram-otot-betis/sections/penyebab",
    }
    section = call_api("GET", item["href"]).get_json()["section"]
    assert section["blocks"][item["block"]]["items"][item["item"]] == item["excerpt"]
    assert best["links"]["self"] == "/v1/causes/hipokalsemia"


def test_english_locale_answers_in_english_but_links_to_the_indonesian_article(seeded: LocalStack) -> None:
    response = call_api("GET", "/v1/causes", query={"q": "low potassium", "locale": "en"})
    body = response.get_json()
    assert response.headers["Content-Language"] == "en"
    assert body["items"][0]["name"] == "Low potassium (hypokalaemia)"
    assert body["items"][0]["links"]["self"] == "/v1/causes/hipokalemia?locale=en"
    assert body["items"][0]["mentions"][0]["href"] == "/v1/articles/kram-otot-betis/sections/penyebab"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "hamil"}, "eklamsia"),
        ({"q": "pregnancy"}, "eklamsia"),
        ({"q": "kejang demam"}, "demam"),
        ({"q": "calcium"}, "hipokalsemia"),
        ({"code": "G40"}, "epilepsi"),
        ({"code": "E83.51"}, "hipokalsemia"),
        ({"population": "children"}, "demam"),
        ({"category": "infection", "population": "newborns"}, "meningitis"),
    ],
)
def test_the_examples_from_the_product_brief(seeded: LocalStack, query: dict[str, str], expected: str) -> None:
    body = call_api("GET", "/v1/causes", query={**query, "limit": "100"}).get_json()
    assert expected in [item["id"] for item in body["items"]]


def test_code_lookup_reports_how_the_code_matched(seeded: LocalStack) -> None:
    body = call_api("GET", "/v1/causes", query={"code": "e8351"}).get_json()
    assert body["query"]["code"] == "E83.51"
    assert [(i["id"], i["code_match"]) for i in body["items"]] == [("hipokalsemia", "broader")]


def test_nothing_found_is_an_empty_200(seeded: LocalStack) -> None:
    response = call_api("GET", "/v1/causes", query={"q": "xylofon zebra"})
    assert response.status_code == 200
    assert response.get_json()["items"] == [] and response.get_json()["total"] == 0


def test_results_are_paged_with_a_cursor(seeded: LocalStack) -> None:
    seen: list[str] = []
    query: dict[str, str] = {"q": "kejang", "limit": "7"}
    while True:
        body = call_api("GET", "/v1/causes", query=query).get_json()
        seen.extend(item["id"] for item in body["items"])
        if not body["next_cursor"]:
            break
        assert "cursor=" in body["links"]["next"]
        query = {**query, "cursor": body["next_cursor"]}
    assert len(seen) == len(set(seen)) == body["total"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"category": "weather"}, "category"),
        ({"population": "toddlers"}, "population"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"q": "x" * 5000}, "q"),
        ({"q": "kejang\u0000"}, "q"),
        ({"q": "kejang\ndemam"}, "q"),
        ({"code": "kram"}, "code"),
        ({"code": "E83.51.2"}, "code"),
        ({"category": "../../etc"}, "category"),
        ({"locale": "fr"}, "locale"),
    ],
)
def test_bad_parameters_are_400_problems(seeded: LocalStack, query: dict[str, str], parameter: str) -> None:
    body = assert_problem(call_api("GET", "/v1/causes", query=query), 400)
    assert [error["name"] for error in body["errors"]] == [parameter]


def test_a_forged_cursor_is_a_400(seeded: LocalStack) -> None:
    assert_problem(call_api("GET", "/v1/causes", query={"q": "kejang", "cursor": "bm9wZQ"}), 400)


def test_facets_for_building_filters(seeded: LocalStack) -> None:
    body = call_api("GET", "/v1/causes/facets", query={"population": "newborns"}).get_json()
    categories = {facet["id"]: facet for facet in body["categories"]}
    assert categories["infection"] == {"id": "infection", "label": "Infeksi dan demam", "count": 3}
    populations = {facet["id"]: facet["count"] for facet in body["populations"]}
    assert populations["pregnant-women"] > 0  # the population facet ignores its own filter
    assert body["total"] == sum(f["count"] for f in body["categories"])


def test_one_cause_with_its_synonyms(seeded: LocalStack) -> None:
    response = call_api("GET", "/v1/causes/dehidrasi", query={"locale": "en"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"].startswith("Dehydration")
    assert "not drinking enough" in body["synonyms"]
    assert [m["section"] for m in body["mentions"]] == ["penyebab", "kram-saat-hamil", "perawatan"]
    assert_problem(call_api("GET", "/v1/causes/tidak-ada"), 404)
    assert_problem(call_api("GET", "/v1/causes/Tidak Ada"), 400)


def test_article_sections_list_the_causes_they_discuss(seeded: LocalStack) -> None:
    article = call_api("GET", "/v1/articles/kram-otot-betis").get_json()
    causes = {section["id"]: section["causes"] for section in article["sections"]}
    assert causes["penyebab"][:3] == ["hipoksia", "malformasi-otak", "meningitis"]
    assert causes["apa-itu-kejang"] == []
    toc = call_api("GET", "/v1/articles/kram-otot-betis/sections").get_json()
    assert next(s for s in toc["sections"] if s["id"] == "komplikasi")["causes"] == ["epilepsi", "eklamsia"]


def test_lookup_responses_are_cacheable(seeded: LocalStack) -> None:
    response = call_api("GET", "/v1/causes", query={"q": "kalsium"})
    again = call_api("GET", "/v1/causes", query={"q": "kalsium"}, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
