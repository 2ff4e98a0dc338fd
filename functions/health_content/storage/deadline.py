"""A deadline for each of the API's store calls, and for a request's store calls in all.

botocore's read timeout bounds each socket read, not a call: a store that trickles its answer (a byte
every 0.3 s) could hold a call, and the request, past the function's timeout, and Lambda would answer
502 and reset the container with its warm copies. So each call is timed as a whole: a one-shot timer
(SIGALRM) is armed when botocore sends the request and disarmed once the answer is read and parsed. When
it fires, the call raises ``StoreCallTimedOut``, a BotoCoreError, which storage turns into
ContentUnavailable like any other store failure: the warm copy is served, or a 503 with Retry-After.

The budgets, in one place: a call gets at most ``call_seconds``; the calls of one request together at most
``request_seconds``, and never beyond the function's remaining time less ``reserve_seconds`` (to render and
answer). A call that timed out (cut here, or a socket read or connection that timed out) spends the rest of
the request's store time: a store that slow is not asked again within the request, whose other reads are
answered from warm copies at once.

Python runs signal handlers in the main thread only, which is where Lambda runs the handler; in another
thread (the local runner's request threads) the per-read timeouts of ``aws.API_CLIENT_CONFIG`` still hold,
without the whole-call bound.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from botocore.exceptions import BotoCoreError, ConnectTimeoutError, ReadTimeoutError


class StoreCallTimedOut(BotoCoreError):
    fmt = "The store did not answer within {seconds:.2f} s."


class StoreDeadline:
    """The store-time budget of this container's current request; ``start`` it at each invocation."""

    def __init__(
        self,
        call_seconds: float,
        request_seconds: float,
        reserve_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._call_seconds = call_seconds
        self._request_seconds = request_seconds
        self._reserve_seconds = reserve_seconds
        self._clock = clock
        self._store_ends = math.inf  # until a request starts (init, warm-up), each call has its own budget only
        self._function_ends = math.inf
        self._armed = 0.0

    def start(self, remaining_seconds: float | None) -> None:
        """A request begins, with ``remaining_seconds`` before the function times out (None: no limit)."""
        now = self._clock()
        usable = math.inf if remaining_seconds is None else max(remaining_seconds - self._reserve_seconds, 0.0)
        self._function_ends = now + usable
        self._store_ends = now + min(self._request_seconds, usable)

    def attach(self, client: Any) -> Any:
        """Time every call ``client`` (a botocore client) makes; returns it."""
        client.meta.events.register("before-send", self._arm_call)
        client.meta.events.register("needs-retry", self._disarm)
        return client

    @contextmanager
    def bounding(self) -> Iterator[None]:
        """Bound a read outside botocore's call (a streamed object body) by the function's remaining time."""
        self._arm(self._function_ends - self._clock())
        try:
            yield
        finally:
            self._disarm()

    def _arm_call(self, **_: Any) -> None:
        self._arm(min(self._call_seconds, self._store_ends - self._clock()))

    def _arm(self, seconds: float) -> None:
        if seconds <= 0:
            raise StoreCallTimedOut(seconds=0.0)
        if math.isinf(seconds) or threading.current_thread() is not threading.main_thread():
            return
        self._armed = seconds
        signal.signal(signal.SIGALRM, self._expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def _disarm(self, caught_exception: BaseException | None = None, **_: Any) -> None:
        if self._armed and threading.current_thread() is threading.main_thread():
            signal.setitimer(signal.ITIMER_REAL, 0)
            self._armed = 0.0
        if isinstance(caught_exception, ReadTimeoutError | ConnectTimeoutError):
            self._store_ends = self._clock()

    def _expired(self, _signal: int, _frame: FrameType | None) -> None:
        seconds, self._armed = self._armed, 0.0
        self._store_ends = self._clock()
        raise StoreCallTimedOut(seconds=seconds)
