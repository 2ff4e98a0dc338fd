"""The renderings a warm container keeps (``api.http_caching.Renderings``): what repeats, within a bound that
weighs what the cache really holds."""

from __future__ import annotations

import gc
import tracemalloc

from api.http_caching import Renderings

BASE = "https://abc.execute-api.eu-west-1.amazonaws.com/prod"


def _key(number: int) -> tuple[object, ...]:
    # Shaped as the cause lookup's: route, query fingerprint, locale, limit, cursor, fields, link base, version.
    return ("causes", f"kata{number:06d}||||", "id", 20, None, None, BASE, "43b2c1a9" * 8)


def _body(number: int) -> str:
    return f'{{"items":[],"total":0,"query":"kata{number:06d}","links":{{"self":"/v1/causes?q=kata{number:06d}"}}}}'


def test_a_representation_is_kept_from_its_second_request() -> None:
    renderings = Renderings(1024 * 1024)
    renders: list[int] = []

    def render() -> str:
        renders.append(1)
        return _body(1)

    first, second, third = (renderings.get(_key(1), render) for _ in range(3))
    assert len(renders) == 2 and first == second == third
    assert renderings.weight > 0


def test_answers_asked_for_once_are_not_kept() -> None:
    renderings = Renderings(32 * 1024 * 1024)
    for number in range(20_000):
        renderings.get(_key(number), lambda number=number: _body(number))  # type: ignore[misc]
    assert renderings.weight == 0


def test_the_bound_weighs_what_the_cache_really_holds() -> None:
    entries = 5_000
    renderings = Renderings(64 * 1024 * 1024)
    keys = [_key(number) for number in range(entries)]  # each with its own query fingerprint, as requests have
    bodies = [_body(number) for number in range(entries)]
    for key, body in zip(keys, bodies, strict=True):
        renderings.get(key, lambda body=body: body)  # type: ignore[misc]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for key, body in zip(keys, bodies, strict=True):
        # Copies, as a request's own key and body would be: the cache holds them from now on.
        fresh = (*key[:1], "".join(key[1]), *key[2:])  # type: ignore[arg-type]
        renderings.get(fresh, lambda body=body: "".join(body))  # type: ignore[misc]
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    # Never under the truth by more than 5% (a bound that undercounts is not a bound), and at most twice it: a
    # key's parts that other keys share (the route, the link base, the version) are counted in each.
    assert held * 0.95 <= renderings.weight <= held * 2, (held, renderings.weight)


def test_the_bound_holds_with_many_entries() -> None:
    bound = 256 * 1024
    renderings = Renderings(bound)
    for number in range(10_000):
        for _ in range(2):
            renderings.get(_key(number), lambda number=number: _body(number))  # type: ignore[misc]
    assert bound * 0.9 <= renderings.weight <= bound
