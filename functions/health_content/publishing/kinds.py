"""The table of document kinds that publishing and the operator CLI dispatch over.

A kind says which bucket keys are its own, how a document of that kind is validated, where
it is stored in the serving index and how it is removed. Adding a kind means a package for
its model and store port, its adapter in ``storage``, one class here, one row in ``KINDS``
and one field in ``ServingIndex`` (filled by the composition roots: the ingest handler and
the CLI); the publisher and the CLI's validation dispatch over the table.

Drafts are not a kind of their own but a stage of articles: ``DRAFTS`` owns the keys under ``drafts/``,
validates each exactly as ``ARTICLES`` does, and keeps it where only a preview reads it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from health_content.articles.drafts import DraftStore
from health_content.articles.model import Article
from health_content.articles.store import ArticleLookup, ArticleStore, PublishedArticle
from health_content.causes import icd10
from health_content.causes.model import CauseTaxonomy
from health_content.causes.prepare import mention_problem, prepare
from health_content.causes.store import CauseStore, PublishedCauses
from health_content.errors import ContentUnavailable, DocumentRejected
from health_content.search.analysis import analyze, encode
from health_content.vocabulary import SLUG_BODY, Locale, as_locale

# What ingest reads of one bucket object at most, per kind. Whether a document fits the serving index
# is decided by the store on the stored form, not here; this only bounds the download (and what the
# ingest function parses in its memory). An article is stored as one item, so 1 MB is ample; the taxonomy
# is stored a cause per item, and 16 MB holds its 10,000 causes at most (4,000 are about 5 MB, indented).
MAX_SOURCE_BYTES = 1024 * 1024
MAX_TAXONOMY_SOURCE_BYTES = 16 * 1024 * 1024

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class ServingIndex:
    """The stores publishing writes to, one per kind."""

    articles: ArticleStore
    causes: CauseStore
    drafts: DraftStore


@dataclass(frozen=True, slots=True)
class SourceVersion:
    """Which version of a bucket object a document came from."""

    version_id: str | None
    last_modified: dt.datetime


class Publication(Protocol):
    """A validated document, ready to be written to the serving index."""

    @property
    def document(self) -> BaseModel: ...

    @property
    def content_hash(self) -> str: ...

    def check_fits(self, index: ServingIndex) -> None:
        """Raise DocumentRejected when the serving index could not store it."""
        ...

    def put_if_changed(self, index: ServingIndex) -> bool:
        """Write it (with its change-log entry, when it is published content); False when the same content is
        already there."""
        ...

    def warnings(self, index: ServingIndex) -> list[str]:
        """What an operator should know although the document publishes."""
        ...


class DocumentKind(Protocol):
    name: str
    """Also names its JSON Schema for editors: content/schemas/<name>.schema.json."""
    model: type[BaseModel]
    key_layout: str
    phase: int
    """Publishing order: a kind's documents may refer to those of kinds with a lower phase."""
    max_source_bytes: int
    """The largest bucket object of this kind that ingest reads."""

    def owns(self, key: str) -> bool: ...

    def parse(self, key: str, body: bytes, articles: ArticleLookup, source: SourceVersion) -> Publication:
        """Validate a document; raise DocumentRejected with every reason."""
        ...

    def remove(self, key: str, index: ServingIndex, reason: str | None) -> bool:
        """Retract what is published under ``key``, logging ``reason``; False when nothing was."""
        ...


def content_hash(document: BaseModel) -> str:
    """Hash of a document's canonical JSON: formatting and key order of the file do not count."""
    return hashlib.sha256(document.model_dump_json().encode()).hexdigest()


def validate(model: type[Model], body: bytes, context: dict[str, Any] | None = None) -> Model:
    try:
        return model.model_validate_json(body, context=context)
    except ValidationError as error:
        raise DocumentRejected([_describe(e) for e in error.errors(include_url=False)]) from None


def _describe(error: Any) -> str:
    location = ".".join(str(part) for part in error.get("loc", ())) or "document"
    return f"{location}: {error.get('msg', 'invalid')}"


# --- articles ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticlePublication:
    published: PublishedArticle

    @property
    def document(self) -> Article:
        return self.published.article

    @property
    def content_hash(self) -> str:
        return self.published.content_hash

    def check_fits(self, index: ServingIndex) -> None:
        index.articles.check_fits(self.published)

    def put_if_changed(self, index: ServingIndex) -> bool:
        return index.articles.put_if_changed(self.published) is not None

    def warnings(self, index: ServingIndex) -> list[str]:
        """Cause mentions into this article that its new version no longer has (the article still publishes:
        editors change articles first and the taxonomy after). Only this article's mentions are read."""
        article = self.published.article
        try:
            mentions = index.causes.mentions_of(article.locale, article.slug)
        except ContentUnavailable:
            # Publishing the article must not wait on a taxonomy that cannot be read (say, before it is
            # published again after a release); the check is advice.
            return [f"the published {CAUSES.key} could not be read, so its mentions of this article were not checked"]
        problems = [(each.cause_id, mention_problem(article, each.mention)) for each in mentions]
        return [f"cause {cause_id!r}: {problem}; update {CAUSES.key}" for cause_id, problem in problems if problem]


