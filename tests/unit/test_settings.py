"""Settings come from the environment through one validated model."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from health_content.settings import Settings


def test_settings_parse_the_template_variables() -> None:
    settings = Settings.from_environ(
        {
            "CONTENT_TABLE_NAME": "content-table",
            "CORS_ALLOWED_ORIGINS": "https://a.example, https://b.example,",
            "ENABLE_DOCS": "true",
            "CONTENT_CACHE_TTL_SECONDS": "30",
            "UNRELATED": "ignored",
        }
    )
    assert settings.table_name == "content-table"
    assert settings.cors_allowed_origins == ["https://a.example", "https://b.example"]
    assert settings.enable_docs is True
    assert settings.content_cache_ttl_seconds == 30


def test_defaults_are_safe_for_a_deployed_stage() -> None:
    settings = Settings.from_environ({"CONTENT_TABLE_NAME": "content-table", "PUBLIC_BASE_URL": ""})
    assert settings.enable_docs is False
    assert settings.cors_allowed_origins == []
    assert settings.public_base_url is None  # an empty template parameter means "the stage URL"


def test_a_public_base_url_must_be_a_web_address() -> None:
    assert (
        Settings.from_environ(
            {"CONTENT_TABLE_NAME": "content-table", "PUBLIC_BASE_URL": "https://sehat.example/api"}
        ).public_base_url
        == "https://sehat.example/api"
    )
    with pytest.raises(ValidationError):
        Settings.from_environ({"CONTENT_TABLE_NAME": "content-table", "PUBLIC_BASE_URL": "javascript:alert(1)"})


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"CONTENT_TABLE_NAME": "content-table", "CONTENT_CACHE_TTL_SECONDS": "-1"},
        {"CONTENT_TABLE_NAME": "content-table", "ARTICLE_CACHE_MAX_ITEMS": "lots"},
    ],
)
def test_missing_or_invalid_settings_fail_loudly(environ: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Settings.from_environ(environ)
