"""Every operation of the OpenAPI document shows a real answer, valid against its own schema and current."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from infra import openapi_examples
from infra.generated import OPENAPI_PATH


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    return document


def _successes() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", media_type, media)
        for path, item in _document()["paths"].items()
        for method, operation in item.items()
        for media_type, media in operation["responses"].get("200", {}).get("content", {}).items()
    ]


def test_every_operation_has_an_example_of_its_success() -> None:
    with_example = {name for name, _, media in _successes() if "example" in media}
    gets = {f"GET {path}" for path, item in _document()["paths"].items() if "get" in item}
    assert gets - with_example == set()
    # An answer to HEAD has no body to show.
    assert {name for name, _, _ in _successes() if name.startswith("HEAD ")} == set()


JSON_EXAMPLES = [success for success in _successes() if "json" in success[1] and "example" in success[2]]


@pytest.mark.parametrize(
    ("operation", "media_type", "media"), JSON_EXAMPLES, ids=[f"{name} {media}" for name, media, _ in JSON_EXAMPLES]
)
def test_each_json_example_is_valid_against_its_schema(operation: str, media_type: str, media: dict[str, Any]) -> None:
    schema = {**media["schema"], "components": _document()["components"]}
    errors = [error.message for error in Draft202012Validator(schema).iter_errors(media["example"])]
    assert errors == [], operation


# The first import of the functions' tracer in a process makes the X-Ray SDK open its (unused) UDP socket.
@pytest.mark.enable_socket
def test_the_committed_examples_are_what_the_api_answers_today() -> None:
    regenerate = "regenerate with: .venv/bin/python -m infra.openapi_examples --write"
    assert openapi_examples.record() == openapi_examples.committed(), regenerate
