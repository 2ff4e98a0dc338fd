"""The API traces what X-Ray keeps: sampled invocations and the first one, not the others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from health_content import observability


def test_only_sampled_invocations_and_the_first_one_go_through_the_tracer(monkeypatch: pytest.MonkeyPatch) -> None:
    traced: list[int] = []

    def capture(handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def tracing(event: Any, context: Any) -> Any:
            traced.append(event)
            return handler(event, context)

        return tracing

    monkeypatch.setattr(observability.tracer, "capture_lambda_handler", capture)
    handler = observability.trace_sampled_invocations(lambda event, context: event * 10)
    for invocation, sampled in enumerate(["0", "0", "1", "0", None]):
        if sampled is None:  # no decision made upstream: trace rather than lose it
            monkeypatch.delenv("_X_AMZN_TRACE_ID", raising=False)
        else:
            monkeypatch.setenv("_X_AMZN_TRACE_ID", f"Root=1-5759e988-bd862e3fe1be46a994272793;Sampled={sampled}")
        assert handler(invocation, None) == invocation * 10  # every invocation is answered
    assert traced == [0, 2, 4]  # the cold start, the sampled one and the undecided one
