"""Links in responses, under the path prefix the request came in on, built from the table of paths."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from api import paths
from api.paths import RoutePath
from health_content.cursor import DEFAULT_PAGE_SIZE
from health_content.vocabulary import DEFAULT_LOCALE, Locale

# The stage variable the template sets to the CDN's address when the operator gave no PublicBaseUrl: the
# distribution cannot be named in the function's environment without a circular reference (it points at the API).
BASE_URL_STAGE_VARIABLE = "publicBaseUrl"
_BASE_URL = re.compile(r"^https?://[^/?#]+(/[^?#]*)?$")  # as Settings.public_base_url


def _page_size(limit: int) -> str | None:
    """A page size as a link keeps it: left out when it is the default, like the locale."""
    return None if limit == DEFAULT_PAGE_SIZE else str(limit)


class LinkBuilder:
    """Builds hrefs under the request's path prefix (``/prod`` on a default execute-api URL)."""

    def __init__(self, base_path: str, locale: Locale, origin: str = "") -> None:
        self._base = base_path.rstrip("/")
        self._locale = locale
        self.origin = origin.rstrip("/")

    @classmethod
    def for_request(
        cls, event: APIGatewayProxyEvent, locale: Locale, public_base_url: str | None = None
    ) -> LinkBuilder:
        # Stage variables are API Gateway's configuration, never the client's.
        public_base_url = public_base_url or (event.stage_variables or {}).get(BASE_URL_STAGE_VARIABLE)
        if public_base_url and _BASE_URL.match(public_base_url):
            parts = urlsplit(public_base_url)
            return cls(parts.path, locale, f"{parts.scheme}://{parts.netloc}")
        # Only what API Gateway itself says, never the Host or X-Forwarded-* headers a client can
        # set: links end up in publicly cached responses. requestContext.path is the path as the
        # client sent it (with the stage or a custom domain's base path); event.path is what the
        # routes see; the difference is the prefix. API Gateway serves HTTPS only.
        context = event.request_context
        full_path = context.path or ""
        prefix = full_path[: -len(event.path)] if event.path and full_path.endswith(event.path) else ""
        return cls(prefix, locale, f"https://{context.domain_name or 'localhost'}")

    @property
    def base_url(self) -> str:
        """The API's absolute root, for example https://abc.execute-api.eu-west-1.amazonaws.com/prod."""
        return f"{self.origin}{self._base}"

    def absolute(self, href: str) -> str:
        return f"{self.origin}{href}"

    def relative_to_api(self, url: str) -> str | None:
        """The route path of an absolute URL on this API (stage prefix removed), or None if not ours."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin or not parts.path.startswith(self._base + "/"):
            return None
        return parts.path[len(self._base) :]

    def to(self, route: RoutePath, query: dict[str, str | None] | None = None, **path_values: str) -> str:
        """The href of a route, in this builder's locale.

        The default locale is left out so that links stay short and cache keys stable."""
        locale = None if self._locale == DEFAULT_LOCALE else self._locale
        params = {name: value for name, value in {"locale": locale, **(query or {})}.items() if value is not None}
        return f"{self._base}{route.href(**path_values)}" + (f"?{urlencode(params)}" if params else "")

    def in_locale(self, locale: Locale) -> LinkBuilder:
        return self if locale == self._locale else LinkBuilder(self._base, locale, self.origin)

    def articles(self, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE, **filters: str | None) -> str:
        return self.to(paths.ARTICLES, {**filters, "limit": _page_size(limit), "cursor": cursor})

    def article(self, slug: str) -> str:
        return self.to(paths.ARTICLE, slug=slug)

    def page(self, slug: str) -> str:
        """The article as a page to read, whatever the client accepts: link previews and oEmbed consumers
        fetch it with ``Accept: */*``, which the article's own URL answers with JSON."""
        return self.to(paths.ARTICLE_PAGE, slug=slug)

    def sections(self, slug: str) -> str:
        return self.to(paths.SECTIONS, slug=slug)

    def section(self, slug: str, section_id: str) -> str:
        return self.to(paths.SECTION, slug=slug, section_id=section_id)

    def causes(self, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None, **filters: str | None) -> str:
        return self.to(paths.CAUSES, {**filters, "limit": _page_size(limit), "cursor": cursor})

    def changes(self, since: str | None = None, limit: int = DEFAULT_PAGE_SIZE) -> str:
        # The feed is the same in every locale: its links carry none.
        return self.in_locale(DEFAULT_LOCALE).to(paths.CHANGES, {"since": since, "limit": _page_size(limit)})

    def search(self, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None, **filters: str | None) -> str:
        return self.to(paths.SEARCH, {**filters, "limit": _page_size(limit), "cursor": cursor})

    def cause(self, cause_id: str) -> str:
        return self.to(paths.CAUSE, cause_id=cause_id)

    def cause_facets(self, **params: str | None) -> str:
        return self.to(paths.CAUSE_FACETS, params)

    def embed(self, slug: str, section_id: str | None = None) -> str:
        if section_id is None:
            return self.to(paths.EMBED_ARTICLE, slug=slug)
        return self.to(paths.EMBED_SECTION, slug=slug, section_id=section_id)

    def frame(self, slug: str, section_id: str | None = None) -> str:
        if section_id is None:
            return self.to(paths.FRAME_ARTICLE, slug=slug)
        return self.to(paths.FRAME_SECTION, slug=slug, section_id=section_id)

    def oembed(self, url: str, format: str = "json") -> str:
        # oEmbed URLs carry their own locale inside ``url``.
        return f"{self._base}{paths.OEMBED.href()}?{urlencode({'url': url, 'format': format})}"

    def asset(self, route: RoutePath) -> str:
        return f"{self._base}{route.href()}"
