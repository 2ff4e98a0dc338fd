"""The words every kind of document shares: slugs, plain text, locales and text in every locale.

This module sits at the bottom of the domain: it imports nothing from the project. Adding a
locale is one line here (``Locale``) plus its content: labels, stemmer and translations.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Generic, Literal, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    RootModel,
    StringConstraints,
    model_validator,
)

Locale = Literal["id", "en"]
"""A BCP 47 language the content is written in."""
LOCALES: tuple[Locale, ...] = get_args(Locale)
DEFAULT_LOCALE: Locale = "id"


def as_locale(value: str) -> Locale | None:
    """The locale spelled ``value``, or None when the content has no such locale."""
    return next((locale for locale in LOCALES if locale == value), None)


SLUG_MAX_LENGTH = 100
SLUG_BODY = r"[a-z0-9]+(?:-[a-z0-9]+)*"
"""A slug as a regular expression to embed in others (no anchors)."""
SLUG_PATTERN = f"^{SLUG_BODY}$"


def _plain_text(value: str) -> str:
    """Reject text an editor cannot see: control characters and unnormalised Unicode."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValueError("text must not contain control characters (tabs, newlines, NUL, ...)")
    if unicodedata.normalize("NFC", value) != value:
        raise ValueError("text must be in Unicode normal form NFC")
    return value


Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=SLUG_MAX_LENGTH),
    Field(
        description="Lower-case ASCII words joined by hyphens; stable, used in URLs.",
        examples=["kram-otot-betis"],
    ),
]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=False, min_length=1, max_length=5_000),
    AfterValidator(_plain_text),
]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(_plain_text)]


class ContentModel(BaseModel):
    """Base of every content model: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(ContentModel):
    """Where the text comes from, for attribution."""

    name: ShortText = Field(description="Who wrote or published the original text.")
    url: HttpUrl | None = Field(default=None, description="The original, where it is known.")
    note: Text | None = Field(default=None, description="How the text was obtained or adapted.")


T = TypeVar("T")


class InEveryLocale(RootModel[dict[Locale, T]], Generic[T]):
    """A value per locale, written as ``{"id": ..., "en": ...}``; every locale must be there."""

    model_config = ConfigDict(frozen=True, json_schema_extra={"required": list(LOCALES)})

    @model_validator(mode="after")
    def _every_locale(self) -> InEveryLocale[T]:
        missing = [locale for locale in LOCALES if locale not in self.root]
        if missing:
            raise ValueError(f"missing the locale(s) {', '.join(missing)}")
        return self

    def in_(self, locale: Locale) -> T:
        return self.root[locale]


class LocalizedShortText(InEveryLocale[ShortText]):
    """A name or label in every locale."""


class LocalizedText(InEveryLocale[Text]):
    """A sentence or paragraph in every locale."""


class LocalizedTerms(RootModel[dict[Locale, Annotated[list[ShortText], Field(max_length=50)]]]):
    """What people type, per locale: lay words, abbreviations, spellings. A locale may have none."""

    model_config = ConfigDict(frozen=True)

    def in_(self, locale: Locale) -> list[str]:
        return list(self.root.get(locale, ()))
