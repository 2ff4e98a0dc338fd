"""Service routes: health check, the OpenAPI document and the problem types it refers to."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from api import paths
from api.dependencies import container
from api.http_caching import representation
from api.models import HealthOut
from api.problems import PROBLEM_TYPES, ProblemTypeOut, problem_responses
from health_content.errors import NotFound
from health_content.vocabulary import DEFAULT_LOCALE

router = Router()


@router.get(
    str(paths.HEALTH),
    summary="Health check",
    description="Ready when the content index can be read; 503 problem otherwise.",
    tags=["Service"],
    responses=problem_responses(503),
)
def health() -> Response[HealthOut]:
    container().articles.list_articles(DEFAULT_LOCALE, 1, None)
    return Response(200, "application/json", HealthOut(status="ok"), headers={"Cache-Control": "no-store"})


@router.get(
    str(paths.PROBLEM_TYPE),
    summary="Describe a problem type",
    description="What a `type` in a problem+json error means.",
    tags=["Service"],
    responses=problem_responses(404),
)
def problem_type(
    name: Annotated[str, Path(pattern=r"^[a-z-]{1,40}$", description="The last part of the type URI.")],
) -> Response[ProblemTypeOut]:
    problem = PROBLEM_TYPES.get(name)
    if problem is None:
        raise NotFound(f"There is no problem type {name!r}.")
    return representation(
        ProblemTypeOut(type=problem.uri, title=problem.title, status=problem.status, description=problem.description)
    )
