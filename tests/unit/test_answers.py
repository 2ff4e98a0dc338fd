"""The answer cache repeats a finished read for a moment, and only to the same request."""

from __future__ import annotations

import time
from typing import Any

from api.answers import Answers


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _event(method: str = "GET", path: str = "/v1/articles/a", **headers: str) -> dict[str, Any]:
    return {
        "httpMethod": method,
        "path": path,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "multiValueQueryStringParameters": None,
        "requestContext": {"stage": "v1", "domainName": "api.example", "identity": {"apiKeyId": None}},
    }


def _answer(body: str = "{}") -> dict[str, Any]:
    return {"statusCode": 200, "body": body, "multiValueHeaders": {"ETag": ['"1"']}}


def test_an_answer_is_repeated_until_what_it_was_built_from_is_due_for_a_check() -> None:
    clock = Clock()
    answers = Answers(60.0, 8 * 1024 * 1024, timer=clock)
    key = answers.key(_event())
    assert key is not None and answers.get(key) is None
    answers.keep(key, _answer("kept"), until=clock.now + 5)
    clock.now += 4.9
    assert answers.get(key) == _answer("kept")
    clock.now += 0.1
    assert answers.get(key) is None


def test_an_answer_is_repeated_for_its_lifetime_at_most() -> None:
    clock = Clock()
    answers = Answers(5.0, 8 * 1024 * 1024, timer=clock)
    key = answers.key(_event())
    assert key is not None
    answers.keep(key, _answer("kept"), until=clock.now + 60)
    clock.now += 5
    assert answers.get(key) is None


def test_an_answer_already_due_is_not_kept() -> None:
    clock = Clock()
    answers = Answers(60.0, 8 * 1024 * 1024, timer=clock)
    key = answers.key(_event())
    assert key is not None
    answers.keep(key, _answer(), until=clock.now)
    assert answers.get(key) is None and not answers._kept


def test_the_headers_the_api_reads_and_the_path_tell_answers_apart() -> None:
    answers = Answers(5.0, 8 * 1024 * 1024)
    plain = answers.key(_event())
    assert plain == answers.key(_event(**{"User-Agent": "other"}))  # a header the API never reads
    assert plain != answers.key(_event(Accept="text/html"))
    assert plain != answers.key(_event(**{"If-None-Match": '"1"'}))
    assert plain != answers.key(_event(Origin="https://partner.example"))
    assert plain != answers.key(_event(path="/v1/articles/b"))
    assert plain != answers.key(_event("HEAD"))  # a HEAD answer has no body to give a GET
    assert answers.key({**_event(), "requestContext": {"stage": "v1", "identity": {"apiKeyId": "k1"}}}) != plain


def test_writes_and_a_zero_lifetime_are_never_kept() -> None:
    assert Answers(5.0, 8 * 1024 * 1024).key(_event("POST")) is None
    assert Answers(0, 8 * 1024 * 1024).key(_event()) is None


def test_a_caller_changing_its_copy_does_not_change_what_is_kept() -> None:
    answers = Answers(5.0, 8 * 1024 * 1024)
    key = answers.key(_event())
    assert key is not None
    answer = _answer()
    answers.keep(key, answer, until=time.monotonic() + 5)
    answer["multiValueHeaders"]["ETag"].append("changed")
    repeated = answers.get(key)
    assert repeated is not None and repeated["multiValueHeaders"]["ETag"] == ['"1"']
    repeated["multiValueHeaders"]["RateLimit-Policy"] = ["per caller"]
    assert "RateLimit-Policy" not in (answers.get(key) or {})["multiValueHeaders"]
