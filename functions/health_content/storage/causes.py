"""The cause taxonomy in the serving index on DynamoDB: one item per cause, under a generation that a small
header names, so that a taxonomy has no size ceiling and a reader never sees half of one.

Item layout (table keys ``pk``/``sk``, both strings):
    pk = "TAXONOMY", sk = "causes"     the header, replaced in one transaction with its change-log entry
        generation        the partition holding this version's causes
        cause_count       how many causes it has
        document          the taxonomy without its causes (dates, source, disclaimer, vocabularies: bounded)
        analysis_version  the ANALYSIS_VERSION that analysed it; another version is never used
        layout            LAYOUT; a header of another layout is refused until the taxonomy is published again
        content_hash, published_at, source_version
    pk = "TAXONOMY", sk = "generation#<id>"          a generation written and not yet deleted: started_at
    pk = "TAXONOMY#<id>", sk = "cause#<position>"    one cause, in taxonomy order: id, document (JSON) and
                                                     analysis (gzipped JSON: its analysis, its codes' titles)
    pk = "TAXONOMY#<id>", sk = "mentions#<locale>#<slug>#<part>"   the mentions of one article in taxonomy
                                                     order (cause id, mention), MENTIONS_PER_ITEM at most, and
                                                     the position of each cause they name (its item's key);
                                                     part 0 says how many parts there are

A new version's items are written first, under a generation of their own; then the header is pointed at
it in the transaction that logs the change (``changelog``); then the generation it replaced is deleted.
A reader reads the header, then the generation's causes with one paged Query; a generation is never
written to once a header names it, so finding fewer than ``cause_count`` causes means it was replaced and
deleted meanwhile, and the reader starts again from the header. Either way it sees one whole version. An
article's causes are its mentions items, then the causes they name with the generation's first cause, each
read by key rather than by a Query over the generation: a generation's first cause is deleted before the rest
of it, so a reader that still finds it last has read the rest before the deletion began.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, TypeAdapter

from health_content.causes.model import Cause, CauseTaxonomy, Mention
from health_content.causes.prepare import ANALYSIS_VERSION, AnalyzedCause, CauseAnalysis
from health_content.causes.store import ArticleMentions, CauseMention, PublishedCauses
from health_content.changes.model import Change, ChangeNote, ChangeType
from health_content.errors import ContentUnavailable, DocumentUnreadable
from health_content.observability import logger
from health_content.storage.changelog import ConcurrentWrite, DynamoChangeLog, back_off
from health_content.storage.items import MAX_WRITE_ATTEMPTS, UNREADABLE, check_size, readable
from health_content.vocabulary import Locale

_PARTITION = "TAXONOMY"
_HEADER = {"pk": _PARTITION, "sk": "causes"}
_GENERATION = "generation#"
_CAUSE = "cause#"
_MENTIONS = "mentions#"
# The stored form's own version: a header of another layout (2: mentions without their causes' positions; none:
# the whole taxonomy in one item) is refused, as an analysis of another version is, until published again.
LAYOUT = 3
MENTIONS_PER_ITEM = 500
# A generation that no header names, older than this, was left by a writer that stopped (the ingest
# function's timeout is 60 s) and is deleted by the next writer.
ABANDONED_AFTER = dt.timedelta(minutes=15)
# Reads of the header and the causes, when a replacement deletes the generation being read.
_READ_ATTEMPTS = 3
# Causes per page of the Query that reads them (about 400 KB; DynamoDB would return 1 MB, some 650): a
# moto server takes 0.6-0.8 s to serve a 1 MB page, at the API's 0.8 s read timeout, and 0.25-0.35 s to
# serve 250 causes. On DynamoDB 4,000 causes are then 16 round trips instead of 7.
CAUSES_PER_PAGE = 250
_GENERATION_CHARS = 16
# Keys per BatchGetItem call, DynamoDB's limit.
_KEYS_PER_BATCH = 100
_NAMES = {"#generation": "generation", "#count": "cause_count", "#layout": "layout", "#version": "analysis_version"}


def _cause_key(position: int) -> str:
    return f"{_CAUSE}{position:06d}"


_FIRST_CAUSE = _cause_key(0)


class _StoredAnalysis(BaseModel):
    """A cause's share of the taxonomy's analysis: its own, and the titles of its ICD-10 codes."""

    model_config = ConfigDict(frozen=True)

    cause: AnalyzedCause
    icd10_titles: dict[str, str]


_MENTIONS_FORMAT: TypeAdapter[list[tuple[str, Mention]]] = TypeAdapter(list[tuple[str, Mention]])
_POSITIONS_FORMAT: TypeAdapter[dict[str, int]] = TypeAdapter(dict[str, int])


@dataclass(frozen=True, slots=True)
class _StoredForm:
    """A published taxonomy as items: the header and the generation's items, for any generation."""

    published: PublishedCauses

    def header(self, generation: str) -> dict[str, Any]:
        published = self.published
        item: dict[str, Any] = {
            **_HEADER,
            "generation": generation,
            "cause_count": len(published.taxonomy.causes),
            "document": published.taxonomy.model_dump_json(exclude={"causes"}),
            "analysis_version": published.analysis.version,
            "layout": LAYOUT,
            "content_hash": published.content_hash,
            "published_at": published.published_at.isoformat(),
        }
        if published.source_version:
            item["source_version"] = published.source_version
        return item

    def items(self, generation: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each item of the generation, with what it holds (for a rejection to name)."""
        pk = f"{_PARTITION}#{generation}"
        taxonomy, analysis = self.published.taxonomy, self.published.analysis
        analyzed = {entry.id: entry for entry in analysis.causes}
        for position, cause in enumerate(taxonomy.causes):
            share = _StoredAnalysis(
                cause=analyzed[cause.id], icd10_titles={code: analysis.icd10_titles[code] for code in cause.icd10}
            )
            yield (
                f"cause {cause.id!r} with its analysis",
                {
                    "pk": pk,
                    "sk": _cause_key(position),
                    "id": cause.id,
                    "document": cause.model_dump_json(),
                    "analysis": gzip.compress(share.model_dump_json().encode(), mtime=0),
                },
            )
        by_article: dict[tuple[Locale, str], list[tuple[str, Mention]]] = {}
        positions: dict[str, int] = {}
        for position, cause in enumerate(taxonomy.causes):
            positions[cause.id] = position
            for mention in cause.mentions:
                by_article.setdefault((mention.locale, mention.article), []).append((cause.id, mention))
        for (locale, slug), mentions in by_article.items():
            starts = range(0, len(mentions), MENTIONS_PER_ITEM)
            for part, start in enumerate(starts):
                chunk = mentions[start : start + MENTIONS_PER_ITEM]
                named = {cause_id: positions[cause_id] for cause_id, _ in chunk}
                item = {
                    "pk": pk,
                    "sk": _mentions_key(locale, slug, part),
                    "mentions": _MENTIONS_FORMAT.dump_json(chunk).decode(),
                    "positions": _POSITIONS_FORMAT.dump_json(named).decode(),
                }
                yield f"the mentions of article {locale}/{slug}", item | ({"parts": len(starts)} if part == 0 else {})

    def check_fits(self) -> None:
        placeholder = "0" * _GENERATION_CHARS
        check_size(self.header(placeholder), "the cause taxonomy's vocabularies and source")
        for what, item in self.items(placeholder):
            check_size(item, what)


class DynamoCauseStore:
    """CauseStore on the same table: a header naming the current generation, and one item per cause."""

    def __init__(self, table: Any, changes: DynamoChangeLog | None = None) -> None:
        self._table = table
        self._changes = changes or DynamoChangeLog(table)

    # --- reading -----------------------------------------------------------------------

    def get(self) -> PublishedCauses | None:
        for attempt in range(_READ_ATTEMPTS):
            consistent = attempt > 0  # a header read again may be newer than its copy just read
            header = self._read(_HEADER, consistent=consistent)
            if header is None:
                return None
            _check_readable(header)
            with readable("cause taxonomy"):
                generation, count = str(header["generation"]), int(header["cause_count"])
                vocabularies = json.loads(header["document"])
                published_at = dt.datetime.fromisoformat(header["published_at"])
                content_hash = str(header["content_hash"])  # without it, every refresh would reload the taxonomy
            items = self._query(generation, _CAUSE, consistent=consistent)
            if len(items) != count:
                logger.info("the cause taxonomy was replaced while it was read; reading it again")
                continue
            with readable("cause taxonomy"):
                causes = [Cause.model_validate_json(item["document"]) for item in items]
                shares = [
                    _StoredAnalysis.model_validate_json(gzip.decompress(bytes(item["analysis"]))) for item in items
                ]
                taxonomy = CauseTaxonomy.model_validate({**vocabularies, "causes": causes})
            titles = {code: title for share in shares for code, title in share.icd10_titles.items()}
            analysis = CauseAnalysis(
                version=int(header["analysis_version"]),
                causes=[share.cause for share in shares],
                icd10_titles=dict(sorted(titles.items())),
            )
            return PublishedCauses(taxonomy, analysis, content_hash, published_at, header.get("source_version"))
        raise ContentUnavailable(UNREADABLE)

    def current_hash(self) -> str | None:
        item = self._read(_HEADER, projection="content_hash")
        if item is None:
            return None
        with readable("cause taxonomy"):
            return str(item["content_hash"])

    def mentions_of(self, locale: Locale, slug: str) -> list[CauseMention]:
        header = self._read(_HEADER, projection="#generation, #layout, #version")
        if header is None:
            return []
        _check_readable(header)
        return self._mentions(str(header["generation"]), locale, slug)[0]

    def article_mentions(self, locale: Locale, slug: str) -> ArticleMentions | None:
        for attempt in range(_READ_ATTEMPTS):
            header = self._read(
                _HEADER, consistent=attempt > 0, projection="#generation, #layout, #version, content_hash, published_at"
            )
            if header is None:
                return None
            _check_readable(header)
            with readable("cause taxonomy"):
                generation, content_hash = str(header["generation"]), str(header["content_hash"])
                published_at = dt.datetime.fromisoformat(header["published_at"])
            mentions, positions = self._mentions(generation, locale, slug)
            keys = [_FIRST_CAUSE, *(_cause_key(n) for n in positions.values())]
            found = self._get_many(generation, keys, "sk, document")
            if _FIRST_CAUSE not in found:
                logger.info("the cause taxonomy was replaced while an article's causes were read; reading them again")
                continue
            with readable("cause taxonomy"):
                causes = [Cause.model_validate_json(found[_cause_key(n)]["document"]) for n in positions.values()]
            return ArticleMentions(content_hash, published_at, mentions, {cause.id: cause for cause in causes})
        raise ContentUnavailable(UNREADABLE)

    def _mentions(self, generation: str, locale: Locale, slug: str) -> tuple[list[CauseMention], dict[str, int]]:
        """The generation's mentions of one article, and the position of each cause they name. Read consistently:
        the items were written before the header that names them, but perhaps only just."""
        first = self._read({"pk": f"{_PARTITION}#{generation}", "sk": _mentions_key(locale, slug, 0)}, consistent=True)
        if first is None:
            return [], {}
        with readable("cause taxonomy"):
            parts = int(first["parts"])
        rest = [_mentions_key(locale, slug, part) for part in range(1, parts)]
        found = self._get_many(generation, rest, "sk, mentions, positions") if rest else {}
        # A part missing means the generation is being deleted: the caller that must tell finds its first cause gone.
        items = [first, *(found[key] for key in rest if key in found)]
        with readable("cause taxonomy"):
            mentions = [
                CauseMention(cause_id, mention)
                for item in items
                for cause_id, mention in _MENTIONS_FORMAT.validate_json(item["mentions"])
            ]
            positions = {
                cause_id: position
                for item in items
                for cause_id, position in _POSITIONS_FORMAT.validate_json(item["positions"]).items()
            }
        return mentions, positions

    # --- writing -----------------------------------------------------------------------

    def check_fits(self, published: PublishedCauses) -> None:
        _StoredForm(published).check_fits()

    def put_if_changed(self, published: PublishedCauses) -> Change | None:
        stored = _StoredForm(published)
        stored.check_fits()
        written: str | None = None  # the generation this call wrote, until a header names it
        try:
            for attempt in range(MAX_WRITE_ATTEMPTS):
                previous = self._read_previous()
                note = _note(previous, published)
                if note is None:
                    return None
                if written is None:
                    written = self._write_generation(stored)
                try:
                    change = self._changes.commit(
                        [{"Put": {"Item": stored.header(written), **_replacing(previous)}}],
                        note,
                        kind="causes",
                        id="causes",
                        locale=None,
                        version=published.content_hash,
                    )
                except ConcurrentWrite:
                    if attempt + 1 < MAX_WRITE_ATTEMPTS:
                        back_off(attempt)
                    continue
                current, written = written, None
                self._clean_up(current, _generation(previous))
                return change
            raise ConcurrentWrite()
        finally:
            if written is not None:  # rejected, unchanged after all, or failed: no header will name it
                self._forget_quietly(written)

    def delete(self, reason: str | None = None) -> Change | None:
        for attempt in range(MAX_WRITE_ATTEMPTS):
            previous = self._read_previous()
            if previous is None:
                return None
            try:
                change = self._changes.commit(
                    [{"Delete": {"Key": _HEADER, **_replacing(previous)}}],
                    ChangeNote(ChangeType.RETRACTED, reason),
                    kind="causes",
                    id="causes",
                    locale=None,
                    version=None,
                )
            except ConcurrentWrite:
                if attempt + 1 < MAX_WRITE_ATTEMPTS:
                    back_off(attempt)
                continue
            self._clean_up(None, _generation(previous))
            return change
        raise ConcurrentWrite()

    def _write_generation(self, stored: _StoredForm) -> str:
        """Write a new generation's items, registered first so that a writer that stops is cleaned up after."""
        generation = secrets.token_hex(_GENERATION_CHARS // 2)
        self._table.put_item(
            Item={"pk": _PARTITION, "sk": f"{_GENERATION}{generation}", "started_at": self._changes.now().isoformat()}
        )
        with self._table.batch_writer() as batch:
            for _, item in stored.items(generation):
                batch.put_item(Item=item)
        return generation

    def _clean_up(self, current: str | None, replaced: str | None) -> None:
        """Delete the generation just replaced, and any another writer abandoned; a failure here is left to the
        next writer, as the change is already published."""
        try:
            abandoned_before = self._changes.now() - ABANDONED_AFTER
            for item in self._all(_PARTITION, _GENERATION, consistent=True):
                generation = str(item["sk"]).removeprefix(_GENERATION)
                started = dt.datetime.fromisoformat(str(item["started_at"]))
                if generation != current and (generation == replaced or started < abandoned_before):
                    self._forget(generation)
        except (ClientError, BotoCoreError, ContentUnavailable, ValueError, KeyError) as error:
            logger.warning("an old cause taxonomy could not be deleted yet", extra={"error": repr(error)})

    def _forget(self, generation: str) -> None:
        pk = f"{_PARTITION}#{generation}"
        keys = self._all(pk, "", consistent=True, projection="pk, sk")  # its whole partition
        self._table.delete_item(Key={"pk": pk, "sk": _FIRST_CAUSE})  # first: readers of an article tell by it
        with self._table.batch_writer() as batch:
            for key in keys:
                batch.delete_item(Key={"pk": key["pk"], "sk": key["sk"]})
        self._table.delete_item(Key={"pk": _PARTITION, "sk": f"{_GENERATION}{generation}"})

    def _forget_quietly(self, generation: str) -> None:
        try:
            self._forget(generation)
        except (ClientError, BotoCoreError, ContentUnavailable) as error:
            logger.warning("an unused cause taxonomy could not be deleted yet", extra={"error": repr(error)})

    # --- items -------------------------------------------------------------------------

    def _read_previous(self) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self._table.get_item(
            Key=_HEADER,
            ConsistentRead=True,
            ProjectionExpression="content_hash, #generation, #layout, #version",
            ExpressionAttributeNames={name: _NAMES[name] for name in ("#generation", "#layout", "#version")},
        ).get("Item")
        return item

    def _read(self, key: dict[str, str], *, consistent: bool = False, projection: str | None = None) -> Any:
        request: dict[str, Any] = {"Key": key, "ConsistentRead": consistent}
        if projection:
            request["ProjectionExpression"] = projection
            names = {name: value for name, value in _NAMES.items() if name in projection}
            if names:
                request["ExpressionAttributeNames"] = names
        try:
            return self._table.get_item(**request).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise ContentUnavailable(UNREADABLE) from error

    def _get_many(self, generation: str, sort_keys: list[str], projection: str) -> dict[str, dict[str, Any]]:
        """The items of the generation with these sort keys that exist, by sort key (BatchGetItem: a consistent read,
        100 keys a call, and the keys DynamoDB leaves unprocessed asked again)."""
        pk = f"{_PARTITION}#{generation}"
        wanted = [{"pk": pk, "sk": sort_key} for sort_key in dict.fromkeys(sort_keys)]
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), _KEYS_PER_BATCH):
            request: dict[str, Any] = {
                self._table.name: {
                    "Keys": wanted[start : start + _KEYS_PER_BATCH],
                    "ConsistentRead": True,
                    "ProjectionExpression": projection,
                }
            }
            while request:
                try:
                    response = self._table.meta.client.batch_get_item(RequestItems=request)
                except (ClientError, BotoCoreError) as error:
                    raise ContentUnavailable(UNREADABLE) from error
                found.update((str(item["sk"]), item) for item in response["Responses"].get(self._table.name, []))
                request = response.get("UnprocessedKeys") or {}
        return found

    def _query(self, generation: str, prefix: str, *, consistent: bool) -> list[dict[str, Any]]:
        return self._all(f"{_PARTITION}#{generation}", prefix, consistent=consistent, limit=CAUSES_PER_PAGE)

    def _all(
        self, pk: str, prefix: str, *, consistent: bool, projection: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Every item of the partition whose sort key starts with ``prefix``, in sort-key order, page by page."""
        request: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)" if prefix else "pk = :pk",
            "ExpressionAttributeValues": {":pk": pk, ":prefix": prefix} if prefix else {":pk": pk},
            "ConsistentRead": consistent,
        }
        if projection:
            request["ProjectionExpression"] = projection
        if limit:
            request["Limit"] = limit
        items: list[dict[str, Any]] = []
        while True:
            try:
                response = self._table.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise ContentUnavailable(UNREADABLE) from error
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _mentions_key(locale: Locale, slug: str, part: int) -> str:
    return f"{_MENTIONS}{locale}#{slug}#{part:06d}"


def _generation(header: dict[str, Any] | None) -> str | None:
    return None if header is None or "generation" not in header else str(header["generation"])


def _check_readable(header: dict[str, Any]) -> None:
    """Refuse a header of another layout or analysis version: it must be published again, never used."""
    layout, version = header.get("layout"), header.get("analysis_version")
    if layout != LAYOUT or version != ANALYSIS_VERSION:
        logger.error(
            "the stored cause taxonomy was made by another release; publish the causes again",
            extra={"stored_layout": layout, "stored_version": version, "expected_version": ANALYSIS_VERSION},
        )
        raise DocumentUnreadable(f"cause taxonomy (layout {layout}, analysis version {version}; publish it again)")


def _note(previous: dict[str, Any] | None, published: PublishedCauses) -> ChangeNote | None:
    if previous is None:
        return ChangeNote(ChangeType.PUBLISHED)
    if previous["content_hash"] != published.content_hash:
        return ChangeNote(ChangeType.UPDATED)
    if previous.get("analysis_version") != published.analysis.version or previous.get("layout") != LAYOUT:
        return ChangeNote(ChangeType.UPDATED, "the search analysis was rebuilt by a new release")
    return None


def _replacing(previous: dict[str, Any] | None) -> dict[str, Any]:
    """The condition that the header is still the one read (or that there is still none)."""
    if previous is None:
        return {"ConditionExpression": "attribute_not_exists(pk)"}
    generation = _generation(previous)
    if generation is None:  # a header of the layout before generations
        return {
            "ConditionExpression": "attribute_not_exists(#generation) AND content_hash = :previous_hash",
            "ExpressionAttributeNames": {"#generation": "generation"},
            "ExpressionAttributeValues": {":previous_hash": previous["content_hash"]},
        }
    return {
        "ConditionExpression": "#generation = :previous_generation",
        "ExpressionAttributeNames": {"#generation": "generation"},
        "ExpressionAttributeValues": {":previous_generation": generation},
    }
