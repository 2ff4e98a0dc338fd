"""The article search index on its own: markup that is never trusted, and what a passage's snippet shows."""

from __future__ import annotations

import datetime as dt

from health_content.search.analysis import analyze, decode, encode
from health_content.search.index import ArticleSearchIndex, SearchQuery, Snippet
from tests.causes_fixtures import seed_article
from tests.hostile_content import HOSTILE

PUBLISHED = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)


def test_a_snippet_escapes_everything_but_its_marks() -> None:
    raw = '<img src=x onerror="alert(1)"> & kalsium'
    snippet = Snippet(raw, [(raw.index("kalsium"), len(raw))])
    assert snippet.html == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; <mark>kalsium</mark>"


def test_hostile_text_is_found_and_shown_as_text() -> None:
    article = seed_article()
    hostile = next(iter(HOSTILE.values()))
    first = article.sections[0]
    blocks = [first.blocks[0].model_copy(update={"text": f"kalsium {hostile}"}), *first.blocks[1:]]
    sections = [first.model_copy(update={"blocks": blocks}), *article.sections[1:]]
    article = article.model_copy(update={"sections": sections})
    index = ArticleSearchIndex.of([(analyze(article), PUBLISHED)], "id")
    hits, _ = index.search(SearchQuery.of("kalsium"), 0, 50)
    shown = next(hit.snippet for hit in hits if hostile in hit.snippet.text)
    assert "<script" not in shown.html.lower() and "<img" not in shown.html.lower()


def test_a_long_paragraph_is_cut_around_its_first_match_with_offsets_that_still_point_at_it() -> None:
    article = seed_article()
    index = ArticleSearchIndex.of([(analyze(article), PUBLISHED)], "id")
    hits, _ = index.search(SearchQuery.of("mioklonik"), 0, 5)
    snippet = hits[0].snippet
    assert len(snippet.text) <= 204 and snippet.highlights
    assert all(snippet.text[start:end].lower().startswith("mioklonik") for start, end in snippet.highlights)


def test_an_analysis_round_trips_and_another_version_is_refused() -> None:
    analysis = analyze(seed_article())
    assert decode(encode(analysis)) == analysis
    assert decode(encode(analysis.model_copy(update={"version": analysis.version + 1}))) is None
    assert decode(b"not gzip") is None
