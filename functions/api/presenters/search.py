"""Search results as response models."""

from __future__ import annotations

from api.links import LinkBuilder
from api.models.common import ArticleRef, Links
from api.models.search import (
    Highlight,
    SearchHitOut,
    SearchMatchOut,
    SearchOut,
    SearchQueryOut,
    SearchSectionRef,
    SnippetOut,
)
from health_content.articles.model import HealthAspect
from health_content.search.catalog import SearchPage
from health_content.search.index import SearchHit, SearchQuery


def _hit_out(hit: SearchHit, links: LinkBuilder) -> SearchHitOut:
    article, section, passage = hit.article, hit.section, hit.passage
    in_locale = links.in_locale(article.locale)
    article_href = in_locale.article(article.slug)
    section_out = None
    if section is not None:
        section_out = SearchSectionRef(
            id=section.id,
            heading=section.heading,
            aspect=HealthAspect(section.aspect),
            links=Links(self=in_locale.section(article.slug, section.id)),
        )
    return SearchHitOut(
        article=ArticleRef(
            slug=article.slug, locale=article.locale, title=article.title, links=Links(self=article_href)
        ),
        section=section_out,
        field=passage.field,
        block=passage.block,
        item=passage.item,
        score=hit.score,
        matches=[SearchMatchOut(word=m.word, term=m.term, kind=m.kind) for m in hit.matches],
        snippet=SnippetOut(
            text=hit.snippet.text,
            html=hit.snippet.html,
            highlights=[Highlight(start=start, end=end) for start, end in hit.snippet.highlights],
        ),
        source=article.source,
        disclaimer=article.disclaimer,
        links=Links(self=section_out.links.self if section_out else article_href),
    )


def search_out(page: SearchPage, query: SearchQuery, links: LinkBuilder, cursor: str | None, limit: int) -> SearchOut:
    filters = {"q": query.q, "aspect": query.aspect, "tag": query.tag}
    return SearchOut(
        query=SearchQueryOut(
            q=query.q,
            words=list(query.words),
            aspect=HealthAspect(query.aspect) if query.aspect else None,
            tag=query.tag,
        ),
        total=page.total,
        items=[_hit_out(hit, links) for hit in page.hits],
        next_cursor=page.next_cursor,
        links=Links(
            self=links.search(cursor=cursor, limit=limit, **filters),
            next=links.search(cursor=page.next_cursor, limit=limit, **filters) if page.next_cursor else None,
        ),
    )
