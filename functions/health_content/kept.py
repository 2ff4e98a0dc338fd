"""The last good copy of something read from the store, as every catalog keeps it in a warm container.

Within ``refresh_after`` seconds of being confirmed current, the copy is used as it is. After that the
catalog's ``refresh`` is asked, with the copy, to confirm it (cheaply, by a version) or to read a new one.
When the store fails, the copy is served for up to ``stale_after`` seconds since it was last confirmed,
and the request's ``Freshness`` hears of it. With no copy to fall back on, the failure itself is kept for
``retry_after_failure`` seconds: a struggling store is not asked again on every request, yet a container
that started during a blip recovers within seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from health_content.errors import ContentUnavailable, DocumentUnreadable
from health_content.freshness import Freshness

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class KeepPolicy:
    """How long copies are trusted, served stale, and failures remembered (from ``Settings``)."""

    refresh_after: float
    stale_after: float
    retry_after_failure: float


class KeptCopy(Generic[T]):
    def __init__(self, policy: KeepPolicy, freshness: Freshness, timer: Callable[[], float] = time.monotonic) -> None:
        self._policy = policy
        self._freshness = freshness
        self._timer = timer
        self._copy: T | None = None
        self._confirmed_at = 0.0
        self._failure: tuple[ContentUnavailable, float] | None = None

    def get(self, refresh: Callable[[T | None], T]) -> T:
        """The copy, refreshed by ``refresh(copy)`` when it is due; ``refresh`` raises ContentUnavailable
        when the store fails, and anything else it raises (not found, say) passes through."""
        now = self._timer()
        copy, policy = self._copy, self._policy
        if copy is not None and now - self._confirmed_at < policy.refresh_after:
            return copy
        if copy is None and self._failure is not None and now - self._failure[1] < policy.retry_after_failure:
            raise self._failure[0].with_traceback(None)  # its frames, not every earlier request's
        try:
            fresh = refresh(copy)
        except ContentUnavailable as error:
            if isinstance(error, DocumentUnreadable):
                self._freshness.found_unreadable(error.what)
            if copy is None or now - self._confirmed_at > policy.stale_after:
                if copy is None:
                    self._failure = (error, now)
                raise
            self._freshness.served_stale(now - self._confirmed_at)
            return copy
        self._copy, self._confirmed_at, self._failure = fresh, now, None
        return fresh
