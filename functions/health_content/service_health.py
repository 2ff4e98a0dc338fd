"""Whether this container can serve the content, as the health check reports it.

Each part of the content is read as a request would read it; what the reads and this container's recent
requests met (stale copies served, parts left out, documents found unreadable) makes the status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from health_content.errors import ContentUnavailable
from health_content.freshness import Freshness

PartStatus = Literal["ok", "stale", "unavailable"]
Status = Literal["ok", "degraded", "unavailable"]


@dataclass(frozen=True, slots=True)
class HealthReport:
    status: Status
    checks: dict[str, PartStatus]
    unreadable: list[str]
    """Documents this container found unreadable within the trouble window, the most recent first."""


def assess(
    parts: Mapping[str, Callable[[], object]], essential: str, freshness: Freshness, window_seconds: float
) -> HealthReport:
    """Read each part; ``essential`` unavailable makes the whole unavailable, any other trouble degraded."""
    checks: dict[str, PartStatus] = {}
    for part, read in parts.items():
        freshness.stale_age = None  # this request's, to tell which part was served stale
        try:
            read()
        except ContentUnavailable:
            checks[part] = "unavailable"
            continue
        checks[part] = "ok" if freshness.stale_age is None else "stale"
    unreadable = freshness.unreadable_within(window_seconds)
    status: Status = "ok"
    if checks[essential] == "unavailable":
        status = "unavailable"
    elif set(checks.values()) != {"ok"} or unreadable or freshness.troubled_within(window_seconds):
        status = "degraded"
    return HealthReport(status, checks, unreadable)
