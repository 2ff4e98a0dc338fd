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


@dataclass
class Freshness:
    stale_age: float | None = None
    """Seconds since the oldest stale copy used was read, if one was used (this request)."""
    degraded: bool = False
    """Something was left out of the response because it could not be read (this request)."""
    last_trouble_at: float | None = None
    """When this container last served stale or partial content (across requests), by ``timer``."""
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
