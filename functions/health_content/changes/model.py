"""What one change to published content is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from health_content.vocabulary import Locale

DocumentKindName = Literal["article", "causes"]


class ChangeType(StrEnum):
    PUBLISHED = "published"
    UPDATED = "updated"
    CORRECTED = "corrected"
    RETRACTED = "retracted"


@dataclass(frozen=True, slots=True)
class ChangeNote:
    """What kind of change a write makes, and why (the store gives it its sequence and time)."""

    change: ChangeType
    reason: str | None = None


class Change(BaseModel):
    """One entry of the change log; also the detail of the event sent for it."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="Change")

    sequence: int = Field(ge=1, description="Position in the log: each change gets the next number, with no gaps.")
    at: dt.datetime = Field(description="When the change was served (UTC).")
    kind: DocumentKindName = Field(description="What changed: an article, or the cause taxonomy.")
    id: str = Field(description="The article's slug, or `causes` for the taxonomy.", examples=["kram-otot-betis"])
    locale: Locale | None = Field(description="The article's locale; null for the taxonomy.")
    change: ChangeType = Field(
        description=(
            "`published` (new, or back after a retraction), `updated`, `corrected` (the new version records "
            "editorial corrections; `reason` quotes them) or `retracted` (withdrawn; `reason` says why)."
        )
    )
    reason: str | None = Field(description="Why, when the editors said so: a correction's reason, a retraction's.")
    version: str | None = Field(
        description="Content hash of the new version (the `version` of list items); null once retracted."
    )


@dataclass(frozen=True, slots=True)
class Retraction:
    """An article withdrawn from publication: readers are told when and why instead of 'not found'."""

    slug: str
    locale: Locale
    reason: str | None
    at: dt.datetime
