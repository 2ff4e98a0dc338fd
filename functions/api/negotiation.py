"""Which representation of an article a request asks for: JSON, schema.org JSON-LD, or the page to read.

Shared by the article route and the error mapping, so that a browser asking for an article that
is not there gets an HTML page too.
"""

from __future__ import annotations

from functools import lru_cache

import mimeparse
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

from api.media_types import HTML, JSON, JSON_LD

FORMATS = {"json": JSON, "jsonld": JSON_LD, "html": HTML}
# mimeparse breaks ties in favour of the last candidate: JSON wins them, then JSON-LD.
_CANDIDATES = [HTML, JSON_LD, JSON]


def article_representation(event: BaseProxyEvent, format: str | None) -> str:
    """``format`` if given, else the best match for Accept; a client that accepts anything (*/*) gets JSON."""
    if format is not None:
        return FORMATS.get(format, JSON)
    return _best_match(event.headers.get("Accept") or "")


@lru_cache(maxsize=256)  # clients send few distinct Accept headers: parse each once per container
def _best_match(accept: str) -> str:
    try:
        return mimeparse.best_match(_CANDIDATES, accept) or JSON
    except ValueError:  # a media range without a type/subtype: answer as if Accept were absent
        return JSON
