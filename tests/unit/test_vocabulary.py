"""One vocabulary: locales, slugs and text in every locale are defined once and used everywhere."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.presenters.labels import LABELS
from health_content.text import analysis as text
from health_content.vocabulary import (
    DEFAULT_LOCALE,
    LOCALES,
    LocalizedShortText,
    LocalizedTerms,
    as_locale,
)


def test_the_default_locale_is_one_of_the_locales() -> None:
    assert DEFAULT_LOCALE in LOCALES


def test_text_in_every_locale_is_read_by_locale() -> None:
    name = LocalizedShortText.model_validate({"id": "Kekurangan kalsium", "en": "Low calcium"})
    assert [name.in_(locale) for locale in LOCALES] == ["Kekurangan kalsium", "Low calcium"]


def test_text_missing_a_locale_is_rejected_naming_it() -> None:
    with pytest.raises(ValidationError, match="missing the locale"):
        LocalizedShortText.model_validate({"id": "Kekurangan kalsium"})


def test_a_locale_the_content_does_not_have_is_rejected() -> None:
    with pytest.raises(ValidationError, match="'id' or 'en'"):
        LocalizedShortText.model_validate({"id": "a", "en": "b", "fr": "c"})


def test_terms_may_be_missing_for_a_locale() -> None:
    terms = LocalizedTerms.model_validate({"id": ["kram"]})
    assert terms.in_("id") == ["kram"] and terms.in_("en") == []


def test_a_locale_is_recognised_only_when_the_content_has_it() -> None:
    assert [as_locale(value) for value in ("id", "en", "fr", "ID", "")] == ["id", "en", None, None, None]


def test_every_locale_has_embed_labels_and_stems_words() -> None:
    assert set(LABELS) == set(LOCALES)
    assert text.stem("kekurangan", "id") == "kurang"
    assert text.stem("cramps", "en") == "cramp"
