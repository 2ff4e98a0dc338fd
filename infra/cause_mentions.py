"""What ``content-api mentions`` does: propose the cause mentions of one article, and add the accepted ones to
content/causes/causes.json without reformatting it.

The proposals come from the causes' own terms (``health_content.causes.mentions``); the file is edited in place,
one ``mentions`` list at a time (json-source-map says where each is), so that every other byte of the
hand-formatted taxonomy stays as it was and its diff shows only the mentions added.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import json_source_map
from pydantic import ValidationError

from health_content.articles.model import Article
from health_content.causes.mentions import CauseTerms, FoundMention
from health_content.causes.model import Cause, CauseTaxonomy, Mention
from health_content.causes.prepare import resolve_mention
from health_content.publishing.kinds import CAUSES
from health_content.vocabulary import Locale
from infra.article_markdown import article_path
from infra.aws_target import ExitCode, OperatorError

Model = TypeVar("Model", Article, CauseTaxonomy)


@dataclass(frozen=True, slots=True)
class Proposal:
    found: FoundMention
    recorded: bool
    """The taxonomy already has this mention."""
    excerpt: str
    """The text it points at, for the reviewer."""

    def as_json(self) -> dict[str, Any]:
        mention = self.found.mention
        return {"cause": self.found.cause, "section": mention.section, "block": mention.block, "item": mention.item}


@dataclass(frozen=True, slots=True)
class Review:
    article: Article
    proposals: list[Proposal]
    unfound: list[tuple[str, Mention]]
    """Mentions of the article the taxonomy has and the text analysis does not find; they are kept."""

    @property
    def new(self) -> list[Proposal]:
        return [proposal for proposal in self.proposals if not proposal.recorded]


def taxonomy_path(content_dir: Path) -> Path:
    return content_dir / CAUSES.key


def review(content_dir: Path, locale: Locale, slug: str) -> Review:
    """The mentions the article's text suggests, against those the taxonomy records."""
    article = _read_article(content_dir, locale, slug)
    taxonomy = _read_taxonomy(taxonomy_path(content_dir))
    causes = {cause.id: cause for cause in taxonomy.causes}
    recorded = {(cause.id, mention) for cause in taxonomy.causes for mention in cause.mentions}
    found = CauseTerms(taxonomy.causes).find(article)
    proposals = [
        Proposal(each, (each.cause, each.mention) in recorded, _excerpt(article, each.mention, causes[each.cause]))
        for each in found
    ]
    suggested = {(each.cause, each.mention) for each in found}
    unfound = [
        (cause.id, mention)
        for cause in taxonomy.causes
        for mention in cause.mentions
        if (mention.article, mention.locale) == (slug, locale) and (cause.id, mention) not in suggested
    ]
    return Review(article, proposals, unfound)


def write(content_dir: Path, accepted: Sequence[FoundMention]) -> int:
    """Add the accepted mentions to the taxonomy file; how many were added."""
    path = taxonomy_path(content_dir)
    additions: dict[str, list[Mention]] = defaultdict(list)
    for each in accepted:
        additions[each.cause].append(each.mention)
    if additions:
        path.write_text(add_mentions(path.read_text(encoding="utf-8"), additions), encoding="utf-8")
    return sum(len(mentions) for mentions in additions.values())


def add_mentions(source: str, additions: dict[str, list[Mention]]) -> str:
    """The taxonomy's text with ``additions`` at the end of each cause's ``mentions``, every other byte kept."""
    document = json.loads(source)
    places = json_source_map.calculate(source)
    numbers = {cause["id"]: n for n, cause in enumerate(document["causes"])}
    edits = []
    for cause_id, mentions in additions.items():
        number = numbers[cause_id]
        cause = document["causes"][number]
        cause["mentions"] = cause["mentions"] + [_mention_json(mention) for mention in mentions]
        place = places[f"/causes/{number}/mentions"]
        text = mentions_text(cause["mentions"], indent=place.key_start.column)
        edits.append((place.value_start.position, place.value_end.position, text))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    if json.loads(source) != document:  # the splice must change the mentions and nothing else
        raise RuntimeError("adding mentions would change the taxonomy's other content; nothing was written")
    CauseTaxonomy.model_validate(document)
    return source


def mentions_text(mentions: Sequence[dict[str, Any]], indent: int) -> str:
    """A ``mentions`` list as causes.json writes it: one mention on the key's line, several one to a line."""
    written = [json.dumps(mention, ensure_ascii=False) for mention in mentions]
    if len(written) == 1:
        return f"[{written[0]}]"
    inside = " " * (indent + 2)
    return "[\n" + ",\n".join(inside + each for each in written) + "\n" + " " * indent + "]"


def _mention_json(mention: Mention) -> dict[str, Any]:
    """As the file writes a mention: without the default locale, and without an item for a paragraph."""
    return mention.model_dump(mode="json", exclude_defaults=True)


def _excerpt(article: Article, mention: Mention, cause: Cause) -> str:
    return resolve_mention(article, mention, cause)[0] or ""


def _read_article(content_dir: Path, locale: Locale, slug: str) -> Article:
    path = article_path(content_dir, locale, slug)
    if not path.exists():
        raise OperatorError(ExitCode.NOT_FOUND, f"No article {slug!r} in locale {locale!r}: {path} does not exist.")
    return _valid(Article, path)


def _read_taxonomy(path: Path) -> CauseTaxonomy:
    if not path.exists():
        raise OperatorError(ExitCode.NOT_FOUND, f"No cause taxonomy: {path} does not exist.")
    return _valid(CauseTaxonomy, path)


def _valid(model: type[Model], path: Path) -> Model:
    try:
        return model.model_validate_json(path.read_bytes())
    except ValidationError as error:
        raise OperatorError(
            ExitCode.CONTENT, f"{path} is not valid ({error.error_count()} problem(s)); run content-api validate."
        ) from None
