"""The whole-call deadline of the API's store calls (``health_content.storage.deadline``)."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.hooks import HierarchicalEmitter

from health_content.storage.deadline import StoreCallTimedOut, StoreDeadline


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def _client() -> SimpleNamespace:
    return SimpleNamespace(meta=SimpleNamespace(events=HierarchicalEmitter()))


def _send(client: SimpleNamespace) -> None:
    client.meta.events.emit("before-send.dynamodb.GetItem", request=None)


def _answered(client: SimpleNamespace, caught: BaseException | None = None) -> None:
    client.meta.events.emit("needs-retry.dynamodb.GetItem", caught_exception=caught)


def test_a_call_that_outlasts_its_budget_is_cut_even_when_its_answer_keeps_coming() -> None:
    deadline, client = StoreDeadline(0.2, 4.0, 1.0), _client()
    deadline.attach(client)
    deadline.start(10.0)
    _send(client)
    started = time.monotonic()
    with pytest.raises(StoreCallTimedOut):
        while True:  # an answer that keeps trickling in: each read is quick
            time.sleep(0.01)
    assert 0.15 < time.monotonic() - started < 1.0


def test_an_answered_call_is_not_cut_later() -> None:
    deadline, client = StoreDeadline(0.1, 4.0, 1.0), _client()
    deadline.attach(client)
    deadline.start(10.0)
    _send(client)
    _answered(client)
    time.sleep(0.2)  # no alarm goes off outside a call


def test_a_request_has_no_store_time_left_after_its_calls_spent_it() -> None:
    clock, client = Clock(), _client()
    deadline = StoreDeadline(1.5, 4.0, 1.5, clock)
    deadline.attach(client)
    deadline.start(30.0)
    clock.now += 4.0
    with pytest.raises(StoreCallTimedOut):
        _send(client)
    deadline.start(30.0)  # the next request has its own
    _send(client)
    _answered(client)


def test_the_function_s_remaining_time_bounds_the_request() -> None:
    clock, client = Clock(), _client()
    deadline = StoreDeadline(1.5, 4.0, 1.5, clock)
    deadline.attach(client)
    deadline.start(1.4)  # less than the reserve to answer: no store call may start
    with pytest.raises(StoreCallTimedOut):
        _send(client)


def test_after_a_call_timed_out_the_request_asks_the_store_no_more() -> None:
    clock, client = Clock(), _client()
    deadline = StoreDeadline(1.5, 4.0, 1.5, clock)
    deadline.attach(client)
    deadline.start(30.0)
    _send(client)
    _answered(client, ReadTimeoutError(endpoint_url="http://127.0.0.1:1"))
    with pytest.raises(StoreCallTimedOut):  # its other reads come from warm copies at once
        _send(client)
