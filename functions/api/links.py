"""Links in responses, under the path prefix the request came in on."""

from __future__ import annotations

from urllib.parse import urlencode

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

DEFAULT_LOCALE = "id"


class LinkBuilder:
    """Builds hrefs under the request's path prefix (``/prod`` on a default execute-api URL)."""

    def __init__(self, base_path: str, locale: str) -> None:
        self._base = base_path.rstrip("/")
        self._locale = locale

    @classmethod
    def for_request(cls, event: APIGatewayProxyEvent, locale: str) -> LinkBuilder:
        # requestContext.path is the path as the client sent it (with the stage or a custom
        # domain's base path); event.path is what the routes see. The difference is the prefix.
        full_path = event.request_context.path or ""
        prefix = full_path[: -len(event.path)] if event.path and full_path.endswith(event.path) else ""
        return cls(prefix, locale)

    def _href(self, path: str, **params: str | None) -> str:
        # The default locale is left out so that links stay short and cache keys stable.
        locale = None if self._locale == DEFAULT_LOCALE else self._locale
        query = {name: value for name, value in {"locale": locale, **params}.items() if value is not None}
        return f"{self._base}{path}" + (f"?{urlencode(query)}" if query else "")

    def articles(self, cursor: str | None = None) -> str:
        return self._href("/v1/articles", cursor=cursor)

    def article(self, slug: str) -> str:
        return self._href(f"/v1/articles/{slug}")

    def sections(self, slug: str) -> str:
        return self._href(f"/v1/articles/{slug}/sections")

    def section(self, slug: str, section_id: str, locale: str | None = None) -> str:
        if locale is not None and locale != self._locale:
            return LinkBuilder(self._base, locale).section(slug, section_id)
        return self._href(f"/v1/articles/{slug}/sections/{section_id}")

    def causes(self, **params: str | None) -> str:
        return self._href("/v1/causes", **params)

    def cause(self, cause_id: str) -> str:
        return self._href(f"/v1/causes/{cause_id}")

    def cause_facets(self, **params: str | None) -> str:
        return self._href("/v1/causes/facets", **params)
