"""Which representation of an article a request asks for: JSON, schema.org JSON-LD, or the page to read.

Shared by the article route and the error mapping, so that a browser asking for an article that
is not there gets an HTML page too.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

JSON, JSON_LD, HTML = "application/json", "application/ld+json", "text/html"
FORMATS = {"json": JSON, "jsonld": JSON_LD, "html": HTML}


def article_representation(event: BaseProxyEvent, format: str | None) -> str:
    """``format`` if given, else the best match for Accept; a client that accepts anything (*/*) gets JSON."""
    if format is not None:
        return FORMATS.get(format, JSON)
    accept = event.headers.get("Accept") or ""
    best = parse_accept_header(accept, MIMEAccept).best_match([JSON, JSON_LD, HTML], default=JSON)
    return best or JSON
