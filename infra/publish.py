"""Publish the documents under content/ to a content bucket, all or nothing.

Every document is validated first, with the same document kinds the ingest function
dispatches over, and checked to fit the serving index in its stored form; one invalid
document stops the whole publish before anything is uploaded. Unchanged documents are
skipped (their content hash is kept in the object's metadata), so publishing twice
uploads nothing the second time.

Documents go up phase by phase (``phases``): articles before the cause taxonomy, whose
mentions the ingest function checks against the articles already published. Within a phase they go up
``concurrency`` at a time, and the wait for the ingest function's verdicts lasts in proportion to how
many there are (``wait_timeout``): a catalogue of thousands is one command.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from pydantic import ValidationError

from health_content.articles.model import Article, Review
from health_content.errors import DocumentRejected
from health_content.publishing.kinds import (
    ARTICLES,
    DRAFTS,
    KEY_LAYOUTS,
    DocumentKind,
    ServingIndex,
    SourceVersion,
    kind_of,
)
from health_content.publishing.report import PublishReport, PublishStatus
from health_content.storage.articles import DynamoArticleStore
from health_content.storage.causes import DynamoCauseStore
from health_content.storage.drafts import DynamoDraftStore
from health_content.storage.s3 import PUBLISHED_BY_METADATA, REPORT_PREFIX, S3ContentSource, is_missing
from health_content.vocabulary import Locale
from infra.template import REPO_ROOT

CONTENT_DIR = REPO_ROOT / "content"
NOT_DOCUMENTS = ("schemas", "sources")  # folders of content/ that are never published
HASH_METADATA = "content-sha256"
# The deployed serving index, offline: its stores only measure what they would store.
_STORED_FORM = ServingIndex(
    articles=DynamoArticleStore(None), causes=DynamoCauseStore(None), drafts=DynamoDraftStore(None)
)
# What a bucket version id looks like, so that the stored form is measured at its real size.
_TYPICAL_SOURCE = SourceVersion("x" * 32, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
# Uploads in flight at once: each is three or four small requests, so a handful of threads keeps the
# connection busy without flooding a local stack; botocore's pool holds as many connections.
DEFAULT_CONCURRENCY = 8
# The default wait for verdicts: a fixed allowance, plus one per document, generous for the local stack
# (about 60 ms per document through ingest) and for AWS (ingest runs in parallel there).
WAIT_SECONDS = 120.0
WAIT_SECONDS_PER_DOCUMENT = 0.5
# Below this many documents, each report is read directly; above, a listing of reports/ says which changed.
_LIST_REPORTS_ABOVE = 50


def wait_timeout(documents: int) -> float:
    """The default wait for the ingest function's verdicts on ``documents`` uploads, in seconds."""
    return WAIT_SECONDS + WAIT_SECONDS_PER_DOCUMENT * documents


@dataclass(frozen=True)
class LocalDocument:
    path: Path
    key: str
    body: bytes
    kind: DocumentKind | None
    content_hash: str | None = None
    reasons: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.reasons

    @property
    def phase(self) -> int:
        return self.kind.phase if self.kind else 0


@dataclass(frozen=True)
class Upload:
    document: LocalDocument
    uploaded: bool
    version_id: str | None
    retried: bool = False  # the bucket had this content, but it was never served: uploaded again


def collect(content_dir: Path = CONTENT_DIR) -> list[LocalDocument]:
    """Every document under content_dir, validated, in publishing order.

    A document's key in the bucket is its path under content_dir. Later kinds are checked against
    the documents of earlier ones, as the ingest function checks them against what is published."""
    found = []
    for path in sorted(content_dir.rglob("*.json")):
        key = path.relative_to(content_dir).as_posix()
        if key.split("/", 1)[0] not in NOT_DOCUMENTS:
            found.append((path, key, kind_of(key)))
    found.sort(key=lambda entry: (entry[2].phase if entry[2] else 0, entry[1]))
    articles: dict[tuple[Locale, str], Article] = {}
    documents = []
    for path, key, kind in found:
        body = path.read_bytes()
        if kind is None:
            documents.append(LocalDocument(path, key, body, None, reasons=(f"{key!r} is not {KEY_LAYOUTS}",)))
            continue
        try:
            publication = kind.parse(key, body, lambda locale, slug: articles.get((locale, slug)), _TYPICAL_SOURCE)
            publication.check_fits(_STORED_FORM)
        except DocumentRejected as rejection:
            documents.append(LocalDocument(path, key, body, kind, reasons=tuple(rejection.reasons)))
            continue
        if isinstance(publication.document, Article):
            articles[(publication.document.locale, publication.document.slug)] = publication.document
        documents.append(LocalDocument(path, key, body, kind, publication.content_hash))
    return documents


