"""Matching rules of the cause lookup, on the real taxonomy."""

from __future__ import annotations

import random

import pytest

from health_content.causes import icd10
from health_content.causes.index import CauseIndex, CauseQuery, Hit
from health_content.errors import InvalidQuery
from health_content.text.analysis import TYPO_MIN_LENGTH
from tests.causes_fixtures import real_index
from tests.conftest import one_typo_apart


@pytest.fixture(scope="module")
def index() -> CauseIndex:
    return real_index()[2]


def _search(index: CauseIndex, limit: int = 50, **query: str) -> list[Hit]:
    return index.search(CauseQuery.of(**query), 0, limit)[0]


def _ids(hits: list[Hit]) -> list[str]:
    return [hit.cause.id for hit in hits]


def _count(index: CauseIndex) -> int:
    """How many causes the index has: what a lookup without a filter finds."""
    return index.search(CauseQuery(), 0, 1)[1]


@pytest.mark.parametrize(
    ("q", "best"),
    [
        ("kekurangan kalsium", "hipokalsemia"),
        ("kalsium rendah", "hipokalsemia"),
        ("kalsium", "hipokalsemia"),
        ("calcium", "hipokalsemia"),
        ("low potassium", "hipokalemia"),
        ("kejang demam", "demam"),
        ("kurang cairan", "dehidrasi"),
        ("tumor", "tumor-otak"),
        ("fever", "demam"),
        ("ayan", "epilepsi"),
        ("flashing lights", "cahaya-dan-suara-keras"),
        ("air dingin", "air-dingin"),
        ("vitamin b6", "kekurangan-vitamin-b6"),
        ("varicose veins", "varises"),
        ("morning sickness", "muntah-saat-hamil"),
    ],
)
def test_queries_people_type_find_the_cause_first(index: CauseIndex, q: str, best: str) -> None:
    assert _ids(_search(index, q=q))[0] == best


@pytest.mark.parametrize("q", ["hamil", "pregnancy", "ibu hamil", "pregnant"])
def test_pregnancy_in_either_language_finds_the_pregnancy_causes(index: CauseIndex, q: str) -> None:
    found = set(_ids(_search(index, q=q)))
    assert {"eklamsia", "toksikosis-kehamilan", "muntah-saat-hamil", "kekurangan-mineral-saat-hamil"} <= found


def test_matching_ignores_case_and_accents(index: CauseIndex) -> None:
    expected = _ids(_search(index, q="kalsium"))
    assert _ids(_search(index, q="KALSIUM")) == expected
    assert _ids(_search(index, q="kálsíum")) == expected


def test_indonesian_affixes_meet_through_the_stemmer(index: CauseIndex) -> None:
    hits = _search(index, q="meradang")  # me- + radang: matches "radang" and "peradangan"
    assert {"ensefalitis", "meningitis"} <= set(_ids(hits))
    assert {m.kind for hit in hits for m in hit.matches} == {"stem"}


def test_english_words_find_indonesian_records_and_say_so(index: CauseIndex) -> None:
    [best, *_] = _search(index, q="calcium")
    assert best.cause.id == "hipokalsemia"
    assert {(m.language, m.kind) for m in best.matches} == {("en", "exact")}


def test_one_typo_is_tolerated_in_longer_words(index: CauseIndex) -> None:
    for typo in ("kalsuim", "kalsiun", "pregnacy", "epilepsy"[:-1] + "i"):
        hits = _search(index, q=typo)
        assert hits, typo
    assert _ids(_search(index, q="kalsuim"))[0] == "hipokalsemia"
    assert _search(index, q="kalsuim")[0].matches[0].kind == "typo"


def test_short_words_and_two_typos_are_not_guessed(index: CauseIndex) -> None:
    assert _search(index, q="fle") == []  # "flu" with a typo, but too short to guess
    assert "hipokalsemia" not in _ids(_search(index, q="kalzuum"))  # two edits from "kalsium"


