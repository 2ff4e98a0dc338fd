"""The health check's verdict from what this container's reads met (``health_content.service_health``)."""

from __future__ import annotations

from health_content.errors import ContentUnavailable
from health_content.freshness import MAX_UNREADABLE_NAMED, Freshness
from health_content.service_health import assess


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def _unavailable() -> None:
    raise ContentUnavailable("down")


def test_all_readable_and_nothing_met_is_ok() -> None:
    report = assess({"articles": lambda: None, "causes": lambda: None}, "articles", Freshness(), 300)
    assert (report.status, report.checks, report.unreadable) == ("ok", {"articles": "ok", "causes": "ok"}, [])


def test_only_the_essential_part_makes_the_whole_unavailable() -> None:
    freshness = Freshness()
    assert assess({"articles": _unavailable, "causes": lambda: None}, "articles", freshness, 300).status == (
        "unavailable"
    )
    assert assess({"articles": lambda: None, "causes": _unavailable}, "articles", freshness, 300).status == "degraded"


def test_a_part_served_from_a_warm_copy_is_stale_and_the_others_are_not() -> None:
    freshness = Freshness()
    report = assess(
        {"articles": lambda: None, "causes": lambda: freshness.served_stale(12.0)}, "articles", freshness, 300
    )
    assert report.checks == {"articles": "ok", "causes": "stale"} and report.status == "degraded"


def test_an_unreadable_document_degrades_health_for_the_trouble_window_only() -> None:
    clock = Clock()
    freshness = Freshness(timer=clock)
    freshness.found_unreadable("article id/a")
    clock.now += 10
    freshness.found_unreadable("article en/b")
    parts = {"articles": lambda: None}
    report = assess(parts, "articles", freshness, 300)
    assert report.status == "degraded" and report.unreadable == ["article en/b", "article id/a"]
    clock.now += 295
    assert assess(parts, "articles", freshness, 300).unreadable == ["article en/b"]
    clock.now += 10
    assert assess(parts, "articles", freshness, 300).status == "ok"


def test_the_names_kept_are_bounded_and_the_newest_are_kept() -> None:
    clock = Clock()
    freshness = Freshness(timer=clock)
    for number in range(MAX_UNREADABLE_NAMED + 5):
        clock.now += 1
        freshness.found_unreadable(f"article id/{number}")
    freshness.found_unreadable("article id/0")  # met again: it is recent again
    names = freshness.unreadable_within(3600)
    assert len(names) == MAX_UNREADABLE_NAMED and names[0] == "article id/0"
    assert "article id/1" not in names and f"article id/{MAX_UNREADABLE_NAMED + 4}" in names
