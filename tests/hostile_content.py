"""An article whose every text field tries to become markup or script: embeds must show it as text."""

from __future__ import annotations

from typing import Any

HOSTILE = {
    "title": 'Judul "><script>alert("title")</script>',
    "heading": "<img src=x onerror=alert('heading')>",
    "paragraph": 'Teks </p><script>alert(1)</script><a href="javascript:alert(2)">klik</a>',
    "item": "javascript:alert(3)",
    "source": 'Sumber" onmouseover="alert(4)',
}


def hostile_article(seed_document: dict[str, Any]) -> dict[str, Any]:
    return {
        **seed_document,
        "slug": "artikel-uji",
        "title": HOSTILE["title"],
        "source": {"name": HOSTILE["source"]},
        "sections": [
            {
                "id": "uji",
                "heading": HOSTILE["heading"],
                "aspect": "OverviewHealthAspect",
                "blocks": [
                    {"type": "paragraph", "text": HOSTILE["paragraph"]},
                    {"type": "list", "ordered": False, "items": [HOSTILE["item"]]},
                ],
            }
        ],
    }
