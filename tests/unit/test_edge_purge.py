"""Which paths a batch of changes purges from the CDN, within CloudFront's limits, and what the invalidation
function does with a batch when CloudFront is busy or a message is not a change event."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import random
from typing import Any

import pytest
from edge.cloudfront import EdgeCache, InvalidationsBusy
from edge.handler import invalidate
from edge.purge import MAX_WILDCARDS, caller_reference, invalidation_paths

from health_content.changes.events import EVENT_SOURCE
from health_content.changes.model import Change, ChangeType

SLUGS = ["kram-otot-betis", "akar-bertanduk", "demam", "sakit-kepala", "batuk", "flu", "diare", "asma"]


def _change(sequence: int, slug: str | None = None, change: ChangeType = ChangeType.UPDATED) -> Change:
    """An article's change, or the taxonomy's when ``slug`` is None."""
    return Change(
        sequence=sequence,
        at=dt.datetime(2026, 12, 8, tzinfo=dt.UTC),
        kind="article" if slug else "causes",
        id=slug or "causes",
        locale="id" if slug else None,
        change=change,
        reason=None,
        version=None if change == ChangeType.RETRACTED else "abc",
    )


def test_one_article_purges_its_own_embeds_and_frames_and_what_names_it() -> None:
    assert invalidation_paths([_change(1, "demam")]) == [
        "/v1/articles*",
        "/v1/causes*",
        "/v1/embed/demam*",
        "/v1/frame/demam*",
        "/v1/oembed*",
        "/v1/partial/*",
        "/v1/search*",
    ]


def test_many_articles_purge_every_embed_and_frame_rather_than_exceed_cloudfronts_limit() -> None:
    paths = invalidation_paths([_change(n, slug) for n, slug in enumerate(SLUGS, start=1)])
    assert paths == [
        "/v1/articles*",
        "/v1/causes*",
        "/v1/embed/*",
        "/v1/frame/*",
        "/v1/oembed*",
        "/v1/partial/*",
        "/v1/search*",
    ]


def test_the_taxonomy_purges_the_lookup_and_everything_that_lists_causes() -> None:
    assert invalidation_paths([_change(1)]) == ["/v1/articles*", "/v1/causes*", "/v1/frame/*", "/v1/partial/*"]
    # An article's frames are among every frame: not named twice.
    assert "/v1/frame/demam*" not in invalidation_paths([_change(1), _change(2, "demam")])


def test_any_batch_stays_within_the_limit_and_covers_each_article_it_names() -> None:
    rng = random.Random(23)
    for _ in range(300):
        batch = [_change(n, rng.choice([*SLUGS, None])) for n in range(1, rng.randint(1, 12))]
        paths = invalidation_paths(batch)
        assert len(paths) <= MAX_WILDCARDS and all(path.endswith("*") for path in paths)
        for change in batch:
            if change.kind == "article":
                for url in (f"/v1/embed/{change.id}/penyebab?format=json", f"/v1/frame/{change.id}?locale=en"):
                    assert any(fnmatch.fnmatchcase(url, path) for path in paths), (url, paths)


def test_the_same_changes_give_the_same_reference_whatever_their_order() -> None:
    one, two = _change(7, "demam"), _change(9, "flu")
    assert caller_reference([one, two]) == caller_reference([two, one, two])
    assert caller_reference([one]) != caller_reference([one, two])
    assert len(caller_reference([one, two])) <= 128  # CloudFront's limit


class _Busy(EdgeCache):
    """CloudFront with as many invalidations in progress as it allows."""

    def __init__(self) -> None:
        super().__init__(client=None, distribution_id="E1")

    def invalidate(self, paths: list[str], reference: str) -> str:
        raise InvalidationsBusy("TooManyInvalidationsInProgress")


class _Recording(EdgeCache):
    def __init__(self) -> None:
        super().__init__(client=None, distribution_id="E1")
        self.made: list[tuple[list[str], str]] = []

    def invalidate(self, paths: list[str], reference: str) -> str:
        self.made.append((paths, reference))
        return "I1"


def _record(number: int, body: Any) -> dict[str, str]:
    return {"messageId": f"m{number}", "body": body if isinstance(body, str) else json.dumps(body)}


def _event(change: Change) -> dict[str, Any]:
    return {"source": EVENT_SOURCE, "detail-type": "Article Updated", "detail": json.loads(change.model_dump_json())}


def test_a_busy_cloudfront_sends_the_whole_batch_back_to_the_queue() -> None:
    records = [_record(1, _event(_change(1, "demam"))), _record(2, _event(_change(2, "flu")))]
    assert invalidate(records, _Busy()) == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}


@pytest.mark.parametrize("stray", ["not json", {"source": "someone.else", "detail": {}}, {"source": EVENT_SOURCE}])
def test_a_message_that_is_no_change_event_is_left_and_the_rest_purged(stray: Any) -> None:
    edge = _Recording()
    assert invalidate([_record(1, stray), _record(2, _event(_change(2, "demam")))], edge) == {"batchItemFailures": []}
    [(paths, reference)] = edge.made
    assert paths == invalidation_paths([_change(2, "demam")]) and reference == caller_reference([_change(2, "demam")])
    assert invalidate([_record(3, stray)], edge) == {"batchItemFailures": []} and len(edge.made) == 1
