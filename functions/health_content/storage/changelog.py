"""The change log on the serving-index table, written in the same transaction as the content.

Item layout (same table as the content; see ``dynamodb``):
    pk = "CHANGELOG", sk = "head"         latest   sequence of the newest entry (the log's only counter)
    pk = "CHANGES",   sk = "<sequence>"   one entry (12 digits, so text order is number order), with
                                          ``expires_at`` (epoch seconds) for DynamoDB's TTL
    pk = "OUTBOX",    sk = "<sequence>"   the entry again, until the event bus has accepted its event
    pk = "RETRACTED", sk = "<locale>#<slug>"   a retracted article: reason and when

Every write of content goes through ``commit``: one ``TransactWriteItems`` with the content
write (conditional on the version it replaces), the head advanced from the sequence it was
read at, the entry and, when events are on, its outbox item. Either all of it is stored or
none: a reader never sees content without its entry, or an entry for content not served. Two
writers racing for a sequence or for the same content make one transaction fail; the store
reads again and retries.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from health_content.changes.log import EntriesRead
from health_content.changes.model import Change, ChangeNote, DocumentKindName, Retraction
from health_content.errors import ContentUnavailable
from health_content.vocabulary import Locale, as_locale

_HEAD = {"pk": "CHANGELOG", "sk": "head"}
_ENTRIES = "CHANGES"
_OUTBOX = "OUTBOX"
_RETRACTED = "RETRACTED"
_UNREADABLE = "The change log could not be read."
DEFAULT_RETENTION = dt.timedelta(days=90)
# Reads per page of the feed at most; each skips entries that expired but are not deleted yet, and the page
# then says where it stopped.
_MAX_QUERIES = 4
_MIN_BATCH = 25
# An outbox item no relay holds: never claimed, or its claim's lease (epoch milliseconds) has run out.
_UNHELD = "attribute_not_exists(claim_until) OR claim_until < :now"


class ConcurrentWrite(Exception):
    """Another writer changed the content or took the next sequence first; read again and retry."""


def back_off(attempt: int) -> None:
    """Wait a little before writing again, longer each time and never in step with the other writers."""
    time.sleep(random.uniform(0, 0.025 * 2**attempt))


def transact(table: Any, writes: list[dict[str, Any]]) -> None:
    """Apply ``writes`` (transaction items without TableName) to ``table`` in one transaction; raises
    ConcurrentWrite when one of their conditions failed."""
    items = [{action: {**spec, "TableName": table.name}} for write in writes for action, spec in write.items()]
    # botocore gives each call an idempotency token and keeps it across its own retries, so a transaction
    # whose answer was lost is answered as done when retried.
    try:
        table.meta.client.transact_write_items(TransactItems=items)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
            raise ConcurrentWrite() from error
        raise


def _millis(instant: dt.datetime) -> int:
    return int(instant.timestamp() * 1000)


def _sort_key(sequence: int) -> str:
    return f"{sequence:012d}"


def retraction_key(locale: Locale, slug: str) -> dict[str, str]:
    return {"pk": _RETRACTED, "sk": f"{locale}#{slug}"}


class DynamoChangeLog:
    """ChangeLog on the content table; ``announce`` keeps an outbox item per entry for the event relay."""

    def __init__(
        self,
        table: Any,
        *,
        announce: bool = False,
        retention: dt.timedelta = DEFAULT_RETENTION,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._table = table
        self._announce = announce
        self._retention = retention
        self._clock = clock
        self._actor: str | None = None

    @contextmanager
    def acting_for(self, actor: str | None) -> Iterator[None]:
        """Changes committed within are recorded as ``actor``'s (an operator's identity) in their entry, for the
        audit trail; the feed and the events leave it out."""
        self._actor = actor
        try:
            yield
        finally:
            self._actor = None

    def now(self) -> dt.datetime:
        return self._clock()

    @property
    def table(self) -> Any:
        return self._table

    # --- writing -----------------------------------------------------------------------

    def commit(
        self,
        content_writes: list[dict[str, Any]],
        note: ChangeNote,
        *,
        kind: DocumentKindName,
        id: str,
        locale: Locale | None,
        version: str | None,
        at: dt.datetime | None = None,
    ) -> Change:
        """Apply the content writes (transaction items without TableName) and log the change, atomically;
        ``at`` is when it happens (by default now).

        Raises ConcurrentWrite when a condition of the content or of the sequence failed."""
        latest = self.latest_sequence(consistent=True)
        change = Change(
            sequence=latest + 1,
            at=at or self._clock(),
            kind=kind,
            id=id,
            locale=locale,
            change=note.change,
            reason=note.reason,
            version=version,
        )
        entry = {**self._entry(change), "pk": _ENTRIES, "sk": _sort_key(change.sequence)}
        if self._actor:
            entry["actor"] = self._actor
        writes = [
            *content_writes,
            {
                "Update": {
                    "Key": _HEAD,
                    "UpdateExpression": "SET latest = :next",
                    "ConditionExpression": "attribute_not_exists(pk) OR latest = :latest",
                    "ExpressionAttributeValues": {":next": change.sequence, ":latest": latest},
                }
            },
            {"Put": {"Item": entry, "ConditionExpression": "attribute_not_exists(pk)"}},
        ]
        if self._announce:
            # Without expires_at: an event the bus keeps refusing stays pending, however long that takes.
            pending = {name: value for name, value in entry.items() if name != "expires_at"}
            writes.append({"Put": {"Item": {**pending, "pk": _OUTBOX}}})
        transact(self._table, writes)
        return change

    def _entry(self, change: Change) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "sequence": change.sequence,
            "at": change.at.isoformat(),
            "kind": change.kind,
            "id": change.id,
            "change": change.change.value,
            "expires_at": int((change.at + self._retention).timestamp()),
        }
        for name in ("locale", "reason", "version"):
            value = getattr(change, name)
            if value is not None:
                entry[name] = value
        return entry

    # --- reading -----------------------------------------------------------------------

    def latest_sequence(self, *, consistent: bool = False) -> int:
        try:
            item = self._table.get_item(Key=_HEAD, ConsistentRead=consistent).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise ContentUnavailable(_UNREADABLE) from error
        return 0 if item is None else int(item["latest"])

    def entries_after(self, sequence: int, limit: int, *, consistent: bool = False) -> EntriesRead:
        now = int(self._clock().timestamp())
        changes: list[Change] = []
        read_to = sequence
        start_key: dict[str, Any] | None = None
        for _ in range(_MAX_QUERIES):
            request: dict[str, Any] = {
                "KeyConditionExpression": "pk = :pk AND sk > :after",
                "ExpressionAttributeValues": {":pk": _ENTRIES, ":after": _sort_key(sequence)},
                "Limit": max(limit - len(changes), _MIN_BATCH),
                "ConsistentRead": consistent,
            }
            if start_key:
                request["ExclusiveStartKey"] = start_key
            try:
                response = self._table.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise ContentUnavailable(_UNREADABLE) from error
            for item in response.get("Items", []):
                if len(changes) >= limit:
                    return EntriesRead(changes, read_to, exhausted=False)
                read_to = int(item["sequence"])
                # DynamoDB deletes expired items up to a few days late; they are gone to readers at once.
                if int(item["expires_at"]) > now:
                    changes.append(_change(item))
            start_key = response.get("LastEvaluatedKey")
            if not start_key:
                return EntriesRead(changes, read_to, exhausted=True)
            if len(changes) >= limit:
                break
        return EntriesRead(changes, read_to, exhausted=False)

    def pending_events(self, limit: int) -> list[Change]:
        response = self._table.query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": _OUTBOX},
            Limit=limit,
            ConsistentRead=True,
        )
        return [_change(item) for item in response.get("Items", [])]

    def claim_events(self, limit: int, claimant: str, lease: dt.timedelta) -> list[Change]:
        now = self._clock()
        request: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk",
            "FilterExpression": _UNHELD,
            "ExpressionAttributeValues": {":pk": _OUTBOX, ":now": _millis(now)},
            "Limit": limit,
            "ConsistentRead": True,
        }
        claimed: list[Change] = []
        for _ in range(_MAX_QUERIES):  # held events are read and skipped; a bounded number of pages each run
            response = self._table.query(**request)
            for item in response.get("Items", []):
                if len(claimed) < limit and self._claim(item["sk"], claimant, now, now + lease):
                    claimed.append(_change(item))
            if len(claimed) >= limit or "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return claimed

    def _claim(self, sort_key: str, claimant: str, now: dt.datetime, until: dt.datetime) -> bool:
        # Still pending (not cleared by the relay that sent it), and held by no other relay.
        try:
            self._table.update_item(
                Key={"pk": _OUTBOX, "sk": sort_key},
                UpdateExpression="SET claimant = :me, claim_until = :until",
                ConditionExpression=f"attribute_exists(pk) AND ({_UNHELD})",
                ExpressionAttributeValues={":me": claimant, ":until": _millis(until), ":now": _millis(now)},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False  # another relay took it first
            raise
        return True

    def release_events(self, sequences: Sequence[int], claimant: str) -> None:
        for sequence in sequences:
            try:
                self._table.update_item(
                    Key={"pk": _OUTBOX, "sk": _sort_key(sequence)},
                    UpdateExpression="REMOVE claimant, claim_until",
                    ConditionExpression="claimant = :me",
                    ExpressionAttributeValues={":me": claimant},
                )
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise  # otherwise its claim lapsed and another relay holds it now

    def events_sent(self, sequences: Sequence[int]) -> None:
        with self._table.batch_writer() as batch:
            for sequence in sequences:
                batch.delete_item(Key={"pk": _OUTBOX, "sk": _sort_key(sequence)})

    # --- retractions ---------------------------------------------------------------------

    def retraction(self, locale: Locale, slug: str) -> Retraction | None:
        try:
            item = self._table.get_item(Key=retraction_key(locale, slug)).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise ContentUnavailable(_UNREADABLE) from error
        if item is None:
            return None
        return Retraction(slug, locale, item.get("reason"), dt.datetime.fromisoformat(item["at"]))

    def withdrawn(self) -> frozenset[tuple[str, Locale]]:
        """Every retracted article, as (slug, locale)."""
        request: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": _RETRACTED},
            "ProjectionExpression": "sk",
        }
        found: set[tuple[str, Locale]] = set()
        while True:
            try:
                response = self._table.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise ContentUnavailable(_UNREADABLE) from error
            for item in response.get("Items", []):
                locale_text, _, slug = str(item["sk"]).partition("#")
                locale = as_locale(locale_text)
                if locale is not None:
                    found.add((slug, locale))
            if "LastEvaluatedKey" not in response:
                return frozenset(found)
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def retraction_item(retraction: Retraction) -> dict[str, Any]:
    item: dict[str, Any] = {**retraction_key(retraction.locale, retraction.slug), "at": retraction.at.isoformat()}
    if retraction.reason:
        item["reason"] = retraction.reason
    return item


def _change(item: dict[str, Any]) -> Change:
    return Change(
        sequence=int(item["sequence"]),
        at=dt.datetime.fromisoformat(item["at"]),
        kind=item["kind"],
        id=item["id"],
        locale=item.get("locale"),
        change=item["change"],
        reason=item.get("reason"),
        version=item.get("version"),
    )
