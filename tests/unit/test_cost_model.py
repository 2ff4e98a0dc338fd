"""The cost model's arithmetic and its traffic: the TTL cache formulas, a shared cache's reading of
Cache-Control, and the mix that the model prices and `make load` sends."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from infra.cost import model, prices
from infra.cost.observed import Answer, Observed
from infra.cost.traffic import MIX, Catalogue, Traffic, kind_of


def _observed(cache_control: str = "public, max-age=300") -> Observed:
    answers = {kind.name: Answer("", 200, cache_control, "", 1000, 500) for kind in MIX}
    return Observed(answers, 12_000, 6, {})


@pytest.mark.parametrize(
    ("cache_control", "status", "ttl"),
    [
        ("public, max-age=300, stale-while-revalidate=86400", 200, 300),
        ("public, max-age=60, s-maxage=600", 200, 600),  # a shared cache reads s-maxage first
        ("no-store", 200, 0),
        ("private, max-age=300", 200, 0),
        ("public, max-age=300", 404, 0),
    ],
)
def test_a_shared_cache_keeps_what_the_api_allows_it_to(cache_control: str, status: int, ttl: int) -> None:
    assert Answer("", status, cache_control, "", 0, 0).shared_ttl == ttl


def test_a_short_run_from_an_empty_cache_misses_each_url_once_at_most() -> None:
    # Shorter than the TTL: a URL misses once if it was asked at all, 1 - e^(-rate*duration).
    assert model.expected_misses(0.01, 300, 60) == pytest.approx(1 - math.exp(-0.6))
    assert model.expected_misses(5.0, 300, 60) == pytest.approx(1.0)
    # Over a long run it tends to the steady state: one miss per TTL + 1/rate.
    assert model.expected_misses(0.1, 30, 30_000) == pytest.approx(30_000 / (30 + 10), rel=0.01)
    assert model.expected_misses(2.0, 0, 10) == 20  # nothing kept: every request misses


def test_the_hit_ratio_grows_with_traffic_and_is_nil_without_a_cdn() -> None:
    observed = _observed()
    ratios = [
        model.hit_ratio(model.edge_load(volume / model.SECONDS_PER_MONTH, observed, 10_000)) for volume in model.VOLUMES
    ]
    assert 0 < ratios[0] < ratios[1] < ratios[2] < 1
    assert model.hit_ratio(model.edge_load(100, observed, 10_000, cdn=False)) == pytest.approx(0)
    assert model.hit_ratio(model.edge_load(100, _observed("no-store"), 10_000)) == pytest.approx(0)


def test_without_a_cdn_every_request_is_billed_by_api_gateway() -> None:
    lines, _ = model.monthly_cost(1_000_000, _observed(), cdn=False)
    [gateway] = [line for line in lines if line.service.startswith("API Gateway")]
    assert gateway.dollars == pytest.approx(3.50)
    assert prices.API_GATEWAY_REST_REQUEST.cost(400_000_000) == pytest.approx(333e6 * 3.5e-6 + 67e6 * 2.8e-6)


def test_the_traffic_draws_each_kind_at_its_share_and_every_path_is_of_its_kind() -> None:
    articles = [(f"artikel-{n}", ["ringkasan", "penyebab", "gejala"]) for n in range(50)]
    traffic = Traffic(Catalogue(articles, ["", "cursor=abc"], ["kram", "otot", "kalsium"], "https://api.example.org"))
    drawn = [traffic.next() for _ in range(20_000)]
    counts = Counter(kind for kind, _ in drawn)
    for kind in MIX:
        assert counts[kind.name] / len(drawn) == pytest.approx(kind.share, abs=0.015), kind.name
    assert all(kind_of(path.partition("?")[0]) == kind for kind, path in drawn)
    # The most popular article is asked for more than the least, as Zipf's law says.
    popular = Counter(path for kind, path in drawn if kind == "article")
    assert popular["/v1/articles/artikel-0"] > 10 * max(popular["/v1/articles/artikel-49"], 1)
