"""The request-mix bench draws one realistic request mix, the same every time, over what the catalogue has."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from infra.benchmarks import catalogue, request_mix

ARTICLES = 30


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("catalogue")
    catalogue.generate(directory, ARTICLES, 40, locales=("id",))
    return directory


@pytest.fixture(scope="module")
def mix(generated: Path) -> request_mix.Mix:
    return request_mix.build_mix(generated, ["id"], 500, 3_000, 1.1, seed=1)


def test_the_same_arguments_draw_the_same_mix(generated: Path, mix: request_mix.Mix) -> None:
    assert request_mix.build_mix(generated, ["id"], 500, 3_000, 1.1, seed=1) == mix
    assert request_mix.build_mix(generated, ["id"], 500, 3_000, 1.1, seed=2) != mix


def test_each_kind_of_request_comes_in_about_its_share(mix: request_mix.Mix) -> None:
    counts = Counter(kind for kind, *_ in mix.measured)

    for kind, share in request_mix.MIX.items():
        assert counts[kind] / len(mix.measured) == pytest.approx(share, abs=0.03), kind


def test_reads_name_articles_and_sections_that_exist_the_popular_ones_most(
    generated: Path, mix: request_mix.Mix
) -> None:
    articles = {article.slug: article for article in catalogue.load_articles(generated, "id")}
    reads: Counter[str] = Counter()
    for kind, path, _, headers in mix.measured:
        if kind not in ("article", "section", "sections", "conditional"):
            continue
        _, _, _, slug, *rest = path.split("/")
        assert slug in articles
        if rest[1:]:
            assert articles[slug].section(rest[1]) is not None
        assert (headers == {"If-None-Match": "<etag>"}) == (kind == "conditional")
        reads[slug] += 1
    most_reads = reads.most_common(1)[0][1]
    assert most_reads > 5 * min(reads.values())  # Zipf: the most popular article far ahead of the least


def test_list_pages_ask_for_later_pages_by_placeholder_and_searches_have_words(mix: request_mix.Mix) -> None:
    lists = [query for kind, _, query, _ in mix.measured if kind == "list"]
    searches = [query["q"] for kind, _, query, _ in mix.measured if kind == "search"]

    assert any(query.get("cursor", "").startswith("<page:") for query in lists)
    assert any("cursor" not in query for query in lists)
    assert all(query.strip() for query in searches)
