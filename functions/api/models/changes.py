"""The change feed."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from api.models.common import Href, Links, LinkSet, ResponseModel
from health_content.vocabulary import Locale


class ChangeLinks(LinkSet):
    self: Href | None = Field(
        default=None, description="Where the changed document is served (a retracted article answers 410 there)."
    )


class ChangeOut(ResponseModel):
    sequence: int = Field(description="Position in the feed; one more than the change before it.", examples=[42])
    at: dt.datetime = Field(description="When the change was served.")
    kind: Literal["article", "causes"] = Field(examples=["article"])
    id: str = Field(description="The article's slug, or `causes` for the cause taxonomy.", examples=["kram-otot-betis"])
    locale: Locale | None = Field(description="The article's locale; null for the taxonomy.", examples=["id"])
    change: Literal["published", "updated", "corrected", "retracted"] = Field(
        description=(
            "`published`: new, or back after a retraction; `updated`; `corrected`: the new version records "
            "editorial corrections, quoted in `reason`; `retracted`: withdrawn, `reason` says why."
        ),
        examples=["corrected"],
    )
    reason: str | None = Field(description="Why, when the editors said so.", examples=["Dosis diperbaiki"])
    version: str | None = Field(
        description="The new version: the `version` list items carry (a content hash); null when retracted."
    )
    links: ChangeLinks


class ChangeFeedOut(ResponseModel):
    """Changes to published content in the order they happened."""

    changes: list[ChangeOut]
    cursor: str = Field(
        description=("Keep it and pass it as `since` to get what happens next; an empty page gives it back unchanged.")
    )
    more: bool = Field(description="Whether more changes follow at once (then fetch `links.next` right away).")
    links: Links
