"""How a new version of an article is described in the change log."""

from __future__ import annotations

from health_content.articles.model import Article
from health_content.changes.model import ChangeNote, ChangeType


def describe_change(previous: Article | None, current: Article) -> ChangeNote:
    """A first version (or one after a retraction) is published; one that adds corrections is corrected."""
    if previous is None:
        return ChangeNote(ChangeType.PUBLISHED)
    added = [correction for correction in current.corrections if correction not in previous.corrections]
    if added:
        return ChangeNote(ChangeType.CORRECTED, "; ".join(correction.reason for correction in added))
    return ChangeNote(ChangeType.UPDATED)
