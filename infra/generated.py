"""Artefacts generated from the code and committed: JSON Schemas for editors and the OpenAPI document.

Tests regenerate both in memory and fail when the committed files differ.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from health_content.changes.events import ChangeEvent
from health_content.publishing.kinds import KINDS
from health_content.publishing.report import PublishReport
from health_content.settings import Settings
from infra.template import REPO_ROOT

SCHEMA_DIR = REPO_ROOT / "content" / "schemas"
OPENAPI_PATH = REPO_ROOT / "openapi.json"


def json_text(document: object) -> str:
    """The repository's JSON formatting: two-space indents, UTF-8 as it is, a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def schema_path(name: str) -> Path:
    return SCHEMA_DIR / f"{name}.schema.json"


def content_schemas() -> dict[Path, str]:
    """The JSON Schema of each document kind, of the publish report and of the change event, with their text."""
    files = {}
    formats: list[tuple[str, type[BaseModel]]] = [(kind.name, kind.model) for kind in KINDS]
    formats.append(("publish-report", PublishReport))
    formats.append(("change-event", ChangeEvent))
    for name, model in formats:
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{name}.schema.json",
            **model.model_json_schema(by_alias=True, mode="validation"),
        }
        files[schema_path(name)] = json_text(schema)
    return files


def openapi_document() -> dict[Path, str]:
    from api.app import build_api
    from api.openapi import openapi_json

    # The document depends on the routes and models only, never on deployment settings.
    api = build_api(Settings.from_environ({"CONTENT_TABLE_NAME": "openapi-generation"}))
    return {OPENAPI_PATH: json_text(json.loads(openapi_json(api.resolver)))}


def stale(files: dict[Path, str]) -> list[Path]:
    return [path for path, text in files.items() if not path.exists() or path.read_text(encoding="utf-8") != text]


def write(files: dict[Path, str]) -> None:
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
