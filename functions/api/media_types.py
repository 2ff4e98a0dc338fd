"""Every media type the API names, once: in Content-Type headers (with their charset) and in the OpenAPI document."""

from __future__ import annotations

JSON = "application/json"
JSON_LD = "application/ld+json"
PROBLEM_JSON = "application/problem+json"
HTML = "text/html"
XML = "text/xml"
CSS = "text/css"
JAVASCRIPT = "text/javascript"
OEMBED_JSON = "application/json+oembed"
OEMBED_XML = "text/xml+oembed"
SVG = "image/svg+xml"


def with_charset(media_type: str) -> str:
    """The Content-Type of a text answer: UTF-8, said explicitly so that no client has to guess."""
    return f"{media_type}; charset=utf-8"
