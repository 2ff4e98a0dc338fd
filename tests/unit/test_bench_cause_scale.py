"""The cause bench asks each fresh container one kind of first request only, and reports each taxonomy and each
design of a first load against the smallest taxonomy."""

from __future__ import annotations

from typing import Any

from infra.benchmarks import cause_scale


def test_each_container_is_asked_one_kind_of_first_request_and_that_kind_only() -> None:
    asked = {
        "first": [["article", "/v1/articles/a", {}], ["search", "/v1/search", {"q": "x"}], ["cause", "/v1/causes", {}]],
        "warmup": [["article", "/v1/articles/b", {}], ["cause", "/v1/causes", {"q": "y"}]],
        "measured": {
            "article": [["/v1/articles/b", {}]],
            "search": [["/v1/search", {}]],
            "cause": [["/v1/causes", {}]],
        },
    }
    plans = cause_scale.container_plans(asked)
    assert set(plans) == set(cause_scale.KINDS)
    for kind, plan in plans.items():
        assert [request[0] for request in plan["first"] + plan["warmup"]] == [kind] * (len(plan["warmup"]) + 1)
        assert list(plan["measured"]) == [kind]


def _result(causes: int, factor: float) -> dict[str, Any]:
    first = {"calls": 3, "items": causes, "bytes": 1000 * causes}
    return {
        "causes": causes,
        **{key: factor for key in cause_scale.FIGURES},
        "first_reads": {kind: first for kind in cause_scale.KINDS},
        "designs": {
            design: {"get_ms": factor, "make_ms": factor, "total_ms": 2 * factor, "memory_mb": factor}
            for design in cause_scale.DESIGNS
        },
    }


def test_each_taxonomy_and_design_is_reported_against_the_smallest() -> None:
    text = cause_scale.report([_result(76, 1.0), _result(4000, 3.0)], "summary")
    assert "| 4,000 | 3.00x | 3.00x | 3.00x |" in text
    assert "+2 / +2 / +2 MB" in text
    assert "| 4,000 | indexer's file | 3.0 ms | 3.0 ms | 6.0 ms (3.00x) | 3 MB |" in text
