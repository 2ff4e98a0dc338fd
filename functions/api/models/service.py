"""The API's home and its health check."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.models.common import Href, LinkSet, ResponseModel


class HealthOut(ResponseModel):
    status: Literal["ok", "degraded", "unavailable"] = Field(
        description="ok; degraded: some content is served from warm copies or left out; unavailable: "
        "articles cannot be read (with status 503).",
        examples=["ok"],
    )
    checks: dict[str, Literal["ok", "stale", "unavailable"]] = Field(
        description="Each part of the content: readable, served from a warm copy, or not readable.",
        examples=[{"articles": "ok", "causes": "ok"}],
    )
    unreadable: list[str] | None = Field(
        default=None,
        description="Stored documents this container found unreadable (corrupt, or of a shape it does not know) "
        "in the last five minutes, the most recent first; left out when there are none.",
        examples=[["article id/kram-otot-betis"]],
    )


class HomeLinks(LinkSet):
    self: Href
    articles: Href = Field(description="Published articles, a page at a time.")
    causes: Href = Field(description="The cause lookup.")
    cause_facets: Href = Field(description="Counts of causes per category and population.")
    changes: Href = Field(description="Every change to the content, in order, with its reason.")
    search: str = Field(
        description="Full-text search of every article, as a URI Template (RFC 6570): fill in `q`, the words to "
        "find, and optionally `aspect` and `tag`.",
        examples=["/v1/search{?q,aspect,tag}"],
    )
    embed_script: Href = Field(description="The script partners add to embed sections.")
    openapi: Href = Field(description="This API's OpenAPI 3.1 document.")
    docs: Href | None = Field(default=None, description="Interactive documentation, where this stage serves it.")
    health: Href


class HomeOut(ResponseModel):
    """What the API offers, with a link to each part."""

    name: str = Field(examples=["Konten Sehat API"])
    version: str = Field(examples=["0.1.0"])
    description: str
    problem_types: list[Href] = Field(description="Every `type` an error of this API can have.")
    links: HomeLinks
