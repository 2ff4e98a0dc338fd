"""The events announcing changes: their source, their detail-type and the shape partners receive.

A webhook receives the whole EventBridge event, signed (``webhooks``); its ``detail`` is the
change-feed entry without its links. ``content/schemas/change-event.schema.json`` is
generated from ``ChangeEvent``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from health_content.changes.model import Change

EVENT_SOURCE = "health-content.publishing"


def detail_type(change: Change) -> str:
    """``Article Published``, ``Article Corrected``, ``Causes Updated``, ``Article Retracted``..."""
    subject = "Article" if change.kind == "article" else "Causes"
    return f"{subject} {change.change.value.title()}"


class ChangeEvent(BaseModel):
    """An EventBridge event announcing one change, as a subscriber receives it."""

    model_config = ConfigDict(title="ChangeEvent", populate_by_name=True)

    version: str = Field(examples=["0"])
    id: str = Field(description="EventBridge's id of the event; a retried delivery has the same id.")
    detail_type: str = Field(
        alias="detail-type",
        pattern=r"^(Article (Published|Updated|Corrected|Retracted)|Causes (Published|Updated|Retracted))$",
        examples=["Article Corrected"],
    )
    source: Literal["health-content.publishing"]
    account: str
    time: dt.datetime
    region: str
    resources: list[str]
    detail: Change = Field(
        description="The change-feed entry: order events by `detail.sequence` (delivery order is not guaranteed)."
    )
