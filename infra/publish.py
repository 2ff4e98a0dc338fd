"""Publish the documents under content/ to a content bucket, all or nothing.

Every document is validated first, with the same code the ingest function runs; one
invalid document stops the whole publish before anything is uploaded. Unchanged
documents are skipped (their content hash is kept in the object's metadata), so
publishing twice uploads nothing the second time.

Articles go first and the cause taxonomy second (``phases``): the ingest function checks
each cause's mentions against the articles already published.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from health_content.content import Article
from health_content.errors import DocumentRejected
from health_content.publishing import (
    CAUSES_KEY,
    article_key,
    content_hash,
    parse_article_document,
    parse_causes_document,
)
from health_content.storage.s3 import report_key
from infra.template import REPO_ROOT

CONTENT_DIR = REPO_ROOT / "content"
HASH_METADATA = "content-sha256"


@dataclass(frozen=True)
class LocalDocument:
    path: Path
    key: str
    body: bytes
    content_hash: str | None = None
    reasons: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class Upload:
    document: LocalDocument
    uploaded: bool
    version_id: str | None


def collect(content_dir: Path = CONTENT_DIR) -> list[LocalDocument]:
    """Every document under content_dir, validated, articles first; causes/causes.json is checked
    against these articles, as the ingest function checks it against the published ones."""
    documents = []
    articles: dict[tuple[str, str], Article] = {}
    for path in sorted((content_dir / "articles").glob("*/*.json")):
        key = article_key(path.parent.name, path.stem)
        body = path.read_bytes()
        try:
            article = parse_article_document(key, body)
        except DocumentRejected as rejection:
            documents.append(LocalDocument(path, key, body, reasons=tuple(rejection.reasons)))
        else:
            articles[(article.locale, article.slug)] = article
            documents.append(LocalDocument(path, key, body, content_hash(article)))
    causes_path = content_dir / CAUSES_KEY
    if causes_path.exists():
        body = causes_path.read_bytes()
        try:
            taxonomy, _ = parse_causes_document(body, lambda locale, slug: articles.get((locale, slug)))
        except DocumentRejected as rejection:
            documents.append(LocalDocument(causes_path, CAUSES_KEY, body, reasons=tuple(rejection.reasons)))
        else:
            documents.append(LocalDocument(causes_path, CAUSES_KEY, body, content_hash(taxonomy)))
    return documents


def phases(documents: Iterable[LocalDocument]) -> list[list[LocalDocument]]:
    """Upload order: the articles, then the cause taxonomy that points into them."""
    documents = list(documents)
    articles = [d for d in documents if d.key != CAUSES_KEY]
    causes = [d for d in documents if d.key == CAUSES_KEY]
    return [phase for phase in (articles, causes) if phase]


def upload(
    s3: Any,
    bucket: str,
    documents: Iterable[LocalDocument],
    on_progress: Callable[[Upload], None] = lambda _: None,
) -> list[Upload]:
    documents = list(documents)
    invalid = [d for d in documents if not d.valid]
    if invalid:
        raise DocumentRejected([f"{d.path}: {reason}" for d in invalid for reason in d.reasons])
    uploads = []
    for document in documents:
        if _remote_hash(s3, bucket, document.key) == document.content_hash:
            result = Upload(document, uploaded=False, version_id=None)
        else:
            response = s3.put_object(
                Bucket=bucket,
                Key=document.key,
                Body=document.body,
                ContentType="application/json",
                Metadata={HASH_METADATA: document.content_hash or ""},
            )
            result = Upload(document, uploaded=True, version_id=response.get("VersionId"))
        uploads.append(result)
        on_progress(result)
    return uploads


def wait_for_reports(
    s3: Any,
    bucket: str,
    uploads: Iterable[Upload],
    timeout: float = 60.0,
    poll: Callable[[], None] = lambda: time.sleep(0.5),
) -> dict[str, dict[str, Any]]:
    """The ingest report of each uploaded version, once the ingest function has written it."""
    pending = {u.document.key: u.version_id for u in uploads if u.uploaded}
    reports: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for key, version_id in list(pending.items()):
            report = _report(s3, bucket, key)
            if report is not None and (version_id is None or report.get("version_id") == version_id):
                reports[key] = report
                del pending[key]
        if pending:
            poll()
    for key in pending:
        reports[key] = {
            "key": key,
            "status": "pending",
            "reasons": ["no ingest report yet; check the ingest logs"],
        }
    return reports


def _remote_hash(s3: Any, bucket: str, key: str) -> str | None:
    try:
        return s3.head_object(Bucket=bucket, Key=key).get("Metadata", {}).get(HASH_METADATA)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey"}:
            return None
        raise


def _report(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    try:
        body = s3.get_object(Bucket=bucket, Key=report_key(key))["Body"].read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey"}:
            return None
        raise
    return json.loads(body)
