"""Every link the API emits leads somewhere: the table of paths, the routes and the link builder agree."""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import uritemplate

from api import handler as api_handler
from api import paths
from health_content.causes.model import RESERVED_CAUSE_IDS
from infra.local.stack import LocalStack
from tests.html_checks import parse
from tests.integration.conftest import call_api

ORIGIN = "https://localhost"
START = [
    "/",
    "/v1",
    "/v1/articles",
    "/v1/causes",
    "/v1/causes?q=kejang",
    "/v1/causes/facets",
    "/v1/causes?code=E83",
    "/v1/articles/kram-otot-betis?format=jsonld",
    "/v1/embed/kram-otot-betis?format=json",
    # What an oEmbed consumer asks for a section page (nothing links a section's oEmbed yet).
    f"/v1/oembed?url={ORIGIN}/v1/articles/kram-otot-betis/sections/penyebab",
    # The URLs of a representation or a selection a client chooses, which no answer links to.
    "/v1/articles/kram-otot-betis.jsonld",
    "/v1/articles/kram-otot-betis.html",
    "/v1/embed/kram-otot-betis.json",
    "/v1/embed/kram-otot-betis/penyebab.json",
    f"/v1/oembed.xml?url={ORIGIN}/v1/articles/kram-otot-betis",
    "/v1/partial/articles?fields=items.links",
    "/v1/partial/causes?q=kejang&fields=items.links",
    "/v1/partial/articles/kram-otot-betis?fields=links,sections.links",
    "/v1/partial/articles/kram-otot-betis/sections?fields=links",
    "/v1/partial/articles/kram-otot-betis/sections/penyebab?fields=links",
    "/v1/partial/causes/hipokalsemia?fields=links",
]


_ROUTES = {route for route in vars(paths).values() if isinstance(route, paths.RoutePath)}


def _links_in_json(value: Any) -> list[str]:
    """Values that are links: anything under a `links` object, `href` and `url` fields, JSON-LD ids, problem types."""
    found: list[str] = []
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "links" and isinstance(item, dict):
                found.extend(str(link) for link in item.values())
            elif name in {"href", "url", "@id"} and isinstance(item, str):
                found.append(item)
            elif name in {"type", "problem_types"}:  # problem type URIs; a block's `type` is no path
                found.extend(
                    value for value in (item if isinstance(item, list) else [item]) if str(value).startswith("/")
                )
            else:
                found.extend(_links_in_json(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_links_in_json(item))
    return found


def _links_in_html(html: str) -> list[str]:
    return [
        value
        for _, attributes in parse(html).tags
        for name, value in attributes.items()
        if name in {"href", "src"} and value
    ]


def _ours(link: str) -> str | None:
    """The path and query of a link into this API, or None for a link elsewhere. A URI Template (RFC 6570: a
    search needs words) is filled in with some."""
    parts = urlsplit(uritemplate.expand(link, q="kejang") if "{" in link else link)
    if parts.netloc and f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_every_link_in_every_response_resolves(seeded: LocalStack) -> None:
    queue, seen = deque(START), set(START)
    not_found: set[str] = set()
    routes_reached: set[paths.RoutePath] = set()
    while queue:
        link = queue.popleft()
        path, _, query = link.partition("?")
        response = call_api("GET", path, query=dict(parse_qsl(query, keep_blank_values=True)))
        routes_reached.update(route for route in _ROUTES if route.match(path) is not None)
        if response.status_code == 404:
            not_found.add(path)
            continue
        assert 200 <= response.status_code < 300, (link, response.status_code, response.get_data(as_text=True))
        content_type = response.headers.get("Content-Type", "")
        if "json" in content_type:
            body = response.get_json(force=True)
            found = _links_in_json(body)
            if "oembed" in path:
                found += _links_in_html(body["html"])
        elif content_type.startswith("text/html"):
            found = _links_in_html(response.get_data(as_text=True))
        else:
            found = []
        for candidate in found:
            ours = _ours(candidate)
            if ours is not None and ours.split("#")[0] not in seen:
                seen.add(ours.split("#")[0])
                queue.append(ours.split("#")[0])
    assert not_found == set()
    # The walk went everywhere content is: lists, articles, sections, causes, embeds, frames, oEmbed, assets.
    assert _ROUTES - routes_reached == {paths.DOCS}  # served only where the stage enables it


def test_every_route_of_the_app_is_in_the_table_of_paths() -> None:
    table = {str(route) for route in _ROUTES}
    app = api_handler.this_containers_api().resolver
    registered = {route.path for route in app._static_routes + app._dynamic_routes}
    assert registered <= table  # no route outside the table
    assert table - registered == {str(paths.DOCS)}  # and every path of it is served (the docs when enabled)


def test_cause_ids_cannot_take_the_place_of_a_route_beside_them() -> None:
    siblings = {
        route.template.rsplit("/", 1)[1]
        for route in _ROUTES
        if route.template.rsplit("/", 1)[0] == paths.CAUSES.template and not route.parameters
    }
    assert siblings == RESERVED_CAUSE_IDS
