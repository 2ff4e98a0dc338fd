"""The OpenAPI document: how routes describe their responses, and the resolver that generates it.

Every operation documents its success (model or media type, with the validators every 200
carries), 304 for conditional requests, and each problem it can send; nothing it cannot send.
What generated clients and validators read is said the way they read it: one model per media type,
no body where none is sent (a 304, any answer to HEAD), headers required only where they always come.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from api.media_types import HTML, JSON
from api.paths import RoutePath
from api.problem_types import problem_responses
from health_content import __version__

if TYPE_CHECKING:  # Powertools' OpenAPI models take about 70 ms to import; only /openapi.json needs them
    from aws_lambda_powertools.event_handler.openapi.models import OpenAPI
    from aws_lambda_powertools.shared.types import AnyCallableT

TITLE = "Konten Sehat API"
DESCRIPTION = (
    "Indonesian health articles as structured content: articles, their sections and the health aspect "
    "each section covers, and the causes of cramps and seizures they discuss, always with attribution "
    "and a medical disclaimer. Errors are RFC 9457 problem details. Every successful GET carries an "
    "ETag and Last-Modified and answers If-None-Match and If-Modified-Since with 304; HEAD is GET without "
    "the body. A URL with a trailing slash or an empty segment is not a resource (404)."
)
TEXT = {"schema": {"type": "string"}}

# Header objects may say `required` (OpenAPI 3.1), which Powertools' TypedDict leaves out.
_STRING = {"type": "string"}
_ETAG = {"description": "Validator of the representation.", "required": True, "schema": _STRING}
_CACHE_CONTROL = {"description": "How long shared caches may keep it.", "required": True, "schema": _STRING}
_VALIDATORS: dict[str, Any] = {
    "ETag": _ETAG,
    "Last-Modified": {"description": "When the content shown last changed.", "required": True, "schema": _STRING},
    "Cache-Control": _CACHE_CONTROL,
}
_CHALLENGE: dict[str, Any] = {
    "description": 'The bearer challenge of RFC 6750: `Bearer realm="preview", error="invalid_token", ...`.',
    "required": True,
    "schema": _STRING,
}
# A 304 carries no body and, as RFC 9110 (15.4.5) asks of a response that has an ETag, no representation
# metadata (Last-Modified, Content-Language): the client keeps those of its copy.
NOT_MODIFIED = cast(
    OpenAPIResponse,
    {
        "description": "Not Modified: the copy named by If-None-Match or If-Modified-Since is current.",
        "headers": {"ETag": _ETAG, "Cache-Control": _CACHE_CONTROL},
    },
)
# Anything can fail on our side, and API Gateway throttles every route.
COMMON_PROBLEMS = (429, 500)
# Editors' previews: the article routes take a preview token as a bearer token (or the `preview` parameter).
# The scheme is declared, not required by the operations: openapi-python-client would make every reader's
# call take an authenticated client, ignoring the empty (optional) requirement.
PREVIEW_SCHEME = "previewToken"


def security_schemes() -> dict[str, Any]:
    """The security schemes the document declares (built when the document is: Powertools' models are slow to
    import)."""
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    return {
        PREVIEW_SCHEME: HTTPBearer(
            bearerFormat="JWT",
            description=(
                "A preview token from `content-api preview-token` (signed, expiring; optionally for one article). "
                "With it, the article routes answer the draft; without it, the published article."
            ),
        )
    }


def ok(description: str, content: dict[str, Any], *, validators: bool = True) -> OpenAPIResponse:
    """A 200 with the validators every cacheable success carries; ``content`` maps media types to a model or schema."""
    response = {"description": description, "content": content}
    return cast(OpenAPIResponse, {**response, "headers": _VALIDATORS} if validators else response)


def model_response(model: Any, description: str) -> OpenAPIResponse:
    """A 200 whose body is ``model`` as JSON."""
    return ok(description, {JSON: {"model": model}})


def text_response(media_type: str, description: str) -> OpenAPIResponse:
    """A 200 whose body is text of ``media_type`` (HTML, JavaScript, CSS)."""
    return ok(description, {media_type: TEXT})


def responses(
    ok: OpenAPIResponse, *problems: int, cacheable: bool = True, html_problems: bool = False
) -> dict[int, OpenAPIResponse]:
    """A route's `responses`: its success, 304 when it is cacheable, its problems and the common ones.

    ``html_problems``: the route's own problems are also small HTML pages (frames and fragments)."""
    documented: dict[int, OpenAPIResponse] = {200: ok}
    if cacheable:
        documented[304] = NOT_MODIFIED
    described = problem_responses(*sorted({*problems, *COMMON_PROBLEMS}))
    if 401 in described:
        described[401] = cast(OpenAPIResponse, {**described[401], "headers": {"WWW-Authenticate": _CHALLENGE}})
    if html_problems:
        for status in problems:
            content = described[status].get("content", {})
            described[status] = cast(OpenAPIResponse, {**described[status], "content": {**content, HTML: TEXT}})
    return {**documented, **described}


