"""The example responses in the README and in docs/ are what the API answers today.

An example follows a marker `<!-- checked example: GET /path?query -->` as a console block: the
curl line, then the response as JSON in which `"…"` stands for what the example leaves out (any
value; the end of a list; the rest of a string it ends). Keys an example does not show are not
checked; every key it shows is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from infra.local.stack import LocalStack
from infra.template import REPO_ROOT
from tests.integration.conftest import call_api

ELIDED = "…"
_EXAMPLE = re.compile(r"<!-- checked example: GET (?P<url>\S+) -->\n```console\n\$ [^\n]*\n(?P<body>.*?)\n```", re.S)


PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]


def _examples(pages: list[Path] = PAGES) -> list[tuple[str, Any]]:
    return [
        (found["url"], json.loads(found["body"]))
        for page in pages
        for found in _EXAMPLE.finditer(page.read_text(encoding="utf-8"))
    ]


def _mismatches(shown: Any, actual: Any, where: str = "") -> list[str]:
    if shown == ELIDED:
        return []
    if isinstance(shown, str) and shown.endswith(ELIDED):
        prefix = shown[: -len(ELIDED)]
        return [] if isinstance(actual, str) and actual.startswith(prefix) else [f"{where}: {actual!r}"]
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return [f"{where}: not an object"]
        problems = [f"{where}.{key}: missing" for key in shown if key not in actual]
        for key in shown.keys() & actual.keys():
            problems += _mismatches(shown[key], actual[key], f"{where}.{key}")
        return problems
    if isinstance(shown, list):
        complete = not shown or shown[-1] != ELIDED
        listed = shown if complete else shown[:-1]
        if not isinstance(actual, list) or (len(actual) != len(listed) if complete else len(actual) < len(listed)):
            return [f"{where}: {len(actual) if isinstance(actual, list) else actual!r} items"]
        return [problem for n, item in enumerate(listed) for problem in _mismatches(item, actual[n], f"{where}[{n}]")]
    return [] if shown == actual else [f"{where}: {actual!r}, not {shown!r}"]


def test_the_readme_and_the_docs_have_checked_examples() -> None:
    assert len(_examples(PAGES[:1])) >= 1  # the README shows at least one answer
    assert len(_examples()) >= 4


@pytest.mark.parametrize(("url", "shown"), _examples(), ids=[url for url, _ in _examples()])
def test_a_readme_example_is_what_the_api_answers(seeded: LocalStack, url: str, shown: Any) -> None:
    parts = urlsplit(url)
    actual = json.loads(call_api("GET", parts.path, query=dict(parse_qsl(parts.query))).get_data(as_text=True))
    assert _mismatches(shown, actual) == []
