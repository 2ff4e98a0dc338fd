"""How fresh what a request was served from is: whether a stale copy was used, and whether anything
could not be read as it is now.

A warm container keeps the last good copy of what it read. When the store fails, catalogs
serve that copy (within the stale window) and say so here; the API turns it into headers
(``Age``, ``Cache-Status``), a metric and the health check's status. One object per container,
reset at the start of each request: Lambda runs one request at a time in a container.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Documents named by the health check at most; more unreadable documents than this in one container's trouble
# window is an outage, which a few names describe as well as all of them.
MAX_UNREADABLE_NAMED = 20


@dataclass
class Freshness:
    stale_age: float | None = None
    """Seconds since the oldest stale copy used was read, if one was used (this request)."""
    degraded: bool = False
    """Something was left out of the response because it could not be read (this request)."""
    last_trouble_at: float | None = None
    """When this container last served stale or partial content (across requests), by ``timer``."""
    unreadable: dict[str, float] = field(default_factory=dict)
    """Documents this container found unreadable (corrupt, or of an unknown shape), and when it last did."""
    timer: Callable[[], float] = field(default=time.monotonic, repr=False)

    def reset(self) -> None:
        self.stale_age = None
        self.degraded = False

    def served_stale(self, age: float) -> None:
        self.stale_age = age if self.stale_age is None else max(self.stale_age, age)
        self.last_trouble_at = self.timer()

    def left_out(self) -> None:
        self.degraded = True
        self.last_trouble_at = self.timer()

    def troubled_within(self, seconds: float) -> bool:
        return self.last_trouble_at is not None and self.timer() - self.last_trouble_at <= seconds

    def found_unreadable(self, what: str) -> None:
        self.unreadable.pop(what, None)  # the newest last, so that the oldest is the one dropped
        self.unreadable[what] = self.last_trouble_at = self.timer()
        if len(self.unreadable) > MAX_UNREADABLE_NAMED:
            del self.unreadable[next(iter(self.unreadable))]

    def unreadable_within(self, seconds: float) -> list[str]:
        """The documents found unreadable in the last ``seconds``, the most recent first."""
        now = self.timer()
        return [what for what, at in reversed(self.unreadable.items()) if now - at <= seconds]
