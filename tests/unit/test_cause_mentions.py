"""Cause mentions are proposed from the causes' own terms, not hand-written: on the seed article the proposals find
at least 90% of the hand-written mentions with at most 10% extra, and `content-api mentions --write` adds the
accepted ones to causes.json without touching any other byte of it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import json_source_map
import pytest
from typer.testing import CliRunner

from health_content.articles.model import Article
from health_content.causes.mentions import CauseTerms
from health_content.causes.model import Cause, CauseTaxonomy, Mention
from infra import cause_mentions
from infra.cli import app as cli
from infra.template import REPO_ROOT
from tests.causes_fixtures import CAUSES_PATH, seed_article

runner = CliRunner()


def _taxonomy() -> CauseTaxonomy:
    return CauseTaxonomy.model_validate_json(CAUSES_PATH.read_bytes())


def test_on_the_seed_article_the_proposals_match_the_hand_written_mentions() -> None:
    article = seed_article()
    taxonomy = _taxonomy()
    written = {(c.id, m) for c in taxonomy.causes for m in c.mentions if m.article == article.slug}
    proposed = {(found.cause, found.mention) for found in CauseTerms(taxonomy.causes).find(article)}
    recall = len(written & proposed) / len(written)
    precision = len(written & proposed) / len(proposed)
    extra = len(proposed - written) / len(written)
    print(
        f"cause mentions on {article.slug}: {len(written)} hand-written, {len(proposed)} proposed; "
        f"recall {recall:.1%}, precision {precision:.1%}, extra {extra:.1%}"
    )
    assert recall >= 0.9 and extra <= 0.1


def _cause(cause_id: str, names: dict[str, str], synonyms: dict[str, list[str]] | None = None) -> Cause:
    return Cause.model_validate(
        {
            "id": cause_id,
            "name": names,
            "explanation": {"id": "Penjelasan.", "en": "Explanation."},
            "synonyms": synonyms or {},
            "category": "c",
            "mentions": [{"article": "x", "section": "s", "block": 0}],
        }
    )


CAUSES = [
    _cause("hipokalemia", {"id": "Kekurangan kalium", "en": "Low potassium"}, {"id": ["kalium rendah"]}),
    _cause("hipokalsemia", {"id": "Kekurangan kalsium", "en": "Low calcium"}, {"id": ["kalsium rendah"]}),
    _cause("hipoglikemia", {"id": "Gula darah rendah", "en": "Low blood sugar"}, {"id": ["kekurangan glukosa"]}),
    _cause("hipoksia", {"id": "Hipoksia (kekurangan oksigen)", "en": "Hypoxia"}),
    _cause("asfiksia-lahir", {"id": "Hipoksia saat persalinan", "en": "Birth asphyxia"}),
    _cause("faktor-keturunan", {"id": "Faktor keturunan", "en": "Family history"}, {"id": ["keturunan"]}),
    _cause("cahaya", {"id": "Cahaya berkedip", "en": "Flashing lights"}, {"en": ["strobe light"]}),
]


def _found(*paragraphs: str, locale: str = "id") -> list[tuple[str, int]]:
    article = Article.model_validate(
        {
            "slug": "contoh",
            "locale": locale,
            "title": "Contoh",
            "summary": "Contoh.",
            "source": {"name": "Contoh"},
            "disclaimer": "Contoh.",
            "updated_at": "2026-12-01",
            "sections": [
                {
                    "id": "s",
                    "heading": "S",
                    "aspect": "CausesHealthAspect",
                    "blocks": [{"type": "paragraph", "text": text} for text in paragraphs],
                }
            ],
        }
    )
    return [(found.cause, found.mention.block) for found in CauseTerms(CAUSES).find(article)]


@pytest.mark.parametrize(
    ("text", "causes"),
    [
        # A name's words by their stems, side by side or one word apart.
        ("Tubuhnya kurang kalium.", ["hipokalemia"]),
        ("Kadar kalsium yang rendah memicu kram.", ["hipokalsemia"]),
        # A cause's distinctive word is enough when its other words are shared by many causes.
        ("Ion kalium dan magnesium hilang.", ["hipokalemia"]),
        ("Kekurangan kalium, kalsium, glukosa darah.", ["hipokalemia", "hipokalsemia", "hipoglikemia"]),
        # The longer name wins: this hypoxia is the one during birth.
        ("Hipoksia selama persalinan.", ["asfiksia-lahir"]),
        ("Hipoksia berat.", ["hipoksia"]),
        # English terms in an Indonesian text, English stems.
        ("Lampu strobe lights di klub.", ["cahaya"]),
        # A stem counts only when its root shows in the word: "penurunan" (a fall) is not "keturunan" (heredity).
        ("Penurunan kadar gula.", []),
        # A short name's words must stand close, and in one sentence.
        ("Cahaya terang. Lampu berkedip di klub.", []),
    ],
)
def test_a_cause_is_found_by_its_terms(text: str, causes: list[str]) -> None:
    assert [cause for cause, _ in _found(text)] == causes


def test_english_text_finds_english_terms_by_their_stems() -> None:
    assert _found("Flashing light at a party, and low potassium levels.", locale="en") == [
        ("hipokalemia", 0),
        ("cahaya", 0),
    ]


def test_each_mentions_list_of_causes_json_is_written_as_the_file_writes_it() -> None:
    source = CAUSES_PATH.read_text(encoding="utf-8")
    places = json_source_map.calculate(source)
    for number, cause in enumerate(json.loads(source)["causes"]):
        place = places[f"/causes/{number}/mentions"]
        written = source[place.value_start.position : place.value_end.position]
        assert cause_mentions.mentions_text(cause["mentions"], place.key_start.column) == written


def test_adding_mentions_changes_only_those_lists() -> None:
    source = CAUSES_PATH.read_text(encoding="utf-8")
    extra = Mention(article="kram-otot-betis", section="komplikasi", block=0)
    in_english = Mention(article="kram-otot-betis", locale="en", section="ikhtisar", block=0)
    changed = cause_mentions.add_mentions(source, {"malformasi-otak": [extra], "epilepsi": [in_english]})
    malformation = '"mentions": [{"article": "kram-otot-betis", "section": "penyebab", "block": 1, "item": 1}]'
    epilepsy = '{"article": "kram-otot-betis", "section": "komplikasi", "block": 1}\n      ]'
    assert source.count(malformation) == 1 and source.count(epilepsy) == 1
    assert changed == source.replace(
        malformation,
        '"mentions": [\n'
        '        {"article": "kram-otot-betis", "section": "penyebab", "block": 1, "item": 1},\n'
        '        {"article": "kram-otot-betis", "section": "komplikasi", "block": 0}\n'
        "      ]",
    ).replace(
        epilepsy,
        '{"article": "kram-otot-betis", "section": "komplikasi", "block": 1},\n'
        '        {"article": "kram-otot-betis", "locale": "en", "section": "ikhtisar", "block": 0}\n'
        "      ]",
    )


def _content_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "content", content, ignore=shutil.ignore_patterns("sources"))
    return content


def test_the_mentions_command_prints_json_and_writes_what_is_accepted(tmp_path: Path) -> None:
    content = _content_copy(tmp_path)
    listed = runner.invoke(cli, ["mentions", "kram-otot-betis", "--json", "--content", str(content)])
    assert listed.exit_code == 0
    proposals: list[dict[str, Any]] = json.loads(listed.stdout)
    assert {"cause": "hipoksia", "section": "penyebab", "block": 1, "item": 0} in proposals
    assert {"cause": "epilepsi", "section": "komplikasi", "block": 1, "item": None} in proposals
    assert all(list(each) == ["cause", "section", "block", "item"] for each in proposals)

    taxonomy = content / "causes" / "causes.json"
    recorded = {(c.id, m) for c in CauseTaxonomy.model_validate_json(taxonomy.read_bytes()).causes for m in c.mentions}
    new = [p for p in proposals if (p["cause"], _mention(p)) not in recorded]
    # Accept the first new proposal, refuse the others.
    answers = "y\n" + "n\n" * (len(new) - 1)
    written = runner.invoke(cli, ["mentions", "kram-otot-betis", "--write", "--content", str(content)], input=answers)
    assert written.exit_code == 0 and f"Added 1 mention(s) to {taxonomy}" in written.stderr
    after = {(c.id, m) for c in CauseTaxonomy.model_validate_json(taxonomy.read_bytes()).causes for m in c.mentions}
    assert after - recorded == {(new[0]["cause"], _mention(new[0]))}
    assert runner.invoke(cli, ["validate", "--content", str(content)]).exit_code == 0

    again = runner.invoke(cli, ["mentions", "kram-otot-betis", "--write", "--yes", "--content", str(content)])
    assert again.exit_code == 0 and f"Added {len(new) - 1} mention(s)" in again.stderr


def _mention(proposal: dict[str, Any]) -> Mention:
    return Mention(
        article="kram-otot-betis", section=proposal["section"], block=proposal["block"], item=proposal["item"]
    )
