"""The operator's side of drafts: `content-api publish --draft` uploads the articles that differ from what is
published (never the taxonomy), `preview-token` prints a token on its last line, publishing the article discards
the draft that went live, and `unpublish --draft` discards one; each on a stack of its own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner

from infra import publish, template
from infra.aws_target import ExitCode
from infra.cli import app as cli
from infra.local.stack import LocalStack
from tests.conftest import SEED_KEY
from tests.integration.conftest import BUCKET, call_api, ingest

runner = CliRunner()
DRAFT_KEY = "drafts/" + SEED_KEY
NEW_DRAFT_KEY = "drafts/articles/id/artikel-baru.json"


@pytest.fixture(autouse=True)
def _preview_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVIEW_SECRET_ID", template.preview_secret_name(BUCKET))


def _content(tmp_path: Path, title: str | None = None) -> Path:
    """content/'s articles (the taxonomy, published already, has no drafts), with the seed article's title changed
    and a new article when ``title`` is given."""
    content = tmp_path / "content"
    shutil.copytree(publish.CONTENT_DIR / "articles", content / "articles")
    if title is not None:
        seed_path = content / SEED_KEY
        seed = json.loads(seed_path.read_text(encoding="utf-8"))
        seed_path.write_text(json.dumps({**seed, "title": title}), encoding="utf-8")
        (content / "articles" / "id" / "artikel-baru.json").write_text(
            json.dumps({**seed, "slug": "artikel-baru", "related": {}}), encoding="utf-8"
        )
    return content


def _run(*args: str) -> Any:
    return runner.invoke(cli, [*args, "--bucket", BUCKET])


def _keys(s3: Any, prefix: str) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []))


def _preview(slug: str, token: str) -> dict[str, Any]:
    response = call_api("GET", f"/v1/articles/{slug}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(json.loads(response.get_data(as_text=True)))


def test_publish_draft_uploads_only_what_differs_and_a_token_shows_it(
    seeded_fresh: LocalStack, s3: Any, tmp_path: Path
) -> None:
    # Nothing differs from what is published: no draft to upload.
    unchanged = _run("publish", "--draft", "--no-wait", "--content", str(_content(tmp_path / "same")))
    assert unchanged.exit_code == 0 and "no draft to upload" in unchanged.output
    content = _content(tmp_path, title="Judul draf")
    drafted = _run("publish", "--draft", "--no-wait", "--content", str(content))
    assert drafted.exit_code == 0, drafted.output
    assert _keys(s3, "drafts/") == [NEW_DRAFT_KEY, DRAFT_KEY]
    assert "preview-token" in drafted.output
    assert {r["key"]: r["status"] for r in ingest(seeded_fresh)} == {
        DRAFT_KEY: "published",
        NEW_DRAFT_KEY: "published",
    }
    again = _run("publish", "--draft", "--no-wait", "--content", str(content))
    assert again.exit_code == 0 and "0 uploaded, 2 unchanged" in again.output

    printed = _run("preview-token", "--ttl", "600")
    assert printed.exit_code == 0, printed.output
    token = printed.output.strip().splitlines()[-1]
    assert " " not in token and token.count(".") == 2  # alone on its line: header, claims, signature
    assert (_preview("kram-otot-betis", token)["title"], _preview("artikel-baru", token)["draft"]) == (
        "Judul draf",
        True,
    )


def test_publishing_an_article_discards_the_draft_that_went_live(
    seeded_fresh: LocalStack, s3: Any, tmp_path: Path
) -> None:
    content = _content(tmp_path, title="Judul draf")
    _run("publish", "--draft", "--no-wait", "--content", str(content))
    ingest(seeded_fresh)
    assert publish.discard_published_drafts(s3, BUCKET) == []  # what is published is not the draft yet
    assert _run("publish", "--no-wait", "--content", str(content)).exit_code == 0
    ingest(seeded_fresh)
    assert publish.discard_published_drafts(s3, BUCKET) == [NEW_DRAFT_KEY, DRAFT_KEY]
    assert {r["key"]: r["status"] for r in ingest(seeded_fresh)} == {
        DRAFT_KEY: "removed",
        NEW_DRAFT_KEY: "removed",
    }
    token = _run("preview-token").output.strip().splitlines()[-1]
    published = _preview("kram-otot-betis", token)
    assert (published["draft"], published["title"]) == (False, "Judul draf")
    assert publish.discard_published_drafts(s3, BUCKET) == []


def test_unpublish_draft_discards_the_draft_and_leaves_the_article(seeded_fresh: LocalStack, tmp_path: Path) -> None:
    _run("publish", "--draft", "--no-wait", "--content", str(_content(tmp_path, title="Judul draf")))
    ingest(seeded_fresh)
    result = _run("unpublish", "kram-otot-betis", "--draft", "--reason", "tidak jadi", "--no-wait")
    assert result.exit_code == 0, result.output
    assert {r["key"]: r["status"] for r in ingest(seeded_fresh)} == {DRAFT_KEY: "removed"}
    token = _run("preview-token").output.strip().splitlines()[-1]
    assert _preview("kram-otot-betis", token)["draft"] is False
    assert call_api("GET", "/v1/articles/kram-otot-betis").status_code == 200
    missing = _run("unpublish", "kram-otot-betis", "--draft", "--reason", "lagi", "--no-wait")
    assert missing.exit_code == ExitCode.NOT_FOUND and "No draft of article" in missing.output


def test_preview_token_says_plainly_what_is_wrong(stack: LocalStack) -> None:
    bad_slug = _run("preview-token", "--slug", "Bukan Slug")
    assert bad_slug.exit_code == ExitCode.USAGE and "--slug" in bad_slug.output
    too_long = _run("preview-token", "--ttl", str(8 * 24 * 3600))
    assert too_long.exit_code == ExitCode.USAGE
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    secrets.delete_secret(SecretId=template.preview_secret_name(BUCKET), ForceDeleteWithoutRecovery=True)
    missing = _run("preview-token")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert missing.output.strip() == (
        f"There is no preview secret '{BUCKET}/preview-token': deploy the stack with a release that has previews."
    )
