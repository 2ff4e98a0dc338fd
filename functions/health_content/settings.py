"""Configuration of both functions, read from the environment in one validated model."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _parse_bool(value: object) -> object:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return value


class Settings(BaseModel):
    """Everything the functions read from their environment (names as in template.yaml)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    table_name: str = Field(alias="CONTENT_TABLE_NAME", min_length=3, max_length=255)
    cors_allowed_origins: Annotated[list[str], BeforeValidator(_split_commas)] = Field(
        default_factory=list,
        alias="CORS_ALLOWED_ORIGINS",
        description="Origins allowed to call the JSON routes from a browser; '*' allows any.",
    )
    enable_docs: Annotated[bool, BeforeValidator(_parse_bool)] = Field(default=False, alias="ENABLE_DOCS")
    content_cache_ttl_seconds: float = Field(
        default=60.0,
        alias="CONTENT_CACHE_TTL_SECONDS",
        ge=0,
        le=900,
        description="How long a warm container reuses an article or the cause index before checking again.",
    )
    store_call_seconds: float = Field(
        default=1.5,
        alias="STORE_CALL_SECONDS",
        gt=0,
        le=30,
        description="The longest one store call may take, however its answer trickles in (storage/deadline.py).",
    )
    store_request_seconds: float = Field(
        default=4.0,
        alias="STORE_REQUEST_SECONDS",
        gt=0,
        le=60,
        description="The longest a request's store calls may take in all; then it is answered stale or 503.",
    )
    response_reserve_seconds: float = Field(
        default=1.5,
        alias="RESPONSE_RESERVE_SECONDS",
        ge=0,
        le=30,
        description="Time kept back from the function's timeout to render and send the answer.",
    )
    content_retry_after_failure_seconds: float = Field(
        default=5.0,
        alias="CONTENT_RETRY_AFTER_FAILURE_SECONDS",
        ge=0,
        le=300,
        description="With nothing read yet to fall back on, how long a failed read is answered from memory "
        "before the store is asked again.",
    )
    article_cache_max_items: int = Field(default=256, alias="ARTICLE_CACHE_MAX_ITEMS", ge=1, le=100_000)
    rendering_cache_max_bytes: int = Field(
        default=32 * 1024 * 1024,
        alias="RENDERING_CACHE_MAX_BYTES",
        ge=0,
        description="Rendered bodies a warm container keeps, by their size.",
    )
    partner_cache_seconds: float = Field(
        default=300.0, alias="PARTNER_CACHE_SECONDS", ge=0, description="How long a key's partner is remembered."
    )
    partner_retry_after_failure_seconds: float = Field(
        default=30.0,
        alias="PARTNER_RETRY_AFTER_FAILURE_SECONDS",
        ge=0,
        description="How long a key whose lookup failed is not looked up again.",
    )
    partner_cache_max_items: int = Field(default=1024, alias="PARTNER_CACHE_MAX_ITEMS", ge=1, le=100_000)
    trouble_window_seconds: float = Field(
        default=300.0,
        alias="TROUBLE_WINDOW_SECONDS",
        ge=0,
        description="How long the health check reports `degraded` after a container served stale or partial content.",
    )
    http_max_age_seconds: int = Field(default=300, alias="HTTP_MAX_AGE_SECONDS", ge=0, le=86_400)
    http_stale_seconds: int = Field(default=86_400, alias="HTTP_STALE_SECONDS", ge=0, le=604_800)
    publisher_name: str = Field(default="Konten Sehat API", alias="PUBLISHER_NAME", min_length=1)
    public_base_url: Annotated[str | None, BeforeValidator(lambda value: value or None)] = Field(
        default=None,
        alias="PUBLIC_BASE_URL",
        pattern=r"^https?://[^/?#]+(/[^?#]*)?$",
        description="Where clients reach the API (a custom domain or CDN), the base of every link; by default "
        "API Gateway's own domain name and stage for the request.",
    )

    stage_rate_limit: float | None = Field(
        default=None,
        alias="STAGE_RATE_LIMIT",
        ge=0,
        description="The stage's steady-state requests per second: the policy of callers without a key.",
    )
    stage_burst_limit: int | None = Field(default=None, alias="STAGE_BURST_LIMIT", ge=0)
    event_bus_name: Annotated[str | None, BeforeValidator(lambda value: value or None)] = Field(
        default=None,
        alias="EVENT_BUS_NAME",
        max_length=256,
        description="The EventBridge bus that changes are announced on; none to keep only the change feed.",
    )
    cdn_distribution_id: Annotated[str | None, BeforeValidator(lambda value: value or None)] = Field(
        default=None,
        alias="CDN_DISTRIBUTION_ID",
        pattern=r"^[A-Z0-9]{1,64}$",
        description="The CloudFront distribution in front of the API, whose caches each change invalidates.",
    )
    content_bucket_name: Annotated[str | None, BeforeValidator(lambda value: value or None)] = Field(
        default=None,
        alias="CONTENT_BUCKET_NAME",
        max_length=63,
        description=(
            "The content bucket, where the indexer keeps each locale's search index file; none to build the "
            "search index from every article's analysis in each container."
        ),
    )
    webhook_url: Annotated[str | None, BeforeValidator(lambda value: value or None)] = Field(
        default=None,
        alias="WEBHOOK_URL",
        pattern=r"^https?://[^/?#\s]+\S*$",
        description="The partner endpoint that the webhook delivery function POSTs each change event to.",
    )
    webhook_secret_arn: Annotated[str | None, BeforeValidator(lambda value: value or None)] = Field(
        default=None,
        alias="WEBHOOK_SECRET_ARN",
        description="The Secrets Manager secret holding the webhook signing secrets (whsec_..., newest first).",
    )
    webhook_queue_url: Annotated[str | None, BeforeValidator(lambda value: value or None)] = Field(
        default=None,
        alias="WEBHOOK_QUEUE_URL",
        description="The queue the delivery function takes change events from; a failed one is held back there.",
    )
    webhook_secret_max_age_seconds: int = Field(
        default=300,
        alias="WEBHOOK_SECRET_MAX_AGE_SECONDS",
        ge=0,
        le=3600,
        description="How long a container signs with the secrets it read before reading them again.",
    )
    preview_secret_id: Annotated[str | None, BeforeValidator(lambda value: value or None)] = Field(
        default=None,
        alias="PREVIEW_SECRET_ID",
        max_length=2048,
        description=(
            "The Secrets Manager secret (ARN or name) that signs preview tokens; none to refuse every token, so "
            "that drafts are never shown."
        ),
    )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        return cls.model_validate(dict(os.environ if environ is None else environ))
