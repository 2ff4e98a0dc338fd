"""Domain exceptions. The API maps each of them to an HTTP problem in one place."""

from __future__ import annotations

import datetime as dt


class ContentError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(ContentError):
    """The thing asked for is not published."""


class ArticleNotFound(NotFound):
    def __init__(self, slug: str, locale: str) -> None:
        super().__init__(f"No article {slug!r} is published in locale {locale!r}.")


class SectionNotFound(NotFound):
    def __init__(self, slug: str, section_id: str) -> None:
        super().__init__(f"Article {slug!r} has no section {section_id!r}.")


class ArticleRetracted(ContentError):
    """The article was withdrawn; readers learn when and, if the editors said, why."""

    def __init__(self, slug: str, locale: str, reason: str | None, at: dt.datetime) -> None:
        because = f" Reason: {reason}" if reason else ""
        super().__init__(f"Article {slug!r} in locale {locale!r} was retracted on {at:%Y-%m-%d}.{because}")
        self.reason = reason
        self.at = at


class ChangesExpired(ContentError):
    def __init__(self) -> None:
        super().__init__(
            "Changes after this cursor are no longer kept. Resynchronise from the article and cause lists, "
            "then follow the feed again from a fresh cursor."
        )


class InvalidCursor(ContentError):
    def __init__(self) -> None:
        super().__init__("The cursor is not one this API issued for this listing; start again without it.")


class ContentUnavailable(ContentError):
    """The serving index could not be read; the request may succeed later."""


class DocumentUnreadable(ContentUnavailable):
    """A stored document could not be read back (corrupt, or of a shape this code does not know)."""

    def __init__(self, what: str) -> None:
        super().__init__("The content asked for cannot be read right now.")
        self.what = what


class DocumentRejected(ContentError):
    """A document failed validation and was not published."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class CauseNotFound(NotFound):
    def __init__(self, cause_id: str) -> None:
        super().__init__(f"There is no cause {cause_id!r}.")


class InvalidQuery(ContentError):
    """A query parameter names something the content does not have (an unknown category, say)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in errors))
        self.errors = errors


class InvalidPreviewToken(ContentError):
    """A preview token that is malformed, altered, expired or for another article: the request is refused
    rather than answered as if no token had been sent, so that an editor learns why the draft is not shown."""
