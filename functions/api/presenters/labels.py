"""The words embeds and their error pages show around the content, in each locale."""

from __future__ import annotations

from api.models.embeds import EmbedLabels
from health_content.vocabulary import Locale

LABELS: dict[Locale, EmbedLabels] = {
    "id": EmbedLabels(
        disclaimer="Penting:",
        source="Sumber:",
        read_more="Baca selengkapnya",
        provided_by="Disediakan oleh",
        unavailable="Konten ini tidak dapat dimuat saat ini.",
        not_found="Konten ini tidak ditemukan.",
        not_reviewed="Belum ditinjau oleh tenaga medis.",
        reviewed_by="Ditinjau oleh",
        review_overdue="Tinjauan medisnya sudah lewat waktu.",
        corrections="Koreksi redaksi",
        retracted="Artikel ini telah ditarik oleh redaksi.",
        retracted_on="Ditarik pada",
        reason="Alasan:",
    ),
    "en": EmbedLabels(
        disclaimer="Important:",
        source="Source:",
        read_more="Read more",
        provided_by="Provided by",
        unavailable="This content cannot be loaded right now.",
        not_found="This content was not found.",
        not_reviewed="Not yet reviewed by a medical professional.",
        reviewed_by="Reviewed by",
        review_overdue="Its medical review is overdue.",
        corrections="Editorial corrections",
        retracted="This article was withdrawn by its editors.",
        retracted_on="Withdrawn on",
        reason="Reason:",
    ),
}
# The title of an error page for a request the client got wrong (the detail below it says how).
REFUSED: dict[Locale, str] = {
    "id": "Permintaan ini tidak dapat dipenuhi.",
    "en": "This request cannot be answered.",
}
