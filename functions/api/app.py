"""The API as a Powertools resolver, assembled from its routers."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import CORSConfig

from api import paths
from api.http_caching import conditional_get
from api.problems import register_problem_handlers
from api.routes import articles, causes, embeds, service
from health_content import __version__
from health_content.settings import Settings

OPENAPI_TITLE = "Konten Sehat API"
OPENAPI_DESCRIPTION = (
    "Indonesian health articles as structured content: articles, their sections and the health aspect "
    "each section covers, with attribution and a medical disclaimer. Errors are RFC 9457 problem details; "
    "successful GETs carry strong ETags and answer If-None-Match with 304."
)


def _cors(settings: Settings) -> CORSConfig | None:
    origins = settings.cors_allowed_origins
    if not origins:
        return None
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=origins[1:],
        expose_headers=["ETag", "Last-Modified", "Content-Language"],
        allow_headers=["If-None-Match", "If-Modified-Since"],
        max_age=600,
    )


def create_app(settings: Settings) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True, cors=_cors(settings))
    stale = settings.http_stale_seconds
    app.use(
        [
            conditional_get(
                f"public, max-age={settings.http_max_age_seconds}, "
                f"stale-while-revalidate={stale}, stale-if-error={stale}"
            )
        ]
    )
    for router in (articles.router, causes.router, embeds.router, service.router):
        app.include_router(router)
    register_problem_handlers(app)

    document: list[str] = []  # generated on first request, then reused by the warm container

    @app.get(str(paths.OPENAPI), include_in_schema=False)
    def openapi_document() -> Response[str]:
        if not document:
            document.append(openapi_json(app))
        return Response(200, "application/json", document[0])

    if settings.enable_docs:
        app.enable_swagger(
            path=str(paths.DOCS), title=OPENAPI_TITLE, version=__version__, description=OPENAPI_DESCRIPTION
        )
    return app


def openapi_json(app: APIGatewayRestResolver) -> str:
    """The OpenAPI 3.1 document, generated from the routes and models."""
    return app.get_openapi_json_schema(title=OPENAPI_TITLE, version=__version__, description=OPENAPI_DESCRIPTION)
