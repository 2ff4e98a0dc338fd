"""Service routes: the API's home, the health check, the problem types errors refer to, the docs and the icon."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from api import paths
from api.container import Container
from api.http_caching import released_at, rendered_representation, representation
from api.media_types import HTML, JSON, SVG, with_charset
from api.models.service import HealthOut, HomeOut
from api.openapi import TITLE, model_response, ok, responses
from api.presenters.assets import asset
from api.presenters.home import home_out
from api.presenters.html import docs_html
from api.problem_types import PROBLEM_TYPES, RETRY_AFTER_SECONDS, ProblemTypeOut
from api.routes.params import READ_METHODS, request_links
from health_content import __version__, service_health
from health_content.errors import NotFound
from health_content.vocabulary import DEFAULT_LOCALE


def routes(container: Container) -> Router:
    """The service routes, answering from ``container``."""
    router = Router()

    @router.route(
        str(paths.HEALTH),
        method=READ_METHODS,
        summary="Health check",
        description=(
            "Whether the content can be served: `ok`; `degraded` when part of it is unreadable, or this container "
            "served warm copies or found a stored document unreadable in the last five minutes (`unreadable` "
            "names those documents); `unavailable` (503, with `Retry-After`) when articles cannot be read at all. "
            "Never cached."
        ),
        tags=["Service"],
        responses={
            **responses(ok("Serving", {JSON: {"model": HealthOut}}, validators=False), cacheable=False),
            503: {
                "description": "Unavailable",
                "headers": {
                    "Retry-After": {
                        "description": "Seconds to wait before asking again.",
                        "schema": {"type": "integer"},
                    }
                },
                "content": {JSON: {"model": HealthOut}},
            },
        },
    )
    def health() -> Response[str]:
        report = service_health.assess(
            {
                "articles": lambda: container.articles.list_articles(DEFAULT_LOCALE, 1, None),
                "causes": container.causes.current,
            },
            "articles",
            container.freshness,
            container.settings.trouble_window_seconds,
        )
        body = HealthOut(
            status=report.status, checks=report.checks, unreadable=report.unreadable or None
        ).model_dump_json(exclude_none=True)
        headers = {"Cache-Control": "no-store"}
        if report.status == "unavailable":
            return Response(503, JSON, body, headers={**headers, "Retry-After": str(RETRY_AFTER_SECONDS)})
        return Response(200, JSON, body, headers=headers)

    @router.route(
        str(paths.PROBLEM_TYPE),
        method=READ_METHODS,
        summary="Describe a problem type",
        description="What a `type` in a problem+json error means.",
        tags=["Service"],
        responses=responses(model_response(ProblemTypeOut, "What the problem type means"), 400, 404),
    )
    def problem_type(
        name: Annotated[
            str,
            Path(pattern=r"^[a-z-]{1,40}$", description="The last part of the type URI.", examples=["not-found"]),
        ],
    ) -> Response[ProblemTypeOut]:
        problem = PROBLEM_TYPES.get(name)
        if problem is None:
            raise NotFound(f"There is no problem type {name!r}.")
        return representation(
            ProblemTypeOut(
                type=problem.uri, title=problem.title, status=problem.status, description=problem.description
            ),
            last_modified=released_at(),
        )

    def _home() -> Response[HomeOut]:
        settings = container.settings
        links = request_links(router, DEFAULT_LOCALE, container.settings.public_base_url)
        body = home_out(links, settings.publisher_name, __version__, docs=settings.enable_docs)
        return representation(body, last_modified=released_at())

    @router.route(
        str(paths.HOME),
        method=READ_METHODS,
        summary="The API's home",
        description="What the API offers: links to each collection, the OpenAPI document, its docs and problem types.",
        tags=["Service"],
        responses=responses(model_response(HomeOut, "The API's index")),
    )
    def home() -> Response[HomeOut]:
        return _home()

    @router.route(
        str(paths.VERSION_HOME),
        method=READ_METHODS,
        summary="Version 1's home",
        description="The same index as `/`, for clients that start from the version prefix.",
        tags=["Service"],
        responses=responses(model_response(HomeOut, "The API's index")),
    )
    def version_home() -> Response[HomeOut]:
        return _home()

    if container.settings.enable_docs:

        @router.route(str(paths.DOCS), method=READ_METHODS, include_in_schema=False)
        def docs() -> Response[str]:
            links = request_links(router, DEFAULT_LOCALE, container.settings.public_base_url)
            page = container.renderings.get(("docs", links.base_url), lambda: docs_html(links, TITLE))
            return rendered_representation(
                page, last_modified=released_at(), language="en", content_type=with_charset(HTML)
            )

    @router.route(str(paths.FAVICON), method=READ_METHODS, include_in_schema=False)
    def favicon() -> Response[str]:
        icon = asset(paths.FAVICON)
        return representation(icon.text, last_modified=icon.modified, content_type=SVG)

    return router
