"""The content models accept the seed article and reject what an editor could get wrong."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from health_content.articles.model import Article, HealthAspect


def _with(document: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return changed


def test_seed_article_is_valid(seed_document: dict[str, Any]) -> None:
    article = Article.model_validate(seed_document)
    assert article.slug == "kram-otot-betis"
    assert article.locale == "id"


def test_schema_pointer_is_accepted_but_not_part_of_the_content(seed_document: dict[str, Any]) -> None:
    article = Article.model_validate(seed_document)
    assert "$schema" not in article.model_dump(by_alias=True)
    assert "schema_ref" not in article.model_dump()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["slug"], "Kram Otot", "String should match pattern"),
        (["slug"], "../etc", "String should match pattern"),
        (["locale"], "fr", "Input should be 'id' or 'en'"),
        (["title"], "", "at least 1 character"),
        (["summary"], "line one\nline two", "control characters"),
        (["sections", 0, "aspect"], "Causes", "Input should be"),
        (["sections", 0, "blocks"], [], "at least 1 item"),
        (
            ["sections", 0, "blocks", 0],
            {"type": "image", "src": "x.png"},
            "does not match any of the expected tags",
        ),
        (["sections", 3, "blocks", 1, "items"], [], "at least 1 item"),
        (["updated_at"], "24-11-2026", "valid date"),
        (["tags"], ["Kram"], "String should match pattern"),
        (["source", "url"], "not a url", "valid URL"),
    ],
)
def test_invalid_documents_are_rejected_with_a_reason(
    seed_document: dict[str, Any], path: list[Any], value: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Article.model_validate(_with(seed_document, path, value))


def test_unknown_fields_are_rejected(seed_document: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Article.model_validate({**seed_document, "author": "someone"})


def test_section_ids_must_be_unique(seed_document: dict[str, Any]) -> None:
    duplicated = _with(seed_document, ["sections", 1, "id"], seed_document["sections"][0]["id"])
    with pytest.raises(ValidationError, match="used more than once"):
        Article.model_validate(duplicated)


def test_text_must_be_nfc_normalised(seed_document: dict[str, Any]) -> None:
    decomposed = "Kejang e\u0301"  # "é" as e + combining accent
    with pytest.raises(ValidationError, match="normal form NFC"):
        Article.model_validate(_with(seed_document, ["title"], decomposed))


def test_aspects_are_schema_org_health_aspects() -> None:
    assert all(aspect.value.endswith("HealthAspect") for aspect in HealthAspect)
