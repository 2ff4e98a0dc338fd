"""The synthetic catalogue generator writes what the real content path accepts, the same every time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from health_content.articles.model import Article, ListBlock
from health_content.causes.model import CauseTaxonomy
from health_content.causes.prepare import resolve_mention
from infra import publish
from infra.benchmarks import catalogue
from infra.template import REPO_ROOT

ARTICLES = 6
CAUSES = 80  # more than the taxonomy's 38: some causes are derived


def _files(directory: Path) -> dict[str, bytes]:
    return {path.relative_to(directory).as_posix(): path.read_bytes() for path in sorted(directory.rglob("*.json"))}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("catalogue")
    catalogue.generate(directory, ARTICLES, CAUSES)
    return directory


@pytest.fixture(scope="module")
def articles(generated: Path) -> dict[tuple[str, str], Article]:
    found = {}
    for locale in ("id", "en"):
        for article in catalogue.load_articles(generated, locale):
            found[(article.locale, article.slug)] = article
    return found


@pytest.fixture(scope="module")
def taxonomy(generated: Path) -> CauseTaxonomy:
    return CauseTaxonomy.model_validate_json((generated / "causes" / "causes.json").read_bytes())


def test_the_catalogue_is_laid_out_like_content_with_n_articles_per_locale_and_one_taxonomy(generated: Path) -> None:
    keys = list(_files(generated))
    assert len([key for key in keys if key.startswith("articles/id/")]) == ARTICLES
    assert len([key for key in keys if key.startswith("articles/en/")]) == ARTICLES
    assert "causes/causes.json" in keys
    assert len(keys) == 2 * ARTICLES + 1


def test_the_same_arguments_give_byte_identical_files_and_another_seed_other_ones(
    generated: Path, tmp_path: Path
) -> None:
    catalogue.generate(tmp_path / "again", ARTICLES, CAUSES)
    catalogue.generate(tmp_path / "other", ARTICLES, CAUSES, seed=catalogue.DEFAULT_SEED + 1)

    assert _files(tmp_path / "again") == _files(generated)
    assert _files(tmp_path / "other") != _files(generated)


def test_every_document_passes_the_validation_that_publishing_applies(generated: Path) -> None:
    documents = publish.collect(generated)  # the kinds' own parsing: models, ICD-10 codes, mentions, stored size

    assert len(documents) == 2 * ARTICLES + 1
    assert [document.reasons for document in documents if not document.valid] == []


def test_synthetic_articles_say_so_in_their_slug_and_title(articles: dict[tuple[str, str], Article]) -> None:
    for (locale, slug), article in articles.items():
        assert slug.startswith("sintetis-")
        assert article.title.startswith(catalogue.TITLE_LABELS[article.locale]), (locale, article.title)
        assert article.review.reviewed_by is None  # never an invented reviewer


def test_the_taxonomy_says_it_is_synthetic_and_derived_causes_have_ids_of_their_own(
    taxonomy: CauseTaxonomy,
) -> None:
    original = json.loads((REPO_ROOT / "content" / "causes" / "causes.json").read_bytes())
    original_ids = [cause["id"] for cause in original["causes"]]
    ids = [cause.id for cause in taxonomy.causes]

    assert taxonomy.source.name.startswith("[Sintetis]")
    assert len(ids) == CAUSES == len(set(ids))
    assert ids[: len(original_ids)] == original_ids
    assert all(cause_id.startswith("sintetis-") for cause_id in ids[len(original_ids) :])


def test_every_mention_points_at_a_section_block_and_item_that_exists(
    taxonomy: CauseTaxonomy, articles: dict[tuple[str, str], Article]
) -> None:
    locales = set()
    for cause in taxonomy.causes:
        for mention in cause.mentions:
            article = articles.get((mention.locale, mention.article))
            _, problem = resolve_mention(article, mention, cause)
            assert problem is None, f"{cause.id}: {problem}"
            locales.add(mention.locale)
    assert locales == {"id", "en"}


def test_a_mention_of_a_list_item_lands_on_an_item_derived_from_the_original_one(
    taxonomy: CauseTaxonomy, articles: dict[tuple[str, str], Article]
) -> None:
    seed = Article.model_validate_json(catalogue.SEED_ARTICLE.read_bytes())
    original = CauseTaxonomy.model_validate_json(catalogue.SEED_TAXONOMY.read_bytes())
    landed = []
    for before, after in zip(original.causes, taxonomy.causes, strict=False):
        for was, now in zip(before.mentions, after.mentions, strict=True):
            if was.item is None or now.locale != "id":
                continue
            seed_section = seed.section(was.section)
            section = articles[(now.locale, now.article)].section(now.section)
            assert seed_section is not None and section is not None
            seed_block, block = seed_section.blocks[was.block], section.blocks[now.block]
            assert isinstance(seed_block, ListBlock)
            # Pool words are inserted after the first word, never before it.
            first_word = seed_block.items[was.item].split()[0]
            landed.append(isinstance(block, ListBlock) and block.items[now.item or 0].split()[0] == first_word)
    # Only where none of the few articles kept the item does a mention fall back to the drawn article's start.
    assert landed and sum(landed) / len(landed) >= 0.8, landed


def test_the_vocabulary_grows_with_the_catalogue_but_slower_than_it(tmp_path: Path) -> None:
    sizes = {}
    for count in (10, 40):
        catalogue.generate(tmp_path / str(count), count, 1, locales=("id",))
        sizes[count] = catalogue.distinct_words(catalogue.load_articles(tmp_path / str(count), "id"))

    growth = sizes[40] / sizes[10]
    # Heaps' law with beta 0.55: four times the articles, about 4^0.55 = 2.1 times the words.
    assert 1.5 < growth < 3.0, sizes


def test_it_never_writes_into_content_nor_over_an_existing_catalogue(generated: Path) -> None:
    with pytest.raises(ValueError, match="inside"):
        catalogue.generate(REPO_ROOT / "content" / "synthetic", 1, 1)
    with pytest.raises(ValueError, match="not empty"):
        catalogue.generate(generated, 1, 1)
    assert not (REPO_ROOT / "content" / "synthetic").exists()


def test_the_command_line_writes_a_catalogue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    code = catalogue.main(["--articles", "2", "--causes", "3", "--out", str(out), "--locales", "id"])

    assert code == 0
    assert sorted(_files(out)) == [
        "articles/id/" + path.name for path in sorted((out / "articles" / "id").glob("*.json"))
    ] + ["causes/causes.json"]
    assert "3 documents" in capsys.readouterr().out
