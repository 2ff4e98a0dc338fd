"""The change feed as response models."""

from __future__ import annotations

from api.links import LinkBuilder
from api.models.changes import ChangeFeedOut, ChangeLinks, ChangeOut
from api.models.common import Links
from health_content.changes.feed import ChangePage
from health_content.changes.model import Change


def _change_out(change: Change, links: LinkBuilder) -> ChangeOut:
    if change.kind == "causes":
        href: str | None = links.causes()
    elif change.locale is not None:
        href = links.in_locale(change.locale).article(change.id)
    else:
        href = None
    return ChangeOut(
        sequence=change.sequence,
        at=change.at,
        kind=change.kind,
        id=change.id,
        locale=change.locale,
        change=change.change.value,
        reason=change.reason,
        version=change.version,
        links=ChangeLinks(self=href),
    )


def change_feed_out(page: ChangePage, links: LinkBuilder, since: str | None, limit: int) -> ChangeFeedOut:
    return ChangeFeedOut(
        changes=[_change_out(change, links) for change in page.changes],
        cursor=page.cursor,
        more=page.more,
        links=Links(self=links.changes(since, limit), next=links.changes(page.cursor, limit)),
    )