def test_records_matching_more_words_rank_higher(index: CauseIndex) -> None:
    hits = _search(index, q="kekurangan kalsium")
    assert len(hits[0].matches) == 2
    assert all(len(hit.matches) <= len(hits[0].matches) for hit in hits)
    scores = [(len(h.matches), h.score) for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_no_match_is_an_empty_result(index: CauseIndex) -> None:
    assert index.search(CauseQuery.of(q="xylofon zebra"), 0, 20) == ([], 0)


@pytest.mark.parametrize(
    ("code", "expected", "relation"),
    [
        ("G40", ["epilepsi"], "narrower"),
        ("G40.9", ["epilepsi"], "exact"),
        ("g40", ["epilepsi"], "narrower"),
        ("E83", ["hipokalsemia", "hipomagnesemia"], "narrower"),
        ("E83.51", ["hipokalsemia"], "broader"),
        ("E8351", ["hipokalsemia"], "broader"),
        ("R56", ["demam"], "narrower"),
        ("A00", [], None),
    ],
)
def test_codes_follow_the_icd10_hierarchy(index: CauseIndex, code: str, expected: list[str], relation) -> None:
    hits = _search(index, code=code)
    assert sorted(_ids(hits)) == expected
    assert {hit.code_relation for hit in hits} <= {relation}


def test_code_normalisation() -> None:
    assert icd10.normalize(" e83.51 ") == "E83.51"
    assert icd10.normalize("E8351") == "E83.51"
    assert icd10.normalize("g40") == "G40"
    with pytest.raises(ValueError):
        icd10.normalize("E8")


def test_filters_combine(index: CauseIndex) -> None:
    assert sorted(_ids(_search(index, category="infection", population="newborns"))) == [
        "demam",
        "ensefalitis",
        "meningitis",
    ]
    children = set(_ids(_search(index, population="children")))
    assert {"demam", "epilepsi", "fenilketonuria"} <= children
    assert "eklamsia" not in children
    assert len(_search(index, article="kram-otot-betis", limit=100)) == _count(index)
    assert _search(index, article="artikel-lain") == []
    assert sorted(_ids(_search(index, q="kejang", category="pregnancy"))) == ["eklamsia", "toksikosis-kehamilan"]


def test_unknown_vocabulary_values_are_invalid_queries(index: CauseIndex) -> None:
    with pytest.raises(InvalidQuery) as error:
        _search(index, category="weather", population="toddlers")
    assert [name for name, _ in error.value.errors] == ["category", "population"]
    with pytest.raises(InvalidQuery):
        CauseQuery.of(code="not a code")


def test_facets_count_each_dimension_without_its_own_filter(index: CauseIndex) -> None:
    facets = index.facets(CauseQuery.of(category="infection"))
    categories = {f.id: f.count for f in facets.categories}
    populations = {f.id: f.count for f in facets.populations}
    assert sum(categories.values()) == _count(index)  # the category filter is not applied to its own facet
    assert categories["infection"] == facets.total == 6
    assert populations["newborns"] == 3  # the category filter does apply to the population facet


def test_pages_do_not_overlap(index: CauseIndex) -> None:
    query = CauseQuery.of(q="kejang")
    first, total = index.search(query, 0, 10)
    second, _ = index.search(query, 10, 10)
    everything, _ = index.search(query, 0, 100)
    assert _ids(first) + _ids(second) == _ids(everything)[:20]
    assert total == len(everything)


def test_a_typo_is_corrected_to_every_word_of_the_taxonomy_one_typo_away(index: CauseIndex) -> None:
    _, analysis, _ = real_index()
    words = sorted({word for cause in analysis.causes for text in cause.texts for word in text.words})
    rng = random.Random(19)
    for word in rng.sample([w for w in words if len(w) >= TYPO_MIN_LENGTH], 60):
        position = rng.randrange(len(word))
        typo = word[:position] + rng.choice("aeioukr") + word[position + 1 :]
        if typo in words:
            continue
        expected = [w for w in words if len(w) >= TYPO_MIN_LENGTH - 1 and one_typo_apart(typo, w)]
        assert index.database.corrections(typo) == expected, typo
