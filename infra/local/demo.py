"""The demo partner page `make serve` shows at /demo: the script, the oEmbed iframe and its JSON side by side."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from werkzeug.wrappers import Request, Response

from infra.local.events import LambdaContextStub, rest_api_event

SLUG, SECTION = "kram-otot-betis", "penyebab"
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=True)


def demo_page(request: Request, handler: object) -> Response:
    base = request.host_url.rstrip("/")
    query = {"url": f"{base}/v1/articles/{SLUG}/sections/{SECTION}", "format": "json"}
    headers = {"Host": request.host, "X-Forwarded-Proto": request.scheme}
    # The page asks the API for its oEmbed exactly as a consumer would, through the same handler.
    result = handler(rest_api_event("GET", "/v1/oembed", query=query, headers=headers), LambdaContextStub())  # type: ignore[operator]
    oembed = json.loads(result["body"])
    page = _TEMPLATES.get_template("demo.html.j2").render(
        base=base,
        slug=SLUG,
        section=SECTION,
        title=oembed.get("title", SLUG),
        oembed_url=f"{base}/v1/oembed?{urlencode(query)}",
        oembed_json=json.dumps(oembed, indent=2, ensure_ascii=False),
        iframe=Markup(oembed.get("html", "")),  # the API's own, already escaped, iframe markup
    )
    return Response(page, status=200, content_type="text/html; charset=utf-8")