class ContentApiResolver(APIGatewayRestResolver):
    """The REST resolver, with an OpenAPI document that says only what the API does, and which methods
    each path answers.

    With validation on, Powertools documents a 422 on every operation; this API answers invalid
    requests with 400 problems (``problems.py``), so the 422 and its schemas are left out."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._methods: dict[RoutePath, set[str]] = {}

    def route(
        self, rule: str, method: str | list[str] | tuple[str], *args: Any, **kwargs: Any
    ) -> Callable[[AnyCallableT], AnyCallableT]:
        methods = [method] if isinstance(method, str) else list(method)
        self._methods.setdefault(RoutePath(rule), set()).update(name.upper() for name in methods)
        return super().route(rule, method, *args, **kwargs)

    def allowed_methods(self, path: str) -> set[str]:
        """The methods registered for ``path`` (Powertools reports a method it lacks as "not found")."""
        return {
            method for route, methods in self._methods.items() if route.has_the_shape_of(path) for method in methods
        }

    def get_openapi_schema(self, **options: Any) -> OpenAPI:
        # Each operation is named after its route function (`get_article`; `get_article_head` for HEAD), which
        # generated clients name their functions after.
        for route in (*self._static_routes, *self._dynamic_routes):
            name = route.func.__name__
            route.operation_id = name if route.method == "GET" else f"{name}_{route.method.lower()}"
        document = super().get_openapi_schema(**options)
        for item in (document.paths or {}).values():
            for method in ("get", "head", "post", "put", "patch", "delete", "options"):
                operation = getattr(item, method, None)
                if operation is not None:
                    _as_clients_read_it(operation, method)
        schemas = document.components.schemas if document.components else None
        if schemas is not None:
            for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
                schemas.pop(name, None)
        return document


def _as_clients_read_it(operation: Any, method: str) -> None:
    """No 422 (invalid requests are 400 problems); no body on a 304 or on any answer to HEAD (Powertools gives
    each response without content the route's return type); arrays in the query sent comma-separated."""
    if operation.responses:
        operation.responses.pop(422, None)
        for status, response in operation.responses.items():
            if int(status) == 304 or method == "head":
                response.content = None
    for parameter in operation.parameters or []:
        schema = parameter.schema_
        if parameter.in_.value == "query" and schema is not None and getattr(schema, "type", None) == "array":
            parameter.style, parameter.explode = "form", False


EXAMPLES_PATH = Path(__file__).with_name("openapi_examples.json")


def openapi_json(app: APIGatewayRestResolver) -> str:
    """The OpenAPI 3.1 document, generated from the routes and models, with a recorded example answer on
    each operation's success (``openapi_examples.json``, made by ``python -m infra.openapi_examples``)."""
    document = json.loads(
        app.get_openapi_json_schema(
            title=TITLE, version=__version__, description=DESCRIPTION, security_schemes=security_schemes()
        )
    )
    examples = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    for path, item in document["paths"].items():
        recorded = examples.get(path)
        if recorded is None:
            continue
        for operation in item.values():
            media = operation.get("responses", {}).get("200", {}).get("content", {}).get(recorded["media_type"])
            if media is not None:
                media["example"] = recorded["example"]
    return json.dumps(document)
