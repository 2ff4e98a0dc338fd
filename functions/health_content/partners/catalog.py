"""Who a key belongs to, remembered per container: a key's partner and plan change rarely.

A lookup that fails is not an error for the request: the response then states no policy,
and the usage is counted under the key's id rather than a name.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import TTLCache

from health_content.errors import ContentUnavailable
from health_content.observability import logger
from health_content.partners.model import Partner, PartnerDirectory


class PartnerCatalog:
    def __init__(
        self,
        directory: PartnerDirectory,
        *,
        remember_for: float,
        retry_after_failure: float,
        size: int,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._directory = directory
        self._known: TTLCache[str, Partner | None] = TTLCache(maxsize=size, ttl=remember_for, timer=timer)
        # A failed lookup is not retried on every request of that key: API Gateway's control plane is throttled
        # account-wide, and asking harder would feed the throttling.
        self._failed: TTLCache[str, bool] = TTLCache(maxsize=size, ttl=retry_after_failure, timer=timer)

    def partner(self, key_id: str) -> Partner | None:
        if key_id in self._known:
            return self._known[key_id]
        if key_id in self._failed:
            return None
        try:
            partner = self._directory.lookup(key_id)
        except ContentUnavailable:
            logger.warning("a partner's key could not be looked up", extra={"key_id": key_id})
            self._failed[key_id] = True
            return None
        self._known[key_id] = partner
        return partner
