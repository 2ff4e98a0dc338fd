"""Publish-time work on a cause taxonomy: check its mentions and analyse its text.

The result (``CauseAnalysis``) is stored with the taxonomy, so a warm API container builds
its in-memory index from ready-made words and stems instead of stemming on a request.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from health_content.articles.model import Article, ListBlock, Paragraph
from health_content.articles.store import ArticleLookup
from health_content.causes import icd10
from health_content.causes.model import Cause, CauseTaxonomy, Mention
from health_content.errors import DocumentRejected
from health_content.text import analysis as text
from health_content.vocabulary import LOCALES, Locale

# Bump when the analysis changes shape or meaning: stores refuse an analysis of another version,
# and publishing the taxonomy again (content-api publish --force) stores a fresh one.
ANALYSIS_VERSION = 1
EXCERPT_LENGTH = 200


class AnalyzedText(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str = Field(description="name, synonym, explanation, category, population or icd10")
    language: Locale
    words: list[str]
    stems: list[str]
    phrase: str


class AnalyzedCause(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    texts: list[AnalyzedText]
    excerpts: list[str] = Field(description="The text of each mention, in the order of `mentions`.")


class CauseAnalysis(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: int = ANALYSIS_VERSION
    causes: list[AnalyzedCause]
    icd10_titles: dict[str, str]


def _analyze(field: str, language: Locale, value: str) -> AnalyzedText:
    words = text.words(value)
    return AnalyzedText(
        field=field,
        language=language,
        words=words,
        stems=[text.stem(word, language) for word in words],
        phrase=" ".join(words),
    )


def _texts(cause: Cause, taxonomy: CauseTaxonomy, titles: dict[str, str]) -> list[AnalyzedText]:
    labels = {term.id: term.label for term in [*taxonomy.categories, *taxonomy.populations]}
    texts = []
    for language in LOCALES:
        texts.append(_analyze("name", language, cause.name.in_(language)))
        texts.extend(_analyze("synonym", language, s) for s in cause.synonyms.in_(language))
        texts.append(_analyze("explanation", language, cause.explanation.in_(language)))
        texts.append(_analyze("category", language, labels[cause.category].in_(language)))
        texts.extend(_analyze("population", language, labels[p].in_(language)) for p in cause.populations)
    texts.extend(_analyze("icd10", icd10.TITLE_LOCALE, titles[code]) for code in cause.icd10)
    return texts


def _best_sentence(paragraph: str, cause: Cause, locale: Locale) -> str:
    """The sentence of a paragraph that shares most word stems with the cause's names in its locale."""
    names = (cause.name.in_(locale), *cause.synonyms.in_(locale))
    vocabulary = {text.stem(word, locale) for name in names for word in text.words(name)}
    sentences = text.sentences(paragraph)

    def overlap(sentence: str) -> int:
        return len({text.stem(word, locale) for word in text.words(sentence)} & vocabulary)

    return max(sentences, key=overlap) if sentences else paragraph


def _target(article: Article | None, mention: Mention) -> tuple[Paragraph | ListBlock | str | None, str | None]:
    """The block or list item a mention points at, or why it points at nothing."""
    where = f"{mention.article}#{mention.section}, block {mention.block}"
    if article is None:
        return None, f"article {mention.article!r} is not published in locale {mention.locale!r}"
    section = article.section(mention.section)
    if section is None:
        return None, f"article {mention.article!r} has no section {mention.section!r}"
    if mention.block >= len(section.blocks):
        return None, f"{where}: the section has {len(section.blocks)} blocks"
    block = section.blocks[mention.block]
    if mention.item is None:
        return block, None
    if not isinstance(block, ListBlock):
        return None, f"{where} is a paragraph, so it has no item {mention.item}"
    if mention.item >= len(block.items):
        return None, f"{where}: the list has {len(block.items)} items"
    return block.items[mention.item], None


def mention_problem(article: Article | None, mention: Mention) -> str | None:
    """Why a mention points at nothing in its article as published (``article``), or None when it points at text."""
    return _target(article, mention)[1]


def resolve_mention(article: Article | None, mention: Mention, cause: Cause) -> tuple[str | None, str | None]:
    """The text a mention points at, or why it points at nothing."""
    block, problem = _target(article, mention)
    if block is None or isinstance(block, str):
        return block, problem
    content = (
        "; ".join(block.items) if isinstance(block, ListBlock) else _best_sentence(block.text, cause, mention.locale)
    )
    if len(content) <= EXCERPT_LENGTH:
        return content, None
    return content[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + " …", None


def prepare(taxonomy: CauseTaxonomy, articles: ArticleLookup) -> CauseAnalysis:
    """Check every mention against the published articles and analyse every record."""
    problems: list[str] = []
    cache: dict[tuple[Locale, str], Article | None] = {}
    codes = sorted({code for cause in taxonomy.causes for code in cause.icd10})
    titles = {code: icd10.title(code) for code in codes}
    analyzed = []
    for cause in taxonomy.causes:
        excerpts = []
        for mention in cause.mentions:
            key = (mention.locale, mention.article)
            if key not in cache:
                cache[key] = articles(*key)
            excerpt, problem = resolve_mention(cache[key], mention, cause)
            if problem:
                problems.append(f"cause {cause.id!r}: {problem}")
            excerpts.append(excerpt or "")
        analyzed.append(AnalyzedCause(id=cause.id, texts=_texts(cause, taxonomy, titles), excerpts=excerpts))
    if problems:
        raise DocumentRejected(problems)
    return CauseAnalysis(causes=analyzed, icd10_titles=titles)
