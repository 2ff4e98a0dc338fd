"""The change log's domain: how a version is described, paging the feed, relaying events, retracted mentions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from health_content.articles.changes import describe_change
from health_content.articles.model import Article, Correction
from health_content.causes.catalog import CauseCatalog
from health_content.causes.index import CauseIndex, CauseQuery
from health_content.causes.model import Cause
from health_content.causes.store import PublishedCauses
from health_content.changes.feed import ChangeFeed, cursor_after
from health_content.changes.model import Change, ChangeNote, ChangeType
from health_content.changes.relay import CLAIM_LEASE, EventRelay
from health_content.errors import ChangesExpired, InvalidQuery
from health_content.publishing.kinds import content_hash
from health_content.vocabulary import Locale
from tests.causes_fixtures import index_of, real_index, seed_article
from tests.fakes import InMemoryCauseStore, InMemoryChangeLog, keeping

START = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)


def _with_corrections(article: Article, *reasons: str) -> Article:
    added = [Correction(original=f"lama {n}", corrected=f"baru {n}", reason=reason) for n, reason in enumerate(reasons)]
    return article.model_copy(update={"corrections": [*article.corrections, *added]})


def test_a_first_version_is_published_and_one_adding_corrections_is_corrected() -> None:
    article = seed_article()
    assert describe_change(None, article) == ChangeNote(ChangeType.PUBLISHED)
    assert describe_change(article, article.model_copy(update={"title": "Baru"})) == ChangeNote(ChangeType.UPDATED)
    corrected = _with_corrections(article, "Dosis diperbaiki", "Nama obat dieja ulang")
    assert describe_change(article, corrected) == ChangeNote(
        ChangeType.CORRECTED, "Dosis diperbaiki; Nama obat dieja ulang"
    )
    # Dropping a correction is an update: nothing new was corrected.
    assert describe_change(corrected, article).change is ChangeType.UPDATED


def _log(count: int, *, clock_at: dt.datetime = START) -> InMemoryChangeLog:
    log = InMemoryChangeLog(announce=True, clock=lambda: clock_at)
    for number in range(count):
        log.append(ChangeNote(ChangeType.UPDATED), "article", f"artikel-{number}", "id", f"hash-{number}")
    return log


def test_the_feed_pages_in_order_and_an_empty_page_keeps_the_cursor() -> None:
    feed = ChangeFeed(_log(5))
    first = feed.page(None, 2)
    assert [c.sequence for c in first.changes] == [1, 2] and first.more
    second = feed.page(first.cursor, 2)
    third = feed.page(second.cursor, 2)
    assert [c.sequence for c in second.changes + third.changes] == [3, 4, 5] and not third.more
    assert feed.page(third.cursor, 2).changes == [] and feed.page(third.cursor, 2).cursor == third.cursor


def test_an_empty_feed_starts_at_zero() -> None:
    page = ChangeFeed(_log(0)).page(None, 20)
    assert page.changes == [] and page.cursor == cursor_after(0) and not page.more
    assert ChangeFeed(_log(0)).page(page.cursor, 20).changes == []


def test_a_cursor_past_the_newest_change_is_refused_naming_since() -> None:
    with pytest.raises(InvalidQuery) as refused:
        ChangeFeed(_log(2)).page(cursor_after(3), 20)
    assert refused.value.errors[0][0] == "since"


def test_expired_changes_after_a_cursor_mean_the_client_must_resync() -> None:
    log = _log(3)
    log.clock = lambda: START + dt.timedelta(days=91)
    log.append(ChangeNote(ChangeType.UPDATED), "article", "baru", "id", "hash")  # the only one still kept
    feed = ChangeFeed(log)
    with pytest.raises(ChangesExpired):
        feed.page(cursor_after(1), 20)
    assert [c.sequence for c in feed.page(cursor_after(3), 20).changes] == [4]
    assert [c.sequence for c in feed.page(None, 20).changes] == [4]


def test_a_reader_from_the_start_walks_past_expired_entries_the_store_still_holds() -> None:
    log = _log(150)
    log.clock = lambda: START + dt.timedelta(days=91)
    log.append(ChangeNote(ChangeType.UPDATED), "article", "baru", "id", "hash")
    feed, seen, since, pages = ChangeFeed(log), [], None, 0
    while True:
        page = feed.page(since, 5)
        seen += [change.sequence for change in page.changes]
        since, pages = page.cursor, pages + 1
        if not page.more:
            break
    assert seen == [151] and pages < 50
    assert feed.page(since, 5).changes == []  # and the kept cursor is good for the next poll


class FlakyBus:
    def __init__(self, refuse: set[int] | None = None, down: bool = False) -> None:
        self.refuse = refuse or set()
        self.down = down
        self.received: list[int] = []

    def publish(self, changes: Sequence[Change]) -> list[Change]:
        if self.down:
            return list(changes)
        accepted = [c for c in changes if c.sequence not in self.refuse]
        self.received += [c.sequence for c in accepted]
        return [c for c in changes if c.sequence in self.refuse]


def test_what_the_bus_refuses_stays_pending_and_goes_next_time() -> None:
    log, bus = _log(3), FlakyBus(refuse={2})
    outcome = EventRelay(log, bus).flush()
    assert (outcome.sent, outcome.failed) == (2, 1) and [c.sequence for c in log.pending_events(10)] == [2]
    bus.refuse = set()
    assert EventRelay(log, bus).flush().sent == 1
    assert bus.received == [1, 3, 2] and log.pending_events(10) == []
    assert EventRelay(log, bus).flush().sent == 0  # nothing is sent twice


def test_a_bus_that_is_down_keeps_every_event_pending() -> None:
    log = _log(120)
    outcome = EventRelay(log, FlakyBus(down=True)).flush()
    assert outcome.sent == 0 and len(log.pending_events(1000)) == 120
    assert EventRelay(log, FlakyBus()).flush().sent == 120  # in batches, until none is left


class OverlappingBus(FlakyBus):
    """Starts another relay while this one is sending, as the schedule and an ingest can overlap."""

    def __init__(self, relays: int) -> None:
        super().__init__()
        self.relays = relays
        self.log: InMemoryChangeLog | None = None

    def publish(self, changes: Sequence[Change]) -> list[Change]:
        if self.relays > 0 and self.log is not None:
            self.relays -= 1
            EventRelay(self.log, self).flush()
        return super().publish(changes)


def test_overlapping_relays_send_each_event_once() -> None:
    log, bus = _log(30), OverlappingBus(relays=3)
    bus.log = log
    EventRelay(log, bus).flush()  # four relays in all, each started while the one before is sending
    assert sorted(bus.received) == list(range(1, 31)) and log.pending_events(100) == []


class ClearingFails(InMemoryChangeLog):
    def events_sent(self, sequences: Sequence[int]) -> None:
        raise ConnectionError("the table could not be reached")


def test_an_event_sent_but_not_cleared_goes_again_only_when_its_claim_lapses_with_the_same_id() -> None:
    now = [START]
    log = ClearingFails(announce=True, clock=lambda: now[0])
    log.append(ChangeNote(ChangeType.UPDATED), "article", "artikel", "id", "hash")
    bus = FlakyBus()
    with pytest.raises(ConnectionError):
        EventRelay(log, bus).flush()
    assert EventRelay(log, bus).flush().sent == 0  # still held by the relay that sent it
    now[0] += CLAIM_LEASE + dt.timedelta(seconds=1)
    with pytest.raises(ConnectionError):
        EventRelay(log, bus).flush()
    # At least once: the repeat carries the change's sequence, by which consumers drop it.
    assert bus.received == [1, 1]


def _every_cause(index: CauseIndex) -> list[Cause]:
    hits, total = index.search(CauseQuery(), 0, 10_000)
    assert len(hits) == total
    return [hit.cause for hit in hits]


def test_the_mentions_of_retracted_articles_leave_the_index_with_their_excerpts() -> None:
    taxonomy, analysis, full = real_index()
    mentioned = next(cause for cause in _every_cause(full) if cause.mentions)
    retracted = (mentioned.mentions[0].article, mentioned.mentions[0].locale)
    index = index_of(taxonomy, analysis, withdrawn=frozenset({retracted}))
    causes = _every_cause(index)
    assert all((mention.article, mention.locale) != retracted for cause in causes for mention in cause.mentions)
    assert len(causes) == len(_every_cause(full))
    for cause in causes:  # each mention kept has its own excerpt, as in the full index
        original = full.get(cause.id)
        assert original is not None
        assert [index.excerpt(cause, m) for m in cause.mentions] == [full.excerpt(original, m) for m in cause.mentions]
    assert index.search(CauseQuery(article=retracted[0]), 0, 10)[1] == 0  # no cause points into it any more


def test_a_retraction_reaches_the_cause_index_at_its_next_refresh() -> None:
    taxonomy, analysis, _ = real_index()
    published = PublishedCauses(taxonomy, analysis, content_hash(taxonomy), START)
    withdrawn: frozenset[tuple[str, Locale]] = frozenset()
    now = [0.0]
    catalog = CauseCatalog(
        InMemoryCauseStore(published), None, keeping(60), withdrawn=lambda: withdrawn, timer=lambda: now[0]
    )
    first = catalog.current()
    assert first is not None and any(cause.mentions for cause in _every_cause(first))
    withdrawn = frozenset({("kram-otot-betis", "id")})
    assert catalog.current() is first  # within the refresh interval
    now[0] = 61
    refreshed = catalog.current()
    assert refreshed is not None and all(cause.mentions == [] for cause in _every_cause(refreshed))
