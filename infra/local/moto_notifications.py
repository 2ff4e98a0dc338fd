"""moto's S3, sending the ObjectRemoved:DeleteMarkerCreated notification that S3 sends and moto does not.

Deleting a key of a versioned bucket leaves a delete marker; S3 then notifies the queues subscribed to
``s3:ObjectRemoved:*`` (the template subscribes the ingest queue, which unpublishes the document). moto 5 sends
no notification for a delete marker. The local stack used to make up for it by listing every object version
after each delivery, but moto's ListObjectVersions copies every version of every key of the bucket on each call:
with a catalogue of 2,000 articles that cost about 2 s a delivery, growing with each upload, and it only saw the
first 1,000 versions (issue 19).

``install`` keeps moto's DeleteObject and, when it has left a delete marker, sends the notification to each
queue whose configuration matches, as moto sends its other S3 notifications, at the time S3 would. Only this
process's moto is changed: in-process mocks and the ``make serve`` moto server.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote_plus

from moto.core.utils import iso_8601_datetime_with_milliseconds
from moto.s3 import notifications
from moto.s3.models import S3Backend

EVENT = "s3:ObjectRemoved:DeleteMarkerCreated"


def install() -> None:
    """Make this process's moto notify the queues of the delete markers it leaves (idempotent)."""
    if getattr(S3Backend.delete_object, "notifies_delete_markers", False):
        return
    original = S3Backend.delete_object

    @functools.wraps(original)
    def delete_object(
        self: S3Backend, bucket_name: str, key_name: str, version_id: str | None = None, bypass: bool = False
    ) -> tuple[bool, dict[str, Any]]:
        deleted, meta = original(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
        if deleted and version_id is None and meta.get("delete-marker") == "true":
            _notify(self.account_id, self.get_bucket(bucket_name), key_name, meta["version-id"])
        return deleted, meta

    delete_object.notifies_delete_markers = True  # type: ignore[attr-defined]
    S3Backend.delete_object = delete_object  # type: ignore[method-assign]


def _notify(account_id: str, bucket: Any, key: str, marker_version: str) -> None:
    configuration = bucket.notification_configuration
    if configuration is None:
        return
    for notification in configuration.queue:
        if notification.matches(EVENT, key):
            region = notification.arn.split(":")[3]
            body = _removal_event(bucket.name, key, marker_version, region, notification.id)
            notifications._send_sqs_message(account_id, body, notification.arn.split(":")[-1], region)


def _removal_event(
    bucket: str, key: str, marker_version: str, region: str = "us-east-1", configuration_id: str = "local"
) -> dict[str, Any]:
    """The notification S3 sends when a versioned object gets a delete marker."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": iso_8601_datetime_with_milliseconds(),
                "eventName": EVENT.removeprefix("s3:"),
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": configuration_id,
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": quote_plus(key), "versionId": marker_version, "sequencer": "0055AED6DCD90281E5"},
                },
            }
        ]
    }
