"""The port to where drafts are kept: articles validated as published ones, readable only by key.

A draft is never listed, searched, logged in the change feed or announced: it has no listing items, no
search analysis and no change-log entry, so nothing that enumerates published content can meet it. Only a
preview (``health_content.reading.ArticleReader.preview``) reads one, by locale and slug.
``health_content.storage.drafts.DynamoDraftStore`` implements it; every implementation passes the same
specification (``tests/contract/test_storage_contract.py``).
"""

from __future__ import annotations

from typing import Protocol

from health_content.articles.store import PublishedArticle
from health_content.vocabulary import Locale


class DraftStore(Protocol):
    def get(self, locale: Locale, slug: str) -> PublishedArticle | None:
        """The article's draft (``published_at``: when it was uploaded), or None when it has none."""
        ...

    def put_if_changed(self, draft: PublishedArticle) -> bool:
        """Keep ``draft`` as its article's draft; False (and no write) when that draft is already kept.

        Raises DocumentRejected, writing nothing, when it does not fit."""
        ...

    def delete(self, locale: Locale, slug: str) -> bool:
        """Forget the article's draft; False when it had none."""
        ...
