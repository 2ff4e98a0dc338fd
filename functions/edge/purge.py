"""Which cached answers a batch of changes makes stale, as CloudFront invalidation paths within CloudFront's limits.

Every answer of a content route varies by its query (``locale``, ``fields``, ``format``, a list's filters and
cursor), and CloudFront matches the query of a cached answer only with a ``*`` that ends the path: every path
here is such a wildcard. CloudFront keeps at most 15 of them in progress per distribution, so an invalidation
names at most ``MAX_WILDCARDS`` and two fit at once (the function runs two batches at a time at most; a batch
CloudFront refuses as busy goes back to its queue until one is done).

An article's change makes stale:
- the article lists, which name it: ``/v1/articles*``. A wildcard can only end a path, so it takes every
  article's answers with it (the article in every format, its sections and its page to read among them);
- its embeds and frame pages, which partners show: ``/v1/embed/<slug>*`` and ``/v1/frame/<slug>*``, or, for a
  batch that names more articles than fit, ``/v1/embed/*`` and ``/v1/frame/*``;
- the oEmbed answers, which name their article inside ``url=``: ``/v1/oembed*``;
- the partial answers (``fields`` selections), of articles and causes alike: ``/v1/partial/*``;
- the searches that may find it, and the cause lookups that link into its sections.
The cause taxonomy's change makes stale the lookups, the articles (each section lists its causes, and the
JSON-LD names them with their ICD-10 codes) and the frame pages (which carry that JSON-LD).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from api import paths
from api.paths import RoutePath
from health_content.changes.model import Change

MAX_WILDCARDS = 7


def _under(route: RoutePath, **values: str) -> str:
    """A wildcard for the route's answers whatever their query: with ``values``, those of one resource and
    everything below it; without, every answer under the route's fixed part."""
    if values:
        return route.href(**values) + "*"
    return str(route).split("<", 1)[0] + "*"


ARTICLES = _under(paths.ARTICLES)  # /v1/articles*: every list, and every article's own answers
OEMBED = _under(paths.OEMBED)
SEARCHES = _under(paths.SEARCH)
CAUSES = _under(paths.CAUSES)  # the lookup, its facets and each cause
EVERY_EMBED = _under(paths.EMBED_ARTICLE)  # /v1/embed/*: not the script and stylesheet, which only code changes
EVERY_FRAME = _under(paths.FRAME_ARTICLE)
PARTIALS = str(paths.PARTIAL_ARTICLES).rsplit("/", 1)[0] + "/*"  # /v1/partial/*: articles' and causes' fields


def invalidation_paths(changes: Iterable[Change]) -> list[str]:
    """The wildcard paths that purge what ``changes`` made stale, at most ``MAX_WILDCARDS``, sorted."""
    found: set[str] = set()
    slugs: set[str] = set()
    for change in changes:
        if change.kind == "article":
            slugs.add(change.id)
            found |= {ARTICLES, OEMBED, SEARCHES, CAUSES, PARTIALS}
        else:
            found |= {CAUSES, ARTICLES, EVERY_FRAME, PARTIALS}
    one_by_one = {
        path
        for slug in slugs
        for path in (_under(paths.EMBED_ARTICLE, slug=slug), _under(paths.FRAME_ARTICLE, slug=slug))
    }
    if len(found | one_by_one) <= MAX_WILDCARDS:
        found |= one_by_one
    elif slugs:
        found |= {EVERY_EMBED, EVERY_FRAME}
    if EVERY_FRAME in found:  # one article's frames are among every frame
        found -= {path for path in found if path.startswith(EVERY_FRAME[:-1]) and path != EVERY_FRAME}
    assert len(found) <= MAX_WILDCARDS, found
    return sorted(found)


def caller_reference(changes: Iterable[Change]) -> str:
    """The same for the same changes: a batch delivered again after its invalidation was made is not made twice
    (CloudFront answers a repeated reference with the invalidation it made for it)."""
    sequences = ",".join(str(sequence) for sequence in sorted({change.sequence for change in changes}))
    return "changes-" + hashlib.sha256(sequences.encode()).hexdigest()[:40]
