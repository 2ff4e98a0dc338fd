"""The cause taxonomy: what a valid one holds, and what publishing rejects."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from health_content.articles.model import ListBlock
from health_content.causes.prepare import prepare
from health_content.errors import DocumentRejected
from tests.causes_fixtures import published_articles, seed_article, taxonomy_document, validate


@pytest.fixture
def document() -> dict[str, Any]:
    return taxonomy_document()


def _cause(document: dict[str, Any], cause_id: str) -> dict[str, Any]:
    return next(c for c in document["causes"] if c["id"] == cause_id)


def test_the_published_taxonomy_is_valid_and_its_mentions_resolve(document) -> None:
    taxonomy = validate(document)
    analysis = prepare(taxonomy, published_articles)
    assert len(analysis.causes) == len(taxonomy.causes) >= 35
    assert all(all(excerpt for excerpt in cause.excerpts) for cause in analysis.causes)


def test_every_numbered_cause_in_the_article_has_a_record(document) -> None:
    causes_list = seed_article().section("penyebab").blocks[1]
    assert isinstance(causes_list, ListBlock)
    mentions = [m for c in document["causes"] for m in c["mentions"]]
    covered = {m["item"] for m in mentions if (m["section"], m["block"]) == ("penyebab", 1)}
    assert covered == set(range(len(causes_list.items)))


def test_causes_named_in_the_prose_have_records(document) -> None:
    ids = {cause["id"] for cause in document["causes"]}
    assert {
        "faktor-keturunan",
        "cahaya-dan-suara-keras",
        "stres-dan-agitasi",
        "gangguan-elektrolit",
        "penggunaan-narkoba",
        "air-dingin",
        "ketegangan-otot-malam-hari",
        "varises",
        "kekurangan-mineral-saat-hamil",
        "muntah-saat-hamil",
        "diuretik-tidak-terkontrol",
        "kekurangan-vitamin-b6",
        "hipokalsemia",
    } <= ids


def test_compound_items_are_split_but_keep_their_list_item(document) -> None:
    item_four = {
        cause["id"]
        for cause in document["causes"]
        for m in cause["mentions"]
        if (m["section"], m.get("item")) == ("penyebab", 3)
    }
    assert item_four == {"hipokalemia", "hipokalsemia", "hipomagnesemia", "hipoglikemia"}


def test_vocabularies_hold_the_populations_clients_filter_by(document) -> None:
    populations = {term["id"] for term in document["populations"]}
    assert {"children", "newborns", "pregnant-women", "women", "adults"} <= populations


def test_every_record_is_bilingual_with_lay_synonyms(document) -> None:
    for cause in document["causes"]:
        assert cause["name"]["id"] and cause["name"]["en"]
        assert cause["explanation"]["id"].endswith(".") and cause["explanation"]["en"].endswith(".")
        assert cause["synonyms"]["id"] and cause["synonyms"]["en"], cause["id"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _cause(d, "demam").update(category="weather"), "unknown category 'weather'"),
        (lambda d: _cause(d, "demam").update(populations=["toddlers"]), "unknown population 'toddlers'"),
        (lambda d: _cause(d, "demam").update(icd10=["R5"]), "String should match pattern"),
        (lambda d: _cause(d, "demam").update(icd10=["E83.51"]), "not in WHO ICD-10: E83.51"),
        (lambda d: _cause(d, "demam").update(icd10=["R50.9", "R50.9"]), "must not repeat"),
        (lambda d: _cause(d, "demam").update(id="facets"), "reserved"),
        (lambda d: _cause(d, "demam").update(id="epilepsi"), "cause ids repeat: epilepsi"),
        (lambda d: _cause(d, "demam").update(mentions=[]), "at least 1 item"),
        (lambda d: d["categories"].append(copy.deepcopy(d["categories"][0])), "categories has a repeated id"),
    ],
)
def test_invalid_records_are_rejected_with_a_reason(document, change, message) -> None:
    change(document)
    with pytest.raises(ValidationError, match=message):
        validate(document)


@pytest.mark.parametrize(
    ("mention", "reason"),
    [
        ({"article": "tidak-ada", "section": "penyebab", "block": 0}, "article 'tidak-ada' is not published"),
        ({"article": "kram-otot-betis", "section": "tidak-ada", "block": 0}, "has no section 'tidak-ada'"),
        ({"article": "kram-otot-betis", "section": "penyebab", "block": 9}, "the section has 5 blocks"),
        ({"article": "kram-otot-betis", "section": "penyebab", "block": 1, "item": 15}, "the list has 15 items"),
        ({"article": "kram-otot-betis", "section": "penyebab", "block": 0, "item": 0}, "is a paragraph"),
        ({"article": "kram-otot-betis", "locale": "en", "section": "penyebab", "block": 0}, "in locale 'en'"),
    ],
)
def test_mentions_that_point_nowhere_reject_the_publish(document, mention, reason) -> None:
    _cause(document, "demam")["mentions"].append(mention)
    with pytest.raises(DocumentRejected) as rejection:
        prepare(validate(document), published_articles)
    assert any(reason in r and r.startswith("cause 'demam'") for r in rejection.value.reasons), rejection.value.reasons


def test_excerpts_quote_the_item_or_the_paragraph(document) -> None:
    taxonomy = validate(document)
    analysis = {cause.id: cause for cause in prepare(taxonomy, published_articles).causes}
    assert analysis["epilepsi"].excerpts[0] == "Epilepsi;"
    assert analysis["faktor-keturunan"].excerpts[0].startswith("Faktor predisposisi keturunan")
    # A paragraph is quoted at the sentence about the cause, not from its start.
    assert analysis["hipokalsemia"].excerpts[0] == (
        "Fenomena ini disebabkan oleh gangguan pada sistem ekstrapiramidal otak, yang dipicu oleh penurunan "
        "kadar kalsium dalam darah dan patologi penyerta lainnya."
    )
    assert "hamil" in analysis["eklamsia"].excerpts[0]
    assert all(len(e) <= 202 for cause in analysis.values() for e in cause.excerpts)
