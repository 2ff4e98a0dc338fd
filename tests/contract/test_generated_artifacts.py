"""Committed artefacts match the code that generates them, and the content matches its schema."""

from __future__ import annotations

import json

import jsonschema
import pytest

from infra import generated, publish


@pytest.mark.parametrize("files", [generated.openapi_document, generated.content_schemas], ids=["openapi", "schemas"])
def test_committed_file_matches_the_code(files) -> None:
    stale = generated.stale(files())
    assert stale == [], f"regenerate with `make generated`: {stale}"


def test_openapi_document_describes_every_route_and_error() -> None:
    document = json.loads(generated.OPENAPI_PATH.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) >= {
        "/v1/articles",
        "/v1/articles/{slug}",
        "/v1/articles/{slug}/sections",
        "/v1/articles/{slug}/sections/{section_id}",
        "/v1/health",
    }
    article = document["paths"]["/v1/articles/{slug}"]["get"]
    assert "application/problem+json" in article["responses"]["404"]["content"]
    assert article["parameters"][0]["schema"]["pattern"]


def test_every_content_file_follows_its_json_schema() -> None:
    documents = publish.collect()
    assert documents, "content/ has no documents"
    for document in documents:
        data = json.loads(document.body)
        schema_path = (document.path.parent / data["$schema"]).resolve()
        expected = "causes.schema.json" if document.key.startswith("causes/") else "article.schema.json"
        assert schema_path == (generated.SCHEMA_DIR / expected).resolve()
        jsonschema.validate(data, json.loads(schema_path.read_text(encoding="utf-8")))


def test_every_content_file_validates_with_the_publishing_models() -> None:
    assert [(d.path.name, d.reasons) for d in publish.collect() if not d.valid] == []