def as_drafts(
    s3: Any, bucket: str, documents: Iterable[LocalDocument], concurrency: int = DEFAULT_CONCURRENCY
) -> list[LocalDocument]:
    """The articles among ``documents`` as drafts (``content-api publish --draft``): each one whose content is not
    what is served, and each one that has a draft already, so that its draft follows the file. The cause taxonomy
    has no drafts."""
    drafted = set(_keys_under(s3, bucket, DRAFTS.prefix))
    articles = [document for document in documents if document.kind is ARTICLES]

    def wanted(document: LocalDocument) -> bool:
        return DRAFTS.draft_key(document.key) in drafted or not _served_as(
            s3, bucket, document.key, document.content_hash
        )

    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="draft") as pool:
        chosen = list(pool.map(wanted, articles))
    return [
        replace(document, key=DRAFTS.draft_key(document.key), kind=DRAFTS)
        for document, draft in zip(articles, chosen, strict=True)
        if draft
    ]


def discard_published_drafts(s3: Any, bucket: str) -> list[str]:
    """Delete each draft whose content is now served as its article (it went live): a preview then shows the
    published article, not a stale draft. Returns the draft keys deleted."""
    discarded = []
    for key in _keys_under(s3, bucket, DRAFTS.prefix):
        if kind_of(key) is not DRAFTS:
            continue
        draft_hash, _ = _remote_state(s3, bucket, key)
        if draft_hash is not None and _served_as(s3, bucket, DRAFTS.article_key(key), draft_hash):
            s3.delete_object(Bucket=bucket, Key=key)
            discarded.append(key)
    return discarded


def _served_as(s3: Any, bucket: str, key: str, content_hash: str | None) -> bool:
    """Whether the bucket's current version of ``key`` has this content and is served."""
    remote_hash, remote_version = _remote_state(s3, bucket, key)
    if remote_hash != content_hash:
        return False
    report = S3ContentSource(s3, bucket).read_outcome(key)
    return report is not None and report.status.served and report.version_id == remote_version


def _keys_under(s3: Any, bucket: str, prefix: str) -> list[str]:
    return [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])
    ]


def phases(documents: Iterable[LocalDocument]) -> list[list[LocalDocument]]:
    """Upload order: each kind's documents after those of the kinds they refer to."""
    ordered = sorted(documents, key=lambda document: document.phase)
    return [list(group) for _, group in groupby(ordered, key=lambda document: document.phase)]


def upload(
    s3: Any,
    bucket: str,
    documents: Iterable[LocalDocument],
    on_progress: Callable[[Upload], None] = lambda _: None,
    *,
    force: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    published_by: str | None = None,
) -> list[Upload]:
    """Upload what changed (everything with ``force``), ``concurrency`` documents at a time; refuses if any
    document is invalid. Returns the uploads in the documents' order; ``on_progress`` hears of each as it
    is done, in this thread. After an error, no further document is started.

    A document whose content is already in the bucket is skipped only if the ingest function served
    that version; one it rejected, or never reported on, is uploaded again so that it is not
    claimed as published when it is not."""
    documents = list(documents)
    invalid = [d for d in documents if not d.valid]
    if invalid:
        raise DocumentRejected([f"{d.path}: {reason}" for d in invalid for reason in d.reasons])
    source = S3ContentSource(s3, bucket)
    done: list[Upload | None] = [None] * len(documents)
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="upload")
    try:
        futures = {
            pool.submit(_upload_one, s3, source, bucket, d, force, published_by): n for n, d in enumerate(documents)
        }
        for future in as_completed(futures):
            result = future.result()
            done[futures[future]] = result
            on_progress(result)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [result for result in done if result is not None]


def _upload_one(
    s3: Any, source: S3ContentSource, bucket: str, document: LocalDocument, force: bool, published_by: str | None
) -> Upload:
    remote_hash, remote_version = _remote_state(s3, bucket, document.key)
    same = not force and remote_hash == document.content_hash
    report = source.read_outcome(document.key) if same else None
    served = report is not None and report.status.served and report.version_id == remote_version
    if same and served:
        return Upload(document, uploaded=False, version_id=None)
    response = s3.put_object(
        Bucket=bucket,
        Key=document.key,
        Body=document.body,
        ContentType="application/json",
        # Who uploaded it: ingest records them in the change's entry, for the audit trail.
        Metadata={
            HASH_METADATA: document.content_hash or "",
            **({PUBLISHED_BY_METADATA: published_by} if published_by else {}),
        },
    )
    return Upload(document, uploaded=True, version_id=response.get("VersionId"), retried=same)