class ArticleKind:
    name = "article"
    model: type[BaseModel] = Article
    key_layout = "articles/<locale>/<slug>.json"
    phase = 1
    max_source_bytes = MAX_SOURCE_BYTES
    _key = re.compile(rf"^articles/(?P<locale>[a-z]{{2}})/(?P<slug>{SLUG_BODY})\.json$")

    def key(self, locale: Locale, slug: str) -> str:
        return f"articles/{locale}/{slug}.json"

    def owns(self, key: str) -> bool:
        return self._key.match(key) is not None

    def parse(self, key: str, body: bytes, articles: ArticleLookup, source: SourceVersion) -> ArticlePublication:
        match = self._key.match(key)
        if match is None:
            raise DocumentRejected([f"key {key!r} is not of the form {self.key_layout}"])
        article = validate(Article, body)
        mismatches = [
            f"{name} is {actual!r} but the key says {expected!r}"
            for name, actual, expected in (
                ("locale", article.locale, match["locale"]),
                ("slug", article.slug, match["slug"]),
            )
            if actual != expected
        ]
        if mismatches:
            raise DocumentRejected(mismatches)
        published = PublishedArticle(
            article,
            content_hash(article),
            source.last_modified,
            source.version_id,
            encode(analyze(article)),
        )
        return ArticlePublication(published)

    def remove(self, key: str, index: ServingIndex, reason: str | None) -> bool:
        found = self.locale_and_slug(key)
        if found is None:
            return False  # nothing can have been published under it
        return index.articles.delete(*found, reason) is not None

    def locale_and_slug(self, key: str) -> tuple[Locale, str] | None:
        match = self._key.match(key)
        locale = as_locale(match["locale"]) if match else None
        return None if match is None or locale is None else (locale, match["slug"])


# --- drafts of articles --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DraftPublication:
    """A draft, validated as the article it would publish: it must fit the serving index as that article."""

    article: ArticlePublication

    @property
    def document(self) -> Article:
        return self.article.document

    @property
    def content_hash(self) -> str:
        return self.article.content_hash

    def check_fits(self, index: ServingIndex) -> None:
        self.article.check_fits(index)

    def put_if_changed(self, index: ServingIndex) -> bool:
        self.check_fits(index)  # as published, with its search analysis: a draft that could not go live is refused
        return index.drafts.put_if_changed(self.article.published)

    def warnings(self, index: ServingIndex) -> list[str]:
        return self.article.warnings(index)


class DraftArticleKind:
    """Articles uploaded under ``drafts/`` (``content-api publish --draft``): validated as articles, kept for
    previews only."""

    name = "draft"
    model: type[BaseModel] = Article
    prefix = "drafts/"
    key_layout = f"{prefix}{ArticleKind.key_layout}"
    phase = ArticleKind.phase
    max_source_bytes = MAX_SOURCE_BYTES

    def key(self, locale: Locale, slug: str) -> str:
        return self.draft_key(ARTICLES.key(locale, slug))

    def draft_key(self, article_key: str) -> str:
        """The key the draft of the article published under ``article_key`` is uploaded to."""
        return self.prefix + article_key

    def article_key(self, key: str) -> str:
        """The key the draft's article is published under."""
        return key.removeprefix(self.prefix)

    def owns(self, key: str) -> bool:
        return key.startswith(self.prefix) and ARTICLES.owns(self.article_key(key))

    def parse(self, key: str, body: bytes, articles: ArticleLookup, source: SourceVersion) -> DraftPublication:
        if not self.owns(key):
            raise DocumentRejected([f"key {key!r} is not of the form {self.key_layout}"])
        return DraftPublication(ARTICLES.parse(self.article_key(key), body, articles, source))

    def remove(self, key: str, index: ServingIndex, reason: str | None) -> bool:
        found = ARTICLES.locale_and_slug(self.article_key(key)) if self.owns(key) else None
        return found is not None and index.drafts.delete(*found)


# --- causes --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CausesPublication:
    published: PublishedCauses

    @property
    def document(self) -> CauseTaxonomy:
        return self.published.taxonomy

    @property
    def content_hash(self) -> str:
        return self.published.content_hash

    def check_fits(self, index: ServingIndex) -> None:
        index.causes.check_fits(self.published)

    def put_if_changed(self, index: ServingIndex) -> bool:
        return index.causes.put_if_changed(self.published) is not None

    def warnings(self, index: ServingIndex) -> list[str]:
        return []


class CausesKind:
    name = "causes"
    model: type[BaseModel] = CauseTaxonomy
    key = "causes/causes.json"
    key_layout = key
    phase = 2  # its mentions point into articles
    max_source_bytes = MAX_TAXONOMY_SOURCE_BYTES

    def owns(self, key: str) -> bool:
        return key == self.key

    def parse(self, key: str, body: bytes, articles: ArticleLookup, source: SourceVersion) -> CausesPublication:
        """Validate the taxonomy (ICD-10 codes against WHO ICD-10, mentions against ``articles``)."""
        taxonomy = validate(CauseTaxonomy, body, context={"icd10_exists": icd10.exists})
        analysis = prepare(taxonomy, articles)
        return CausesPublication(
            PublishedCauses(taxonomy, analysis, content_hash(taxonomy), source.last_modified, source.version_id)
        )

    def remove(self, key: str, index: ServingIndex, reason: str | None) -> bool:
        return key == self.key and index.causes.delete(reason) is not None


ARTICLES = ArticleKind()
CAUSES = CausesKind()
KINDS: tuple[DocumentKind, ...] = (ARTICLES, CAUSES)
"""The kinds of document editors write, each with its JSON Schema."""
DRAFTS = DraftArticleKind()
_KEY_OWNERS: tuple[DocumentKind, ...] = (*KINDS, DRAFTS)
KEY_LAYOUTS = " or ".join(kind.key_layout for kind in _KEY_OWNERS)


def kind_of(key: str) -> DocumentKind | None:
    """The kind whose documents (or drafts) live under ``key``, or None for a key no kind owns."""
    return next((kind for kind in _KEY_OWNERS if kind.owns(key)), None)
