"""In-memory implementations of the storage ports, for tests of the domain alone.

They pass the same specification as the AWS adapters (tests/contract/test_storage_contract.py),
so a test that uses them tests the domain against honest storage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from health_content import cursor as cursors
from health_content.articles.changes import describe_change
from health_content.articles.store import ArticleListing, ListingFilter, Page, PublishedArticle, StoredAnalysis
from health_content.causes.database import FORMAT
from health_content.causes.prepare import ANALYSIS_VERSION
from health_content.causes.store import ArticleMentions, CauseMention, PublishedCauses
from health_content.changes.log import EntriesRead
from health_content.changes.model import Change, ChangeNote, ChangeType, DocumentKindName, Retraction
from health_content.errors import ContentUnavailable, DocumentRejected, DocumentUnreadable, InvalidCursor
from health_content.kept import KeepPolicy
from health_content.publishing.report import PublishReport
from health_content.publishing.source import SourceObject, UnpublishRequest
from health_content.vocabulary import Locale

# The fakes' own limit on a stored document, standing in for DynamoDB's item limit.
MAX_STORED_BYTES = 400 * 1024


def _check_size(size: int, what: str) -> None:
    if size > MAX_STORED_BYTES:
        raise DocumentRejected([f"{what} would take {size:,} bytes; at most {MAX_STORED_BYTES:,} fit"])


@dataclass
class InMemoryChangeLog:
    """The change log, with an outbox of pending events when ``announce`` is on."""

    entries: list[Change] = field(default_factory=list)
    announce: bool = False
    pending: dict[int, Change] = field(default_factory=dict)
    claims: dict[int, tuple[str, dt.datetime]] = field(default_factory=dict)  # sequence -> (claimant, until)
    retractions: dict[tuple[Locale, str], Retraction] = field(default_factory=dict)
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    retention: dt.timedelta = dt.timedelta(days=90)

    def append(
        self, note: ChangeNote, kind: DocumentKindName, id: str, locale: Locale | None, version: str | None
    ) -> Change:
        change = Change(
            sequence=len(self.entries) + 1,
            at=self.clock(),
            kind=kind,
            id=id,
            locale=locale,
            change=note.change,
            reason=note.reason,
            version=version,
        )
        self.entries.append(change)
        if self.announce:
            self.pending[change.sequence] = change
        return change

    def entries_after(self, sequence: int, limit: int, *, consistent: bool = False) -> EntriesRead:
        now = self.clock()
        changes: list[Change] = []
        read_to = sequence
        for change in self.entries[sequence:]:
            if len(changes) >= limit:
                return EntriesRead(changes, read_to, exhausted=False)
            read_to = change.sequence
            if change.at + self.retention > now:
                changes.append(change)
        return EntriesRead(changes, read_to, exhausted=True)

    def latest_sequence(self, *, consistent: bool = False) -> int:
        return len(self.entries)

    def pending_events(self, limit: int) -> list[Change]:
        return [self.pending[sequence] for sequence in sorted(self.pending)][:limit]

    def claim_events(self, limit: int, claimant: str, lease: dt.timedelta) -> list[Change]:
        now = self.clock()
        claimed = []
        for sequence in sorted(self.pending):
            holder = self.claims.get(sequence)
            if len(claimed) < limit and (holder is None or holder[1] < now):
                self.claims[sequence] = (claimant, now + lease)
                claimed.append(self.pending[sequence])
        return claimed

    def release_events(self, sequences: Sequence[int], claimant: str) -> None:
        for sequence in sequences:
            if sequence in self.claims and self.claims[sequence][0] == claimant:
                del self.claims[sequence]

    def events_sent(self, sequences: Sequence[int]) -> None:
        for sequence in sequences:
            self.pending.pop(sequence, None)
            self.claims.pop(sequence, None)


@dataclass
class InMemoryArticleStore:
    """Articles, and their listings kept apart as the DynamoDB store keeps listing items: a listing reads only
    listings, and ``listing_reads`` counts how many (what a page takes from its ordered partition, plus the one
    more that says whether there is a next page)."""

    items: dict[tuple[Locale, str], PublishedArticle] = field(default_factory=dict)
    listings: dict[tuple[Locale, str], ArticleListing] = field(default_factory=dict)
    changes: InMemoryChangeLog = field(default_factory=InMemoryChangeLog)
    puts: int = 0
    gets: int = 0
    listing_reads: int = 0

    def get(self, locale: Locale, slug: str) -> PublishedArticle | None:
        self.gets += 1
        return self.items.get((locale, slug))

    def list(self, locale: Locale, limit: int, cursor: str | None, only: ListingFilter | None = None) -> Page:
        by_publication = only is not None and only.updated_since is not None
        order = _by_publication if by_publication else _by_slug
        # The sorted entries stand in for a partition (or the index) read in key order from where the cursor points.
        entries = sorted(
            (
                listing
                for (loc, _), listing in self.listings.items()
                if loc == locale and (only is None or only.admits(listing))
            ),
            key=order,
        )
        if cursor is not None:
            position = _position(cursor, by_publication=by_publication)
            entries = [entry for entry in entries if order(entry) > position]
        taken = entries[: limit + 1]
        self.listing_reads += len(taken)
        page = taken[:limit]
        next_cursor = None
        if len(taken) > limit:
            last = page[-1]
            fields = {"after": last.slug}
            if by_publication:
                fields["at"] = last.published_at.isoformat()
            next_cursor = cursors.encode(fields)
        return Page(page, next_cursor)

    def check_fits(self, published: PublishedArticle) -> None:
        _check_size(len(published.article.model_dump_json().encode()), f"article {published.article.slug!r}")

    def put_if_changed(self, published: PublishedArticle) -> Change | None:
        self.check_fits(published)
        article = published.article
        key = (article.locale, article.slug)
        current = self.items.get(key)
        if current is None or current.content_hash != published.content_hash:
            note = describe_change(None if current is None else current.article, article)
        elif current.search_analysis != published.search_analysis:
            note = ChangeNote(ChangeType.UPDATED, "the search analysis was rebuilt by a new release")
        else:
            return None
        self.puts += 1
        self.items[key] = published
        self.listings[key] = _listing(published)
        self.changes.retractions.pop(key, None)
        return self.changes.append(note, "article", article.slug, article.locale, published.content_hash)

    def delete(self, locale: Locale, slug: str, reason: str | None = None) -> Change | None:
        if self.items.pop((locale, slug), None) is None:
            return None
        self.listings.pop((locale, slug), None)
        change = self.changes.append(ChangeNote(ChangeType.RETRACTED, reason), "article", slug, locale, None)
        self.changes.retractions[(locale, slug)] = Retraction(slug, locale, reason, change.at)
        return change

    def search_analyses(self, locale: Locale) -> Sequence[StoredAnalysis]:
        return [
            StoredAnalysis(published.search_analysis, published.published_at)
            for (loc, _), published in sorted(self.items.items())
            if loc == locale and published.search_analysis is not None
        ]

    def search_analysis(self, locale: Locale, slug: str) -> StoredAnalysis | None:
        published = self.items.get((locale, slug))
        if published is None or published.search_analysis is None:
            return None
        return StoredAnalysis(published.search_analysis, published.published_at)

    def retraction(self, locale: Locale, slug: str) -> Retraction | None:
        return self.changes.retractions.get((locale, slug))

    def withdrawn(self) -> frozenset[tuple[str, Locale]]:
        return frozenset((slug, locale) for locale, slug in self.changes.retractions)


@dataclass
class InMemoryDraftStore:
    """Drafts by locale and slug, and nothing else: no listing, no analysis, no change."""

    items: dict[tuple[Locale, str], PublishedArticle] = field(default_factory=dict)

    def get(self, locale: Locale, slug: str) -> PublishedArticle | None:
        return self.items.get((locale, slug))

    def put_if_changed(self, draft: PublishedArticle) -> bool:
        _check_size(len(draft.article.model_dump_json().encode()), f"draft {draft.article.slug!r}")
        key = (draft.article.locale, draft.article.slug)
        current = self.items.get(key)
        if current is not None and current.content_hash == draft.content_hash:
            return False
        self.items[key] = draft
        return True

    def delete(self, locale: Locale, slug: str) -> bool:
        return self.items.pop((locale, slug), None) is not None


@dataclass
class InMemoryCauseStore:
    """The taxonomy replaced whole in one step; ``after_write`` (when set) runs after each step that writes."""

    published: PublishedCauses | None = None
    changes: InMemoryChangeLog = field(default_factory=InMemoryChangeLog)
    reads: int = 0
    hash_reads: int = 0
    mention_reads: int = 0
    article_reads: int = 0
    after_write: Callable[[], None] | None = None

    def get(self) -> PublishedCauses | None:
        self.reads += 1
        self._check_version()
        return self.published

    def current_hash(self) -> str | None:
        self.hash_reads += 1
        return None if self.published is None else self.published.content_hash

    def mentions_of(self, locale: Locale, slug: str) -> list[CauseMention]:
        self.mention_reads += 1
        self._check_version()
        causes = [] if self.published is None else self.published.taxonomy.causes
        return [
            CauseMention(cause.id, mention)
            for cause in causes
            for mention in cause.mentions
            if (mention.locale, mention.article) == (locale, slug)
        ]

    def article_mentions(self, locale: Locale, slug: str) -> ArticleMentions | None:
        self.article_reads += 1
        self._check_version()
        published = self.published
        if published is None:
            return None
        mentions = [
            CauseMention(cause.id, mention)
            for cause in published.taxonomy.causes
            for mention in cause.mentions
            if (mention.locale, mention.article) == (locale, slug)
        ]
        named = {each.cause_id for each in mentions}
        causes = {cause.id: cause for cause in published.taxonomy.causes if cause.id in named}
        return ArticleMentions(published.content_hash, published.published_at, mentions, causes)

    def check_fits(self, published: PublishedCauses) -> None:
        analyzed = {entry.id: entry for entry in published.analysis.causes}
        for cause in published.taxonomy.causes:
            size = len(cause.model_dump_json().encode()) + len(analyzed[cause.id].model_dump_json().encode())
            _check_size(size, f"cause {cause.id!r} with its analysis")

    def _check_version(self) -> None:
        if self.published is not None and self.published.analysis.version != ANALYSIS_VERSION:
            raise DocumentUnreadable("cause taxonomy (another analysis version)")

    def _written(self) -> None:
        if self.after_write is not None:
            self.after_write()

    def put_if_changed(self, published: PublishedCauses) -> Change | None:
        self.check_fits(published)
        current = self.published
        if current is None:
            note = ChangeNote(ChangeType.PUBLISHED)
        elif current.content_hash != published.content_hash:
            note = ChangeNote(ChangeType.UPDATED)
        elif current.analysis.version != published.analysis.version:
            note = ChangeNote(ChangeType.UPDATED, "the search analysis was rebuilt by a new release")
        else:
            return None
        self.published = published
        change = self.changes.append(note, "causes", "causes", None, published.content_hash)
        self._written()
        return change

    def delete(self, reason: str | None = None) -> Change | None:
        if self.published is None:
            return None
        self.published = None
        change = self.changes.append(ChangeNote(ChangeType.RETRACTED, reason), "causes", "causes", None, None)
        self._written()
        return change


def _listing(published: PublishedArticle) -> ArticleListing:
    article = published.article
    return ArticleListing(
        article.slug,
        article.locale,
        article.title,
        article.summary,
        tuple(article.tags),
        article.updated_at,
        published.published_at,
        published.content_hash,
        article.review.next_review,
    )


def _by_slug(listing: ArticleListing) -> tuple[str, ...]:
    return (listing.slug,)


def _by_publication(listing: ArticleListing) -> tuple[str, ...]:
    return (listing.published_at.astimezone(dt.UTC).isoformat(timespec="microseconds"), listing.slug)


def _position(cursor: str, *, by_publication: bool) -> tuple[str, ...]:
    """Where a cursor says the previous page ended, in the listing's order; InvalidCursor if not issued for it."""
    fields = cursors.decode(cursor)
    after, at = fields.get("after"), fields.get("at")
    if not isinstance(after, str):
        raise InvalidCursor()
    if not by_publication:
        if at is not None:
            raise InvalidCursor()
        return (after,)
    try:
        instant = dt.datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise InvalidCursor()
    return (instant.astimezone(dt.UTC).isoformat(timespec="microseconds"), after)


