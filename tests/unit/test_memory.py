"""Memory that user input can fill is bounded: the stemmer's cache included."""

from __future__ import annotations

import json

import pytest

from tests.conftest import MEMORY_PROBE, start_memory_probe


def test_thirty_thousand_searches_with_new_words_grow_the_process_less_than_5_mb(
    request: pytest.FixtureRequest,
) -> None:
    # Started with the session when the suite runs in one process; on a worker, started here (tests/conftest.py).
    probe = request.config.stash.get(MEMORY_PROBE, None) or start_memory_probe()
    out, err = probe.communicate(timeout=300)
    assert probe.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    print(
        f"memory after warm-up: {result['before_mb']:.0f} MB; growth over {result['searches']} searches: "
        f"{result['growth_mb']:.2f} MB"
    )
    assert result["searches"] == 30_000
    assert result["growth_mb"] < 5
