"""Shared fixtures: the seed article, and an environment in which nothing can reach AWS."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

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
}


GENERATED_REQUESTS = pytest.StashKey[int]()
MEMORY_PROBE = pytest.StashKey["subprocess.Popen[str]"]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """When the memory test will run, start its probe now, on the other core, and run the test last."""
    if any(item.path.name == "test_memory.py" for item in items):
        items.sort(key=lambda item: item.path.name == "test_memory.py")
        config.stash[MEMORY_PROBE] = subprocess.Popen(
            [sys.executable, "-m", "tests.probes.search_memory"],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    probe = session.config.stash.get(MEMORY_PROBE, None)
    if probe is not None and probe.poll() is None:
        probe.kill()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    sent = config.stash.get(GENERATED_REQUESTS, None)
    if sent is not None:
        terminalreporter.write_line(f"schemathesis: {sent} generated requests checked against openapi.json")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials, no endpoint override: a test can only reach moto."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name, value in TEST_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    yield


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