@dataclass
class InMemoryCauseIndexFiles:
    """The cause index file kept in memory as the bucket keeps it: its bytes, the taxonomy it was built from and its
    format; ``fetch_fails`` makes reading it fail as an unreachable bucket does."""

    file: tuple[bytes, str, str] | None = None
    fetches: int = 0
    fetch_fails: bool = False

    def fetch(self, path: Path) -> bool:
        self.fetches += 1
        if self.fetch_fails:
            raise ContentUnavailable("The cause index could not be read.")
        if self.file is None:
            return False
        path.write_bytes(self.file[0])
        return True

    def store(self, path: Path, content_hash: str) -> None:
        self.file = (path.read_bytes(), content_hash, FORMAT)

    def stored(self) -> str | None:
        return self.file[1] if self.file is not None and self.file[2] == FORMAT else None


@dataclass
class InMemoryContentSource:
    """A versioned bucket: each put adds a version; outcomes are recorded per key."""

    versions: dict[str, list[SourceObject | None]] = field(default_factory=dict)
    outcomes: dict[str, list[PublishReport]] = field(default_factory=dict)
    uploads_during_fetch: dict[str, bytes] = field(default_factory=dict)
    retractions: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (reason, record)
    _records: int = 0

    def put(self, key: str, body: bytes) -> str:
        history = self.versions.setdefault(key, [])
        version_id = f"v{len(history) + 1}"
        history.append(SourceObject(key, version_id, body, dt.datetime(2026, 11, 24, 12, len(history), tzinfo=dt.UTC)))
        return version_id

    def delete(self, key: str) -> None:
        self.versions.setdefault(key, []).append(None)

    def fetch_latest(self, key: str, max_bytes: int) -> SourceObject | None:
        history = self.versions.get(key) or [None]
        current = history[-1]
        # Simulates an upload that lands while this version is being published.
        racing = self.uploads_during_fetch.pop(key, None)
        if racing is not None:
            self.put(key, racing)
        if current is None:
            return None
        return SourceObject(current.key, current.version_id, current.body[:max_bytes], current.last_modified)

    def latest_version_id(self, key: str) -> str | None:
        current = (self.versions.get(key) or [None])[-1]
        return current.version_id if current else None

    def record_outcome(self, report: PublishReport) -> None:
        self.outcomes.setdefault(report.key, []).append(report)

    def read_outcome(self, key: str, version_id: str | None = None) -> PublishReport | None:
        reports = [r for r in self.outcomes.get(key, []) if version_id is None or r.version_id == version_id]
        return reports[-1] if reports else None

    def unpublish_request(self, key: str) -> UnpublishRequest | None:
        recorded = self.retractions.get(key)
        return None if recorded is None else UnpublishRequest(key, recorded[0], recorded[1])

    def forget_unpublish_request(self, request: UnpublishRequest) -> None:
        if self.retractions.get(request.key, (None, None))[1] == request.record:
            del self.retractions[request.key]

    def record_retraction(self, key: str, reason: str) -> None:
        self._records += 1
        self.retractions[key] = (reason, f"r{self._records}")


def keeping(
    refresh_after: float = 60.0, *, stale_after: float = 86_400.0, retry_after_failure: float = 5.0
) -> KeepPolicy:
    """A catalog's keep policy (the deployed one comes from Settings), with the defaults Settings has."""
    return KeepPolicy(refresh_after=refresh_after, stale_after=stale_after, retry_after_failure=retry_after_failure)
