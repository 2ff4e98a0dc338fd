"""An article written only in Markdown is imported, its cause mentions are suggested and written, and once published
it is served with the causes it names, which the cause lookup finds by Indonesian and English words."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from infra import publish
from infra.cli import app as cli
from infra.local.stack import LocalStack
from tests.integration.conftest import BUCKET, call_api, ingest

ARTICLE = """\
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

Kram malam adalah kontraksi otot betis yang tiba-tiba saat tidur.

## Penyebab

1. Kadar kalsium yang rendah dalam darah;
2. Tubuh kekurangan cairan setelah berolahraga.

## Kapan harus ke dokter

Jika kram terjadi setiap malam, periksakan diri ke dokter.
"""


def _run(*args: str, input: str | None = None) -> Any:
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result


def test_an_article_written_in_markdown_is_served_with_the_causes_it_names(stack: LocalStack, tmp_path: Path) -> None:
    content = tmp_path / "content"
    for folder in ("articles", "causes"):
        shutil.copytree(publish.CONTENT_DIR / folder, content / folder)
    markdown = tmp_path / "kram-kaki-malam.md"
    markdown.write_text(ARTICLE, encoding="utf-8")

    _run("import", str(markdown), "--content", str(content))
    _run("mentions", "kram-kaki-malam", "--write", "--yes", "--content", str(content))
    _run("publish", "--bucket", BUCKET, "--content", str(content), "--no-wait")
    assert [r["status"] for r in ingest(stack)] == ["published"] * 3

    toc = call_api("GET", "/v1/articles/kram-kaki-malam/sections").get_json()
    assert [(s["id"], s["aspect"], s["causes"]) for s in toc["sections"]] == [
        ("apa-itu-kram-malam", "OverviewHealthAspect", []),
        ("penyebab", "CausesHealthAspect", ["hipokalsemia", "dehidrasi"]),
        ("kapan-harus-ke-dokter", "SeeDoctorHealthAspect", []),
    ]
    for words, locale in (("kalsium rendah", "id"), ("low calcium", "en")):
        found = call_api("GET", "/v1/causes", query={"q": words, "locale": locale, "article": "kram-kaki-malam"})
        best = found.get_json()["items"][0]
        assert best["id"] == "hipokalsemia"
        mention = next(m for m in best["mentions"] if m["article"] == "kram-kaki-malam")
        assert mention["excerpt"] == "Kadar kalsium yang rendah dalam darah;"
        assert mention["href"] == "/v1/articles/kram-kaki-malam/sections/penyebab"
