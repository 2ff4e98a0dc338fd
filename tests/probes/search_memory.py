"""Run many searches with words never seen before and report how much the process grew.

Started as its own process by the test suite (tests/conftest.py), so that it runs on the other
core while the rest of the suite runs; prints one JSON line.
"""

from __future__ import annotations

import json
import random
import string
import sys

from health_content.causes.index import CauseIndex, CauseQuery
from health_content.text.analysis import STEM_CACHE_SIZE
from tests.causes_fixtures import real_index

WARM_UP = STEM_CACHE_SIZE + 4_096  # enough new words to fill every bounded cache
MEASURED = 30_000  # growth per new word would show as it did over 100,000 (5 MB here, 15 MB there)


def _resident_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * 4096 / 1e6


def _searches(index: CauseIndex, count: int, words: random.Random) -> None:
    for _ in range(count):
        word = "".join(words.choice(string.ascii_lowercase) for _ in range(words.randint(5, 10)))
        index.search(CauseQuery.of(q=word), 0, 20)


def main() -> int:
    _, _, index = real_index()
    words = random.Random(2026)
    _searches(index, WARM_UP, words)
    before = _resident_mb()
    _searches(index, MEASURED, words)
    print(json.dumps({"searches": MEASURED, "before_mb": before, "growth_mb": _resident_mb() - before}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
