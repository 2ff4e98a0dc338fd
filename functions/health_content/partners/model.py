"""A partner's key and the usage plan it came through, as the API needs them to state the caller's policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class UsagePlan:
    name: str
    rate_limit: float | None
    """Requests per second, steady state."""
    burst_limit: int | None
    quota: int | None
    quota_period: str | None
    """DAY, WEEK or MONTH, as API Gateway names them."""


@dataclass(frozen=True, slots=True)
class Partner:
    key_id: str
    name: str
    plan: UsagePlan | None


class PartnerDirectory(Protocol):
    def lookup(self, key_id: str) -> Partner | None:
        """The partner whose key has this id, with its usage plan; None for a key that is not there."""
        ...
