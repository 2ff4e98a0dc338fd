"""Every path the API serves, defined once.

The routers register these templates, the link builder fills them in, and the oEmbed
provider matches URLs against them; renaming a route here renames it everywhere.
Templates use the resolver's ``<name>`` syntax for path parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from health_content.vocabulary import SLUG_BODY

_PARAMETER = re.compile(r"<(\w+)>")


@dataclass(frozen=True)
class RoutePath:
    template: str
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _shape: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Parameters of our own URLs are slugs (a problem type's name is one too).
        parts = _PARAMETER.split(self.template)  # literal, name, literal, name, ...
        regex = "".join(re.escape(part) if n % 2 == 0 else f"(?P<{part}>{SLUG_BODY})" for n, part in enumerate(parts))
        object.__setattr__(self, "_pattern", re.compile(f"^{regex}$"))
        shape = "".join(re.escape(part) if n % 2 == 0 else "[^/]+" for n, part in enumerate(parts))
        object.__setattr__(self, "_shape", re.compile(f"^{shape}$"))

    def __str__(self) -> str:
        return self.template

    @property
    def parameters(self) -> list[str]:
        return _PARAMETER.findall(self.template)

    def href(self, **values: str) -> str:
        """The path with its parameters filled in (percent-encoded)."""
        if sorted(values) != sorted(self.parameters):
            raise TypeError(f"{self.template} takes {self.parameters}, not {sorted(values)}")
        return _PARAMETER.sub(lambda m: quote(values[m[1]], safe=""), self.template)

    def match(self, path: str) -> dict[str, str] | None:
        """The parameters of ``path`` if it is this route's, else None."""
        found = self._pattern.match(path)
        return None if found is None else found.groupdict()

    def has_the_shape_of(self, path: str) -> bool:
        """Whether ``path`` is this route's, whatever its parameters' values (valid or not)."""
        return self._shape.match(path) is not None


ARTICLES = RoutePath("/v1/articles")
ARTICLE = RoutePath("/v1/articles/<slug>")
SECTIONS = RoutePath("/v1/articles/<slug>/sections")
SECTION = RoutePath("/v1/articles/<slug>/sections/<section_id>")
# Each representation other than a resource's JSON has a URL (and an operation) of its own, so that a generated
# client gets one model per operation; slugs have no dot, so an extension cannot be part of one.
ARTICLE_JSONLD = RoutePath("/v1/articles/<slug>.jsonld")
ARTICLE_PAGE = RoutePath("/v1/articles/<slug>.html")
# A selection of a resource's fields (`fields`) is another shape than the resource: the same path under /v1/partial.
PARTIAL_ARTICLES = RoutePath("/v1/partial/articles")
PARTIAL_ARTICLE = RoutePath("/v1/partial/articles/<slug>")
PARTIAL_SECTIONS = RoutePath("/v1/partial/articles/<slug>/sections")
PARTIAL_SECTION = RoutePath("/v1/partial/articles/<slug>/sections/<section_id>")

CAUSES = RoutePath("/v1/causes")
CAUSE_FACETS = RoutePath("/v1/causes/facets")
CAUSE = RoutePath("/v1/causes/<cause_id>")
PARTIAL_CAUSES = RoutePath("/v1/partial/causes")
PARTIAL_CAUSE = RoutePath("/v1/partial/causes/<cause_id>")

EMBED_ARTICLE = RoutePath("/v1/embed/<slug>")
EMBED_SECTION = RoutePath("/v1/embed/<slug>/<section_id>")
EMBED_ARTICLE_JSON = RoutePath("/v1/embed/<slug>.json")
EMBED_SECTION_JSON = RoutePath("/v1/embed/<slug>/<section_id>.json")
FRAME_ARTICLE = RoutePath("/v1/frame/<slug>")
FRAME_SECTION = RoutePath("/v1/frame/<slug>/<section_id>")
OEMBED = RoutePath("/v1/oembed")
OEMBED_XML = RoutePath("/v1/oembed.xml")  # oEmbed's own convention for a format in the endpoint's URL
CHANGES = RoutePath("/v1/changes")
SEARCH = RoutePath("/v1/search")
EMBED_STYLESHEET = RoutePath("/v1/embed.css")
EMBED_SCRIPT = RoutePath("/v1/embed.js")

HOME = RoutePath("/")
VERSION_HOME = RoutePath("/v1")
HEALTH = RoutePath("/v1/health")
PROBLEM_TYPE = RoutePath("/problems/<name>")
OPENAPI = RoutePath("/openapi.json")
DOCS = RoutePath("/docs")
FAVICON = RoutePath("/favicon.ico")

# Every route, most specific first (a cause id cannot be "facets").
ALL = (
    HOME, VERSION_HOME, HEALTH, OPENAPI, DOCS, FAVICON, PROBLEM_TYPE,
    ARTICLES, ARTICLE, ARTICLE_JSONLD, ARTICLE_PAGE, SECTIONS, SECTION,
    PARTIAL_ARTICLES, PARTIAL_ARTICLE, PARTIAL_SECTIONS, PARTIAL_SECTION, PARTIAL_CAUSES, PARTIAL_CAUSE,
    CAUSES, CAUSE_FACETS, CAUSE, SEARCH, CHANGES,
    EMBED_STYLESHEET, EMBED_SCRIPT, EMBED_ARTICLE, EMBED_SECTION, EMBED_ARTICLE_JSON, EMBED_SECTION_JSON,
    FRAME_ARTICLE, FRAME_SECTION, OEMBED, OEMBED_XML,
)  # fmt: skip

# Pages oEmbed can embed: an article or a section, by any of its URLs.
EMBEDDABLE = (ARTICLE, SECTION, EMBED_ARTICLE, EMBED_SECTION, FRAME_ARTICLE, FRAME_SECTION)


def match_embeddable(path: str) -> tuple[str, str | None] | None:
    """(slug, section id or None) of an article or section URL of this API; one trailing slash is allowed."""
    trimmed = path[:-1] if path.endswith("/") and len(path) > 1 else path
    for route in EMBEDDABLE:
        found = route.match(trimmed)
        if found is not None:
            return found["slug"], found.get("section_id")
    return None
