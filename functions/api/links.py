"""Links in responses, under the path prefix the request came in on."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

DEFAULT_LOCALE = "id"


class LinkBuilder:
    """Builds hrefs under the request's path prefix (``/prod`` on a default execute-api URL)."""

    def __init__(self, base_path: str, locale: str, origin: str = "") -> None:
        self._base = base_path.rstrip("/")
        self._locale = locale
        self.origin = origin.rstrip("/")

    @classmethod
    def for_request(cls, event: APIGatewayProxyEvent, locale: str, public_base_url: str | None = None) -> LinkBuilder:
        if public_base_url:
            parts = urlsplit(public_base_url)
            return cls(parts.path, locale, f"{parts.scheme}://{parts.netloc}")
        # requestContext.path is the path as the client sent it (with the stage or a custom
        # domain's base path); event.path is what the routes see. The difference is the prefix.
        full_path = event.request_context.path or ""
        prefix = full_path[: -len(event.path)] if event.path and full_path.endswith(event.path) else ""
        host = event.headers.get("Host") or "localhost"
        scheme = event.headers.get("X-Forwarded-Proto") or "https"
        return cls(prefix, locale, f"{scheme}://{host}")

    @property
    def base_url(self) -> str:
        """The API's absolute root, for example https://abc.execute-api.eu-west-1.amazonaws.com/prod."""
        return f"{self.origin}{self._base}"

    def absolute(self, href: str) -> str:
        return f"{self.origin}{href}"

    def relative_to_api(self, path: str) -> str | None:
        """The route path of an absolute URL on this API (stage prefix removed), or None if not ours."""
        parts = urlsplit(path)
        if f"{parts.scheme}://{parts.netloc}" != self.origin or not parts.path.startswith(self._base + "/"):
            return None
        return parts.path[len(self._base) :]

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

    def embed(self, slug: str, section_id: str | None = None) -> str:
        return self._href(f"/v1/embed/{slug}" + (f"/{section_id}" if section_id else ""))

    def frame(self, slug: str, section_id: str | None = None) -> str:
        return self._href(f"/v1/frame/{slug}" + (f"/{section_id}" if section_id else ""))

    def oembed(self, url: str) -> str:
        return f"{self._base}/v1/oembed?{urlencode({'url': url, 'format': 'json'})}"

    def asset(self, name: str) -> str:
        return f"{self._base}/v1/{name}"
