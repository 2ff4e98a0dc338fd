"""The scale bench asks every container the same requests over what the catalogue has, changes one article
validly, reuses a generated catalogue, and reports each size against the smallest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra import publish
from infra.benchmarks import catalogue, scale

ARTICLES = 12
LOCALES = ("id", "en")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scale.generated_catalogue(ARTICLES, 40, LOCALES, seed=3, cache=tmp_path_factory.mktemp("cache"))


def test_a_catalogue_is_generated_once_per_arguments(generated: Path) -> None:
    assert scale.generated_catalogue(ARTICLES, 40, LOCALES, seed=3, cache=generated.parent) == generated
    assert len(catalogue.load_articles(generated, "en")) == ARTICLES
    assert [path.name for path in generated.parent.iterdir()] == [generated.name]  # no staging left behind


def test_the_same_arguments_plan_the_same_requests_over_what_exists(generated: Path) -> None:
    plan = scale.plan(generated, LOCALES, 100, seed=1)
    slugs = {article.slug for locale in LOCALES for article in catalogue.load_articles(generated, locale)}

    assert scale.plan(generated, LOCALES, 100, seed=1) == plan
    assert [kind for kind, _, _ in plan["first"]] == list(scale.KINDS)
    assert all(len(requests) == 100 for requests in plan["measured"].values())
    for path, query in plan["measured"]["article"]:
        assert path.removeprefix("/v1/articles/") in slugs
        assert query in ({}, {"locale": "en"})
    assert all(query["q"].strip() for _, query in plan["measured"]["search"])
    read_before = {path for _, path, _ in plan["warmup"]}
    assert {path for path, _ in plan["measured"]["article"]} <= read_before  # warm: read in the warm-up


def test_the_changed_article_still_validates_and_is_read_after_the_change(generated: Path, tmp_path: Path) -> None:
    locale, slug = scale.changed_article(generated, tmp_path)
    [document] = publish.collect(tmp_path)
    after = scale.after_change(scale.plan(generated, LOCALES, 10, seed=1), locale, slug, LOCALES)

    assert document.valid, document.reasons
    assert scale.CHANGE in document.body.decode()
    assert [label for label, _, _ in after] == [
        "changed article",
        "another article",
        "search (id)",
        "search (en)",
        "cause lookup",
    ]
    assert after[0][1] == f"/v1/articles/{slug}" != after[1][1]


def _result(size: int, factor: float, memory: float) -> dict[str, Any]:
    figures: dict[str, Any] = {key: factor for key in scale.MEDIANS}
    figures.update(memory_mb=memory, search_p99_ms=5 * factor)
    return {
        "articles_per_locale": size,
        "publish_s": 10.0 * size,
        "publish_s_per_document": 0.4,
        **figures,
        "after_change": {"calls": 5, "items": 3 * size, "bytes": 1000},
    }


def test_each_size_is_reported_against_the_smallest_with_the_issues_targets() -> None:
    results = [_result(1, 1.0, 80.0), _result(1000, 3.0, 130.0)]

    header, figures, ratios = scale.rows(results)
    lines = scale.targets(results)
    text = scale.report(results, "summary")

    assert len(header) == len(figures[0]) == len(ratios[0])
    assert [row[0] for row in figures] == ["1", "1,000"]
    assert "3.00x" in ratios[0] and "+50 MB" in ratios[0] and "1000.00x items" in ratios[0]
    assert "cold start: 3.00x (target 1.15x): missed" in lines
    assert any(line.startswith("warm search p99: 15.0 ms") and line.endswith("missed") for line in lines)
    assert "memory: +50 MB (target +40 MB at most): missed" in lines
    assert "| 1,000 |" in text
