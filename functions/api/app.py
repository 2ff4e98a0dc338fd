"""The API as a Powertools resolver, assembled from its routers over one container."""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import CORSConfig

from api import paths
from api.container import Container
from api.http_caching import conditional_get, released_at, representation
from api.http_policy import EXPOSED_HEADERS, canonical_paths
from api.openapi import DESCRIPTION, TITLE, ContentApiResolver, openapi_json, security_schemes
from api.problems import register_problem_handlers
from api.routes import articles, causes, changes, embeds, search, service
from api.routes.params import READ_METHODS
from health_content import __version__
from health_content.settings import Settings


def _cors(settings: Settings) -> CORSConfig | None:
    origins = settings.cors_allowed_origins
    if not origins:
        return None
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=origins[1:],
        expose_headers=EXPOSED_HEADERS,
        allow_headers=["If-None-Match", "If-Modified-Since"],
        max_age=600,
    )


def create_app(container: Container) -> APIGatewayRestResolver:
    """The resolver over ``container``: every router and error handler gets what it needs from it."""
    settings = container.settings
    app = ContentApiResolver(enable_validation=True, cors=_cors(settings))
    stale = settings.http_stale_seconds
    app.use(
        [
            canonical_paths,
            conditional_get(
                f"public, max-age={settings.http_max_age_seconds}, "
                f"stale-while-revalidate={stale}, stale-if-error={stale}"
            ),
        ]
    )
    for area in (articles, causes, search, embeds, changes, service):
        app.include_router(area.routes(container))
    register_problem_handlers(app, settings)

    document: list[str] = []  # generated on first request, then reused by the warm container

    @app.route(str(paths.OPENAPI), method=READ_METHODS, include_in_schema=False)
    def openapi_document() -> Response[str]:
        if not document:
            document.append(openapi_json(app))
        return representation(document[0], last_modified=released_at())

    if settings.enable_docs:
        app.enable_swagger(
            path=str(paths.DOCS),
            title=TITLE,
            version=__version__,
            description=DESCRIPTION,
            security_schemes=security_schemes(),
        )
    return app


@dataclass(frozen=True, slots=True)
class Api:
    """One Lambda container's API: what the routes read from, and the resolver over it."""

    container: Container
    resolver: APIGatewayRestResolver


def build_api(settings: Settings) -> Api:
    container = Container(settings)
    return Api(container, create_app(container))
