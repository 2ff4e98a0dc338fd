"""Editors write articles in Markdown: `content-api import` turns a file into the article JSON, validated with the
model publishing uses and with every problem at its line; `content-api export` writes Markdown that imports back
to the same document, byte for byte."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from health_content.articles.model import Article, HealthAspect
from infra.article_markdown import (
    ASPECTS,
    SCHEMA_REF,
    MarkdownRejected,
    article_from_markdown,
    article_to_markdown,
)
from infra.aws_target import ExitCode
from infra.cli import app as cli
from infra.generated import json_text
from infra.template import REPO_ROOT
from tests.conftest import SEED_ARTICLE_PATH

runner = CliRunner()

NEW_ARTICLE = """\
---
slug: kram-kaki-malam
locale: id
title: Kram kaki di malam hari
summary: Mengapa kaki kram saat tidur, dan apa yang bisa dilakukan.
tags: [kram, tidur]
source:
  name: Redaksi Konten Sehat API
disclaimer: Informasi ini tidak menggantikan pemeriksaan oleh dokter.
updated_at: 2026-12-01
---

## Apa itu kram malam?

Kram malam adalah kontraksi otot betis yang tiba-tiba
saat tidur.

## Penyebab {#sebab}

{#daftar}
1. Kekurangan kalsium;
2. Otot terlalu lelah.

## Yang bisa dilakukan sendiri {aspect=self-care}

- Regangkan otot betis.
- Minum cukup air.
"""


def _problems(markdown: str) -> list[tuple[int, str]]:
    with pytest.raises(MarkdownRejected) as rejected:
        article_from_markdown(markdown)
    return [(problem.line, problem.message) for problem in rejected.value.problems]


def test_the_seed_article_comes_back_byte_for_byte_through_markdown(seed_document: dict[str, Any]) -> None:
    markdown = article_to_markdown(seed_document)
    assert json_text(article_from_markdown(markdown)) == json_text(seed_document)
    # Every section says its id and aspect, so that the Markdown does not depend on the heading-word table.
    assert "## Penyebab kejang {#penyebab aspect=causes}" in markdown
    assert "{#daftar-penyebab}\n1. Hipoksia - kekurangan oksigen" in markdown


def test_an_article_written_in_markdown_becomes_typed_sections() -> None:
    document = article_from_markdown(NEW_ARTICLE)
    assert list(document) == [
        "$schema",
        "slug",
        "locale",
        "title",
        "summary",
        "tags",
        "source",
        "disclaimer",
        "updated_at",
        "sections",
    ]
    assert document["$schema"] == SCHEMA_REF and document["updated_at"] == "2026-12-01"
    assert document["sections"] == [
        {
            "id": "apa-itu-kram-malam",
            "heading": "Apa itu kram malam?",
            "aspect": HealthAspect.OVERVIEW.value,
            "blocks": [
                {"type": "paragraph", "text": "Kram malam adalah kontraksi otot betis yang tiba-tiba saat tidur."}
            ],
        },
        {
            "id": "sebab",
            "heading": "Penyebab",
            "aspect": HealthAspect.CAUSES.value,
            "blocks": [
                {
                    "type": "list",
                    "id": "daftar",
                    "ordered": True,
                    "items": ["Kekurangan kalsium;", "Otot terlalu lelah."],
                }
            ],
        },
        {
            "id": "yang-bisa-dilakukan-sendiri",
            "heading": "Yang bisa dilakukan sendiri",
            "aspect": HealthAspect.SELF_CARE.value,
            "blocks": [{"type": "list", "ordered": False, "items": ["Regangkan otot betis.", "Minum cukup air."]}],
        },
    ]
    Article.model_validate(document)


def test_the_example_in_the_editors_guide_imports() -> None:
    guide = (REPO_ROOT / "docs" / "editing-content.md").read_text(encoding="utf-8")
    example = re.search(r"```markdown\n(.*?)```", guide, re.S)
    assert example is not None
    document = article_from_markdown(example[1])
    assert [(s["id"], s["aspect"]) for s in document["sections"]] == [
        ("apa-itu-kram-malam", HealthAspect.OVERVIEW.value),
        ("penyebab", HealthAspect.CAUSES.value),
        ("yang-bisa-dilakukan-sendiri", HealthAspect.SELF_CARE.value),
    ]


def test_every_problem_is_reported_at_its_line() -> None:
    markdown = (
        NEW_ARTICLE.replace("slug: kram-kaki-malam", "slug: Kram Kaki")
        .replace("  name: Redaksi Konten Sehat API", "  name: Redaksi\n  url: not a url")
        .replace("## Penyebab {#sebab}", "## Penyebab {#sebab}\n\nAda *banyak* sebab.\n\n### Detail")
        .replace("- Minum cukup air.", "- Minum cukup air.\n\n## Lain-lain\n\nTeks.\n\n## Penyebab {#sebab}\n\nLagi.")
    )
    problems = _problems(markdown)
    assert [line for line, _ in problems] == [2, 9, 21, 23, 34, 38]
    messages = dict(problems)
    assert messages[2].startswith("slug: String should match pattern")
    assert messages[9].startswith("source.url: Input should be a valid URL")
    assert messages[21].startswith("emphasis: the article holds plain text")
    assert messages[23] == "a ### heading: only ## headings start sections (the title is `title`)"
    assert messages[34].startswith("cannot tell the aspect of 'Lain-lain' (no word of it says)")
    assert messages[38] == "section id 'sebab' is already used on line 19"


@pytest.mark.parametrize(
    ("markdown", "line", "message"),
    [
        ("## Ikhtisar\n\nTeks.\n", 1, "the file must start with YAML front matter"),
        ("---\nslug: [a\n---\n", 2, "front matter: expected ',' or ']'"),
        ("---\nslug: a\nsections: []\n---\n", 3, "sections does not belong in the front matter"),
        (
            "---\nslug: a\ntranslated: yes\n---\n\n## Ikhtisar\n\nTeks.\n",
            3,
            "translated: Extra inputs are not permitted",
        ),
        ("---\nslug: a\n---\n\nTeks tanpa judul.\n", 5, "text before the first ## heading"),
        ("---\nslug: a\n---\n\n## Ikhtisar {#a aspect=nope}\n\nTeks.\n", 5, "unknown aspect 'nope'"),
        (
            "---\nlocale: id\n---\n\n## Penyebab dan pencegahan\n\nTeks.\n",
            5,
            "cannot tell the aspect of 'Penyebab dan pencegahan' (its words point to causes and prevention)",
        ),
        ("---\nslug: a\n---\n\n## Ikhtisar\n\n> kutipan\n", 7, "a quotation: an article has paragraphs and lists only"),
        ("---\nslug: a\n---\n\n## Ikhtisar\n\n- satu\n  - dua\n", 7, "a list item is one paragraph of text"),
    ],
)
def test_a_problem_names_its_line(markdown: str, line: int, message: str) -> None:
    assert any(found == line and text.startswith(message) for found, text in _problems(markdown)), _problems(markdown)


def _plain_text(max_size: int) -> st.SearchStrategy[str]:
    """Text the article model accepts, heavy in what Markdown would read as markup."""
    markup = st.sampled_from(["1. ", "2) ", "- ", "+", "* ", "#", "{#a}", "\\", " ", "\u00a0", "`", "[x](y)", "<b>"])
    more = st.sampled_from(["&amp;", "---", "===", "~~~", "> ", "_", "}", "{", "!", "\u2028", "\u3000", "é"])
    letters = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=4)
    pieces = st.lists(st.one_of(markup, more, letters), min_size=1, max_size=5).map("".join)
    return pieces.filter(lambda t: 0 < len(t) <= max_size and unicodedata.normalize("NFC", t) == t)


_SLUG = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
_BLOCK = st.one_of(
    st.builds(lambda text: {"type": "paragraph", "text": text}, _plain_text(5000)),
    st.builds(
        lambda list_id, ordered, items: (
            {"type": "list", **({"id": list_id} if list_id else {})} | {"ordered": ordered, "items": items}
        ),
        st.one_of(st.none(), _SLUG),
        st.booleans(),
        st.lists(_plain_text(5000), min_size=1, max_size=3),
    ),
)
_SECTIONS = st.lists(
    st.builds(
        lambda section_id, heading, aspect, blocks: {
            "id": section_id,
            "heading": heading,
            "aspect": aspect,
            "blocks": blocks,
        },
        _SLUG,
        _plain_text(300),
        st.sampled_from([aspect.value for aspect in ASPECTS.values()]),
        st.lists(_BLOCK, min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda section: section["id"],
)


@settings(max_examples=40, deadline=None)
@given(
    slug=_SLUG,
    title=_plain_text(300),
    tags=st.lists(st.from_regex(r"[a-z0-9][a-z0-9 -]{0,8}", fullmatch=True), max_size=3),
    sections=_SECTIONS,
)
def test_any_article_comes_back_through_markdown(
    slug: str, title: str, tags: list[str], sections: list[dict[str, Any]]
) -> None:
    document = {
        "$schema": SCHEMA_REF,
        "slug": slug,
        "locale": "id",
        "title": title,
        "summary": title,
        "tags": tags,
        "source": {"name": title, "url": "https://example.org/a?b=1", "note": None},
        "disclaimer": title,
        "updated_at": "2026-01-02",
        "review": {"reviewed_at": None, "reviewed_by": None, "next_review": None},
        "corrections": [{"original": title, "corrected": "12", "reason": "null"}],
        "sections": sections,
    }
    Article.model_validate(document)
    assert json_text(article_from_markdown(article_to_markdown(document))) == json_text(document)


def _content_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "content" / "articles", content / "articles")
    return content


def test_import_writes_the_article_and_leaves_an_unchanged_one_alone(tmp_path: Path) -> None:
    content = _content_copy(tmp_path)
    exported = runner.invoke(cli, ["export", "kram-otot-betis", "--content", str(content)])
    assert exported.exit_code == 0
    markdown = tmp_path / "seed.md"
    markdown.write_text(exported.stdout, encoding="utf-8")

    seed = content / "articles" / "id" / "kram-otot-betis.json"
    imported = runner.invoke(cli, ["import", str(markdown), "--content", str(content)])
    assert imported.exit_code == 0 and imported.stdout.startswith("Unchanged:")
    # Its hand-made layout stays: the same document is not rewritten.
    assert seed.read_bytes() == SEED_ARTICLE_PATH.read_bytes()

    new = tmp_path / "new.md"
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    imported = runner.invoke(cli, ["import", str(new), "--content", str(content)])
    target = content / "articles" / "id" / "kram-kaki-malam.json"
    assert imported.exit_code == 0 and imported.stdout.strip().endswith(str(target))
    assert target.read_text(encoding="utf-8") == json_text(json.loads(target.read_text(encoding="utf-8")))
    assert runner.invoke(cli, ["validate", "--content", str(content)]).exit_code == 0


def test_import_prints_each_problem_as_file_and_line_and_writes_nothing(tmp_path: Path) -> None:
    content = _content_copy(tmp_path)
    broken = tmp_path / "broken.md"
    broken.write_text(NEW_ARTICLE.replace("## Penyebab {#sebab}", "## Penyebab {#sebab}\n\n```\nkode\n```"))
    result = runner.invoke(cli, ["import", str(broken), "--content", str(content)])
    assert result.exit_code == ExitCode.CONTENT
    assert result.stderr.splitlines() == [
        f"{broken}:20: a fenced code block: an article has paragraphs and lists only",
        f"Nothing was written: 1 problem(s) in {broken}.",
    ]
    assert not (content / "articles" / "id" / "kram-kaki-malam.json").exists()


def test_import_reads_utf8_with_a_byte_order_mark_and_names_the_line_that_is_not(tmp_path: Path) -> None:
    content = _content_copy(tmp_path)
    marked = tmp_path / "marked.md"
    marked.write_bytes(b"\xef\xbb\xbf" + NEW_ARTICLE.encode())
    assert runner.invoke(cli, ["import", str(marked), "--content", str(content)]).exit_code == 0
    latin = tmp_path / "latin.md"
    latin.write_bytes(NEW_ARTICLE.replace("Penyebab", "Penyebab caf\u00e9").encode("latin-1"))
    result = runner.invoke(cli, ["import", str(latin), "--content", str(content)])
    assert result.exit_code == ExitCode.CONTENT
    assert result.stderr.splitlines()[0] == f"{latin}:18: the file is not UTF-8 text"


def test_export_names_a_missing_article(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", "tidak-ada", "--locale", "en", "--content", str(tmp_path)])
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr.startswith("No article 'tidak-ada' in locale 'en'")
