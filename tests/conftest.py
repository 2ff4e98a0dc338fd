"""Shared fixtures: the seed article, and an environment in which nothing can reach AWS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws
from moto.core.models import MockAWS

from infra import template
from infra.template import REPO_ROOT

SEED_ARTICLE_PATH = REPO_ROOT / "content" / "articles" / "id" / "kram-otot-betis.json"
SEED_KEY = "articles/id/kram-otot-betis.json"

TEST_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": template.service_name(),
    "POWERTOOLS_METRICS_NAMESPACE": template.metrics_namespace(),
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    # The local stack's bus (LocalStack.create names it after the table, as the template does after the stack).
    "EVENT_BUS_NAME": "health-content-test-changes",
    # Store calls are cut in real time (health_content/storage/deadline.py). On a busy machine moto itself can
    # take longer than the deployed 1.5 s, which would turn a passing test into a 503; the tests of the deadline
    # (test_store_faults.py, test_store_deadline.py) set the deployed values themselves.
    "STORE_CALL_SECONDS": "8",
    "STORE_REQUEST_SECONDS": "8",
}


GENERATED_REQUESTS = "generated_requests"
"""The user property under which the schemathesis module reports how many requests it sent."""
MEMORY_PROBE = pytest.StashKey["subprocess.Popen[str]"]()


def start_memory_probe() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.probes.search_memory"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        # pytest-xdist's workers start with COLUMNS=80 and LINES=24 in their environment. rich reads them once, when
        # a Console is made (infra/cli.py makes one on import): without them, a worker sizes the operator CLI's
        # output at each print, as one process does, and a test can widen it with COLUMNS.
        for name in ("COLUMNS", "LINES"):
            os.environ.pop(name, None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The memory probe (a process of its own, about 20 s of one core) overlaps the rest of the suite.

    In one process, it starts now and its test runs last. With workers (`make test`), each worker collects
    every test, so the probe is started by the test itself, on whichever worker runs it, while the other
    worker goes on with the rest; the test is put first, so that it is not left for the end (pytest-xdist
    still sends the groups of tests before single ones)."""
    worker = hasattr(config, "workerinput")
    if worker:
        # Workers are sent tests by node id: two tests with one id would run as one, silently.
        twins = sorted(nodeid for nodeid, count in Counter(item.nodeid for item in items).items() if count > 1)
        if twins:
            raise pytest.UsageError(f"tests share a node id, so a worker would run only one of each: {twins[:3]}")
    memory = [item for item in items if item.path.name == "test_memory.py"]
    if not memory:
        return
    if worker:
        items[:] = memory + [item for item in items if item not in memory]
    else:
        items[:] = [item for item in items if item not in memory] + memory
        config.stash[MEMORY_PROBE] = start_memory_probe()


def pytest_sessionfinish(session: pytest.Session) -> None:
    probe = session.config.stash.get(MEMORY_PROBE, None)
    if probe is not None and probe.poll() is None:
        probe.kill()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Reports come back from the workers with their user properties: the schemathesis module's count is there."""
    counts = [
        value
        for report in terminalreporter.stats.get("passed", [])
        for name, value in getattr(report, "user_properties", [])
        if name == GENERATED_REQUESTS
    ]
    if counts:
        terminalreporter.write_line(f"schemathesis: {sum(counts)} generated requests checked against openapi.json")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials, no endpoint override: a test can only reach moto."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name, value in TEST_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    yield


def moto_mock() -> MockAWS:
    """moto's mock, keeping boto3's default session from one test to the next.

    By default moto gives each mock a new session, so that one holding moto's fake credentials cannot reach AWS
    in a later, unmocked test. Here every test has fake credentials and none can reach AWS (`_isolated_environment`,
    pytest-socket), and a new session costs each test about 0.3 s of CPU reading service models and endpoint
    rules again. A test that registers a handler on the session removes it when done."""
    return mock_aws(config={"core": {"reset_boto3_session": False}})


@pytest.fixture
def seed_document() -> dict[str, Any]:
    return json.loads(SEED_ARTICLE_PATH.read_text(encoding="utf-8"))


def too_large_to_store(seed_document: dict[str, Any], sections: int = 90) -> dict[str, Any]:
    """A valid article of about 4.5 KB per section: 90 sections take more than a DynamoDB item's 400 KB."""
    section = {"heading": "Bagian", "aspect": "OverviewHealthAspect"}
    blocks = [{"type": "paragraph", "text": "kata " * 900}]
    return {
        **seed_document,
        "sections": [{**section, "id": f"bagian-{n}", "blocks": blocks} for n in range(sections)],
    }


def document_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def one_typo_apart(word: str, other: str) -> bool:
    """Whether one letter dropped, added or changed, or two neighbours swapped, makes ``word`` of ``other``: the
    typos the lookups correct, decided letter by letter as a reference for their databases' candidates."""
    if word == other or abs(len(word) - len(other)) > 1:
        return False
    start = next((i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b), min(len(word), len(other)))
    if len(word) == len(other):
        swapped = word[start + 1 : start + 2] + word[start : start + 1] + word[start + 2 :]
        return word[start + 1 :] == other[start + 1 :] or swapped == other[start:]
    shorter, longer = sorted((word, other), key=len)
    return shorter[start:] == longer[start + 1 :]
