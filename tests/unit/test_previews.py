"""Preview tokens open drafts only while valid, only for their article, only under the secret that signed them; and
the preview page's account of what a draft changes marks the words that changed, section by section."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest

from health_content.articles.diff import Edit, SectionStatus, draft_changes
from health_content.articles.model import Article
from health_content.articles.previews import MAX_TTL_SECONDS, PreviewTokens
from health_content.errors import InvalidPreviewToken

SECRET = "s" * 64


def _tokens(secret: str = SECRET, now: dt.datetime | None = None) -> PreviewTokens:
    """Tokens issued now (the system's clock, which PyJWT checks them against), or at ``now``."""
    if now is None:
        return PreviewTokens(lambda: secret)
    return PreviewTokens(lambda: secret, clock=lambda: now)


def test_a_token_opens_every_article_until_it_expires() -> None:
    now = dt.datetime.now(dt.UTC)
    grant = _tokens(now=now).check(_tokens(now=now).issue(3600), "kram-otot-betis")
    assert grant.slug is None and grant.opens("artikel-lain")
    assert abs((grant.expires_at - now).total_seconds() - 3600) <= 1


def test_a_token_for_one_article_opens_that_article_only() -> None:
    token = _tokens().issue(600, slug="kram-otot-betis")
    assert _tokens().check(token, "kram-otot-betis").slug == "kram-otot-betis"
    with pytest.raises(InvalidPreviewToken, match="is for article 'kram-otot-betis', not 'artikel-lain'"):
        _tokens().check(token, "artikel-lain")


def test_an_expired_token_is_refused() -> None:
    issued_two_hours_ago = _tokens(now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).issue(3600)
    with pytest.raises(InvalidPreviewToken, match="expired"):
        _tokens().check(issued_two_hours_ago, "kram-otot-betis")


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _with_claims(token: str, claims: dict[str, Any]) -> str:
    header, _, signature = token.split(".")
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{payload}.{signature}"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: _with_claims(token, {**_claims(token), "slug": "artikel-lain"}),  # another article
        lambda token: _with_claims(token, {**_claims(token), "exp": _claims(token)["exp"] + 86400}),  # longer life
        lambda token: token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),  # the signature
        lambda token: token.rsplit(".", 1)[0] + ".",  # no signature
        lambda token: "not-a-token",
        lambda token: "",
    ],
    ids=["other-slug", "longer-life", "signature", "unsigned", "garbage", "empty"],
)
def test_an_altered_or_made_up_token_is_refused(tamper: Any) -> None:
    token = _tokens().issue(600, slug="kram-otot-betis")
    with pytest.raises(InvalidPreviewToken, match="not one this API issued"):
        _tokens().check(tamper(token), "artikel-lain")


def test_a_token_signed_with_another_secret_or_for_another_purpose_is_refused() -> None:
    with pytest.raises(InvalidPreviewToken, match="not one this API issued"):
        _tokens().check(_tokens(secret="t" * 64).issue(600), "kram-otot-betis")
    import jwt

    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    other_audience = jwt.encode({"aud": "something-else", "exp": expires}, SECRET, "HS256")
    with pytest.raises(InvalidPreviewToken, match="not one this API issued"):
        _tokens().check(other_audience, "kram-otot-betis")


def test_without_a_secret_every_token_is_refused_and_the_secret_is_read_once() -> None:
    with pytest.raises(InvalidPreviewToken, match="not set up"):
        PreviewTokens(None).check("anything", "kram-otot-betis")
    reads: list[int] = []

    def secret() -> str:
        reads.append(1)
        return SECRET

    tokens = PreviewTokens(secret)
    for _ in range(3):
        tokens.check(tokens.issue(60), "kram-otot-betis")
    assert len(reads) == 1


def test_a_token_lasts_at_most_a_week() -> None:
    with pytest.raises(ValueError, match="lasts"):
        _tokens().issue(MAX_TTL_SECONDS + 1)


# --- what a draft changes -------------------------------------------------------------------


def _article(seed_document: dict[str, Any], **changes: Any) -> Article:
    return Article.model_validate({**seed_document, **changes})


def test_a_rewritten_paragraph_is_marked_word_by_word(seed_document: dict[str, Any]) -> None:
    published = _article(seed_document)
    sections = json.loads(json.dumps(seed_document["sections"]))
    first = sections[0]["blocks"][0]
    old_text = first["text"]
    first["text"] = old_text.replace(old_text.split()[1], "BARU", 1)
    changes = draft_changes(published, _article(seed_document, sections=sections))
    [change] = changes.sections
    assert (change.id, change.status) == (sections[0]["id"], SectionStatus.CHANGED)
    [line] = change.lines
    assert [piece.text.strip() for piece in line.pieces if piece.edit is Edit.REMOVED] == [old_text.split()[1]]
    assert [piece.text.strip() for piece in line.pieces if piece.edit is Edit.ADDED] == ["BARU"]
    # The line reads as the draft's text when the removed words are left out, and as the published one without
    # the added words.
    assert "".join(p.text for p in line.pieces if p.edit is not Edit.REMOVED) == first["text"]
    assert "".join(p.text for p in line.pieces if p.edit is not Edit.ADDED) == old_text
    assert changes.unchanged == len(sections) - 1 and not changes.first_version


def test_sections_added_and_removed_are_shown_whole(seed_document: dict[str, Any]) -> None:
    published = _article(seed_document)
    sections = seed_document["sections"]
    added = {
        "id": "catatan",
        "heading": "Catatan",
        "aspect": "OverviewHealthAspect",
        "blocks": [{"type": "list", "ordered": True, "items": ["satu", "dua"]}],
    }
    changes = draft_changes(published, _article(seed_document, sections=[*sections[1:], added]))
    assert [(c.id, c.status) for c in changes.sections] == [
        ("catatan", SectionStatus.ADDED),
        (sections[0]["id"], SectionStatus.REMOVED),
    ]
    new_lines = [[(p.edit, p.text) for p in line.pieces] for line in changes.sections[0].lines]
    assert new_lines == [[(Edit.ADDED, "Catatan")], [(Edit.ADDED, "1. satu")], [(Edit.ADDED, "2. dua")]]
    assert all(p.edit is Edit.REMOVED for line in changes.sections[1].lines for p in line.pieces)


def test_a_draft_of_an_unpublished_article_is_new_throughout_and_an_unchanged_one_changes_nothing(
    seed_document: dict[str, Any],
) -> None:
    article = _article(seed_document)
    first = draft_changes(None, article)
    assert first.first_version and [c.status for c in first.sections] == [SectionStatus.ADDED] * len(article.sections)
    same = draft_changes(article, article)
    assert same.sections == () and same.unchanged == len(article.sections)
