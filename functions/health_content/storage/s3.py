"""The content bucket on S3: versioned documents, with each publishing outcome recorded beside them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from botocore.exceptions import ClientError

from health_content.publishing.report import PublishReport, PublishStatus
from health_content.publishing.source import SourceObject, UnpublishRequest

PUBLISHED_BY_METADATA = "published-by"
REPORT_PREFIX = "reports/"
# The outcome of each version, so that an operator waiting for a version learns it even when a later one has
# been reported since; expired by the bucket's lifecycle.
VERSION_REPORT_PREFIX = "reports-by-version/"
RETRACTION_PREFIX = "retractions/"
STATUS_TAG = "publish-status"


def report_key(key: str) -> str:
    """Where the outcome of publishing ``key`` is written, outside the prefixes that trigger ingest."""
    return REPORT_PREFIX + key


def version_report_key(key: str, version_id: str) -> str:
    return f"{VERSION_REPORT_PREFIX}{key}/{version_id}.json"


def retraction_key(key: str) -> str:
    """Where the reason for unpublishing ``key`` is written before the key is deleted."""
    return RETRACTION_PREFIX + key


def is_missing(error: ClientError) -> bool:
    """Whether S3 answered that the key (or version) does not exist."""
    return str(error.response.get("Error", {}).get("Code", "")) in {"NoSuchKey", "404", "NotFound"}


class S3ContentSource:
    """ContentSource on an S3 bucket (a boto3 S3 client, created once per container)."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def fetch_latest(self, key: str, max_bytes: int) -> SourceObject | None:
        try:
            response = self._s3.get_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if is_missing(error):
                return None
            raise
        with response["Body"] as body:
            data = body.read(max_bytes)
        return SourceObject(
            key=key,
            version_id=_version(response.get("VersionId")),
            body=data,
            last_modified=response["LastModified"],
            published_by=(response.get("Metadata") or {}).get(PUBLISHED_BY_METADATA),
        )

    def latest_version_id(self, key: str) -> str | None:
        try:
            return _version(self._s3.head_object(Bucket=self._bucket, Key=key).get("VersionId"))
        except ClientError as error:
            if is_missing(error):
                return None
            raise

    def record_outcome(self, report: PublishReport) -> None:
        if report.status is not PublishStatus.REMOVED:  # a deleted key has no version left to tag
            tagging: dict[str, Any] = {
                "Bucket": self._bucket,
                "Key": report.key,
                "Tagging": {"TagSet": [{"Key": STATUS_TAG, "Value": report.status.value}]},
            }
            if report.version_id:
                tagging["VersionId"] = report.version_id
            self._s3.put_object_tagging(**tagging)
        body = report.model_dump_json(indent=2).encode()
        if report.version_id:
            self._s3.put_object(
                Bucket=self._bucket,
                Key=version_report_key(report.key, report.version_id),
                Body=body,
                ContentType="application/json",
            )
        self._s3.put_object(Bucket=self._bucket, Key=report_key(report.key), Body=body, ContentType="application/json")

    def read_outcome(self, key: str, version_id: str | None = None) -> PublishReport | None:
        body = self._read(report_key(key) if version_id is None else version_report_key(key, version_id))
        return None if body is None else PublishReport.model_validate_json(body)

    def unpublish_request(self, key: str) -> UnpublishRequest | None:
        try:
            response = self._s3.get_object(Bucket=self._bucket, Key=retraction_key(key))
        except ClientError as error:
            if is_missing(error):
                return None
            raise
        with response["Body"] as body:
            recorded = json.loads(body.read())
        reason = str(recorded.get("reason") or "") or None
        return UnpublishRequest(key, reason, _version(response.get("VersionId")), recorded.get("requested_by"))

    def record_retraction(
        self, key: str, reason: str, requested_at: dt.datetime, requested_by: str | None = None
    ) -> None:
        """Say why ``key`` is being unpublished (and by whom), for the ingest function to report when it removes
        it."""
        document = {"key": key, "reason": reason, "requested_at": requested_at.isoformat()}
        if requested_by:
            document["requested_by"] = requested_by
        self._s3.put_object(
            Bucket=self._bucket,
            Key=retraction_key(key),
            Body=json.dumps(document, ensure_ascii=False).encode(),
            ContentType="application/json",
        )

    def forget_unpublish_request(self, request: UnpublishRequest) -> None:
        # That version of the record only, for good: a reason recorded since stays current.
        if request.record is None:
            self._s3.delete_object(Bucket=self._bucket, Key=retraction_key(request.key))
        else:
            self._s3.delete_object(Bucket=self._bucket, Key=retraction_key(request.key), VersionId=request.record)

    def _read(self, key: str) -> bytes | None:
        try:
            body: bytes = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except ClientError as error:
            if is_missing(error):
                return None
            raise
        return body


def _version(version_id: str | None) -> str | None:
    # Unversioned buckets answer with the literal version "null".
    return None if version_id in (None, "null") else version_id
