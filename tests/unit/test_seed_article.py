"""The structured article keeps every sentence of the scraped seed and drops only page furniture."""

from __future__ import annotations

import re
from typing import Any

import pytest

from health_content.articles.model import Article, HealthAspect, ListBlock
from infra.template import REPO_ROOT

# The scraped original, kept in the repository (content/sources/README.md says where it came from).
SEED_TEXT = REPO_ROOT / "content" / "sources" / "kram-otot-betis.id.txt"
FURNITURE = {"Kram otot betis", "Konten artikel", "Kram Otot: Apa Penyebabnya?"}
RECORDED_FIXES = {"serangan kejangwatak": "serangan kejang", "kalsium,magnesium": "kalsium, magnesium"}


def _seed_lines() -> list[str]:
    return [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]


def _body_lines() -> list[str]:
    lines = _seed_lines()[1:]  # the first line is the title
    return [
        line
        for line in lines
        if line not in FURNITURE and not line.startswith(("Posting sebelumnya", "Posting berikutnya"))
    ]


def _sentences(text: str) -> list[str]:
    for wrong, right in RECORDED_FIXES.items():
        text = text.replace(wrong, right)
    text = re.sub(r"^\d+\.\s+", "", text)  # list numbering becomes the list's order
    return [s.strip() for s in re.split(r"(?<=[.!?;:])\s+(?=[A-Z])", text) if s.strip()]


def _article_text(article: Article) -> str:
    parts: list[str] = []
    for section in article.sections:
        parts.append(section.heading)
        for block in section.blocks:
            parts.extend(block.items if isinstance(block, ListBlock) else [block.text])
    return "\n".join(parts)


@pytest.fixture
def article(seed_document: dict[str, Any]) -> Article:
    return Article.model_validate(seed_document)


def test_every_sentence_of_the_seed_body_is_kept(article: Article) -> None:
    text = _article_text(article)
    sentences = [s for line in _body_lines() for s in _sentences(line)]
    assert len(sentences) >= 70  # the splitter really splits the body (71 sentences and list items)
    assert [s for s in sentences if s not in text] == []


def test_sentences_keep_their_order(article: Article) -> None:
    text = _article_text(article)
    positions = [text.find(s) for line in _body_lines() for s in _sentences(line) if len(s) > 30]
    assert positions == sorted(positions)


def test_page_furniture_is_dropped(article: Article) -> None:
    text = _article_text(article)
    assert "Konten artikel" not in text
    assert "Apa Penyebabnya" not in text
    assert "Posting sebelumnya" not in text
    assert text.count("Kram otot betis\n") <= 1  # only as the overview heading, not as repeated captions


def test_scraping_faults_are_mended_and_recorded(article: Article) -> None:
    text = _article_text(article)
    recorded = {(c.original, c.corrected) for c in article.corrections}
    for wrong, right in RECORDED_FIXES.items():
        assert wrong not in text
        assert (wrong, right) in recorded


def test_the_fifteen_causes_stay_one_ordered_list(article: Article) -> None:
    causes = article.section("penyebab")
    assert causes is not None and causes.aspect is HealthAspect.CAUSES
    lists = [b for b in causes.blocks if isinstance(b, ListBlock)]
    assert len(lists) == 1
    assert lists[0].ordered is True
    assert len(lists[0].items) == 15
    assert lists[0].items[0].startswith("Hipoksia")
    assert lists[0].items[3] == "Kekurangan kalium, kalsium, magnesium, glukosa darah;"
    assert lists[0].items[14].startswith("Pelanggaran metabolisme garam air")


def test_prevention_and_seeing_a_neurologist_are_their_own_sections(article: Article) -> None:
    aspects = {section.id: section.aspect for section in article.sections}
    assert aspects["pencegahan"] is HealthAspect.PREVENTION
    assert aspects["kapan-ke-dokter"] is HealthAspect.SEE_DOCTOR
    assert aspects["perawatan"] is HealthAspect.TREATMENTS
    treatment = article.section("perawatan")
    assert treatment is not None
    treatment_text = " ".join(b.text for b in treatment.blocks if not isinstance(b, ListBlock))
    assert "Pencegahan kejang" not in treatment_text
    assert "ahli saraf" not in treatment_text


def test_metadata_carries_attribution_disclaimer_and_neighbours(article: Article) -> None:
    assert article.title == _seed_lines()[0]
    assert article.source.name
    assert "dokter" in article.disclaimer
    # Its neighbours in the original series are not published here: the navigation to them is recorded as removed.
    assert article.related.previous is None and article.related.next is None
    [navigation] = [c for c in article.corrections if c.original == "Posting sebelumnya / Posting berikutnya"]
    assert "Diet anggur: aturan dan diet" in navigation.reason and "Akar bertanduk" in navigation.reason