def wait_for_reports(
    s3: Any,
    bucket: str,
    uploads: Iterable[Upload],
    timeout: float | None = None,
    poll: Callable[[], None] = lambda: time.sleep(0.5),
    on_progress: Callable[[int, int], None] = lambda received, expected: None,
) -> dict[str, PublishReport | None]:
    """The ingest report of each uploaded version once the ingest function has written it; None if it has not
    within ``timeout`` seconds (by default ``wait_timeout`` of the uploads). ``on_progress`` hears how many
    verdicts are in, of how many, after each look."""
    source = S3ContentSource(s3, bucket)
    pending = {u.document.key: u.version_id for u in uploads if u.uploaded}
    expected = len(pending)
    reports: dict[str, PublishReport | None] = {}
    deadline = time.monotonic() + (wait_timeout(expected) if timeout is None else timeout)
    seen: dict[str, str] = {}  # report key -> the ETag of the report already read
    while pending:
        candidates = list(pending) if len(pending) <= _LIST_REPORTS_ABOVE else _changed_reports(s3, bucket, seen)
        for key in candidates:
            version_id = pending.get(key)
            if key not in pending:
                continue
            report = source.read_outcome(key, version_id)
            if report is not None:
                reports[key] = report
                del pending[key]
        on_progress(len(reports), expected)
        if not pending or time.monotonic() >= deadline:
            break
        poll()
    reports.update(dict.fromkeys(pending))
    return reports


def _changed_reports(s3: Any, bucket: str, seen: dict[str, str]) -> list[str]:
    """The document keys whose report is new or changed since the last call (a listing: 1,000 a request)."""
    changed = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=REPORT_PREFIX):
        for item in page.get("Contents", []):
            if seen.get(item["Key"]) != item["ETag"]:
                seen[item["Key"]] = item["ETag"]
                changed.append(item["Key"].removeprefix(REPORT_PREFIX))
    return changed


def _remote_state(s3: Any, bucket: str, key: str) -> tuple[str | None, str | None]:
    """The content hash and version id of the key's current version in the bucket."""
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if is_missing(error):
            return None, None
        raise
    version = head.get("VersionId")
    return head.get("Metadata", {}).get(HASH_METADATA), None if version in (None, "null") else version


@dataclass(frozen=True)
class DocumentState:
    """One document key of the bucket as the status command shows it."""

    key: str
    version_id: str | None
    content_hash: str | None
    uploaded_at: dt.datetime | None
    report: PublishReport | None
    review: Review | None = None  # articles' medical review, as the current version records it

    @property
    def verdict(self) -> str:
        """published/unchanged/rejected for the current version; pending while ingest has not reported on it."""
        if self.report is None or self.report.version_id != self.version_id:
            return "pending"
        return self.report.status.value

    @property
    def served(self) -> bool:
        return self.report is not None and self.report.version_id == self.version_id and self.report.status.served


def states(s3: Any, bucket: str) -> list[DocumentState]:
    """Every document key of the bucket, with its current version and the ingest function's verdict on it."""
    source = S3ContentSource(s3, bucket)
    found = []
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            key = item["Key"]
            if kind_of(key) is None:
                continue  # reports, retractions and anything else that is not a document
            content_hash, version = _remote_state(s3, bucket, key)
            review = _review(s3, bucket, key) if kind_of(key) is ARTICLES else None
            found.append(
                DocumentState(key, version, content_hash, item.get("LastModified"), source.read_outcome(key), review)
            )
    return sorted(found, key=lambda state: state.key)


def _review(s3: Any, bucket: str, key: str) -> Review | None:
    """The review an article's current version records; None if it cannot be read as an article."""
    try:
        document = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        return Review.model_validate(document.get("review") or {})
    except (ValueError, AttributeError, ValidationError):
        return None


def exists(s3: Any, bucket: str, key: str) -> bool:
    """Whether ``key`` has a current version in the bucket (one request, whatever the bucket holds)."""
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if is_missing(error):
            return False
        raise
    return True


def unpublish(
    s3: Any, bucket: str, key: str, reason: str, *, now: dt.datetime, requested_by: str | None = None
) -> dt.datetime | None:
    """Take a document out of what is served: its reason first, then a delete marker (its versions stay).

    Returns when the ingest function last reported on the key, for ``wait_for_removal``."""
    source = S3ContentSource(s3, bucket)
    previous = source.read_outcome(key)
    source.record_retraction(key, reason, now, requested_by)
    s3.delete_object(Bucket=bucket, Key=key)
    return None if previous is None else previous.checked_at


def wait_for_removal(
    s3: Any,
    bucket: str,
    key: str,
    after: dt.datetime | None,
    timeout: float,
    poll: Callable[[], None] = lambda: time.sleep(0.5),
) -> PublishReport | None:
    """The ingest function's report that it removed ``key``, newer than its report checked at ``after``;
    None if none came in time. Both times are the function's, so the operator's clock does not matter."""
    source = S3ContentSource(s3, bucket)
    deadline = time.monotonic() + timeout
    while True:
        report = source.read_outcome(key)
        if (
            report is not None
            and report.status is PublishStatus.REMOVED
            and (after is None or report.checked_at > after)
        ):
            return report
        if time.monotonic() >= deadline:
            return None
        poll()
