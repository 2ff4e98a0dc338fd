"""Previews for editors: the draft marked as such in JSON, and in the page a banner and what the draft changes."""

from __future__ import annotations

from dataclasses import dataclass

from api.models.articles import (
    ArticleOut,
    ArticlePreviewOut,
    SectionListOut,
    SectionListPreviewOut,
    SectionOut,
    SectionPreviewOut,
)
from health_content.articles.diff import DraftChanges, SectionStatus
from health_content.reading import ArticlePreview
from health_content.vocabulary import Locale


@dataclass(frozen=True, slots=True)
class PreviewWords:
    """What the preview page says around the content, in one locale."""

    label: str
    draft: str
    no_draft: str
    changes: str
    first_version: str
    no_changes: str
    unchanged: str
    """With ``{count}``: how many sections are the same."""
    status: dict[SectionStatus, str]


WORDS: dict[Locale, PreviewWords] = {
    "id": PreviewWords(
        label="DRAF",
        draft="Pratinjau untuk editor: versi ini belum diterbitkan dan tidak terlihat oleh pembaca.",
        no_draft="Pratinjau untuk editor: artikel ini tidak punya draf; ini versi yang sudah terbit.",
        changes="Perubahan dibanding versi yang terbit",
        first_version="Belum ada versi yang terbit: semua bagian baru.",
        no_changes="Tidak ada perubahan dibanding versi yang terbit.",
        unchanged="{count} bagian lain tidak berubah.",
        status={
            SectionStatus.ADDED: "Bagian baru:",
            SectionStatus.REMOVED: "Bagian dihapus:",
            SectionStatus.CHANGED: "Bagian diubah:",
        },
    ),
    "en": PreviewWords(
        label="DRAFT",
        draft="Editors' preview: this version is not published and readers cannot see it.",
        no_draft="Editors' preview: this article has no draft; this is its published version.",
        changes="What changed against the published version",
        first_version="Nothing is published yet: every section is new.",
        no_changes="Nothing changed against the published version.",
        unchanged="{count} other section(s) unchanged.",
        status={
            SectionStatus.ADDED: "New section:",
            SectionStatus.REMOVED: "Removed section:",
            SectionStatus.CHANGED: "Changed section:",
        },
    ),
}


@dataclass(frozen=True, slots=True)
class PagePreview:
    """What the preview page shows above the article."""

    draft: bool
    words: PreviewWords
    changes: DraftChanges

    @property
    def unchanged(self) -> str:
        return self.words.unchanged.format(count=self.changes.unchanged)


def page_preview(preview: ArticlePreview, locale: Locale) -> PagePreview:
    return PagePreview(preview.is_draft, WORDS[locale], preview.changes())


def article_preview_out(body: ArticleOut, preview: ArticlePreview) -> ArticlePreviewOut:
    return ArticlePreviewOut(**dict(body), draft=preview.is_draft)


def section_list_preview_out(body: SectionListOut, preview: ArticlePreview) -> SectionListPreviewOut:
    return SectionListPreviewOut(**dict(body), draft=preview.is_draft)


def section_preview_out(body: SectionOut, preview: ArticlePreview) -> SectionPreviewOut:
    return SectionPreviewOut(**dict(body), draft=preview.is_draft)
