"""Links come from the one table of paths, in the locale they are built for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from api import paths
from api.links import LinkBuilder
from api.presenters.embeds import embed_out
from api.presenters.oembed import oembed_out
from health_content.articles.model import Article
from health_content.articles.store import PublishedArticle
from health_content.publishing.kinds import content_hash
from health_content.reading import ArticleView
from tests.causes_fixtures import seed_article


def test_the_default_locale_is_left_out_of_links() -> None:
    links = LinkBuilder("/prod", "id", "https://api.example")
    assert links.section("kram-otot-betis", "penyebab") == "/prod/v1/articles/kram-otot-betis/sections/penyebab"
    assert links.in_locale("en").article("kram-otot-betis") == "/prod/v1/articles/kram-otot-betis?locale=en"
    assert links.causes(q="kalsium rendah", category=None) == "/prod/v1/causes?q=kalsium+rendah"


def test_path_values_are_encoded_and_checked_against_the_template() -> None:
    assert paths.CAUSE.href(cause_id="a/b") == "/v1/causes/a%2Fb"
    with pytest.raises(TypeError, match="cause_id"):
        paths.CAUSE.href(slug="x")


def test_embeddable_pages_are_matched_by_their_routes() -> None:
    assert paths.match_embeddable("/v1/articles/kram-otot-betis") == ("kram-otot-betis", None)
    assert paths.match_embeddable("/v1/frame/kram-otot-betis/penyebab/") == ("kram-otot-betis", "penyebab")
    assert paths.match_embeddable("/v1/articles/kram-otot-betis/sections") is None
    assert paths.match_embeddable("/v1/causes/hipoksia") is None


def _english_view() -> ArticleView:
    document: dict[str, Any] = {**seed_article().model_dump(exclude={"schema_ref"}), "locale": "en"}
    article = Article.model_validate(document)
    published = PublishedArticle(article, content_hash(article), dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    return ArticleView(published, {}, [], published.published_at)


def test_an_oembed_iframe_of_another_locale_names_its_locale_once() -> None:
    links = LinkBuilder("", "en", "https://api.example")
    embed = embed_out(_english_view(), None, links, "Konten Sehat API", "en", dt.date(2026, 11, 25))
    html = oembed_out(embed, links, None, None, 300).html
    assert 'src="https://api.example/v1/frame/kram-otot-betis?locale=en"' in html
