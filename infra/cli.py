"""`content-api`: the operators' command line.

validate, publish, unpublish, status and preview-token work on a deployed stack (``--stack``) or a bucket
(``--bucket``, with ``--endpoint-url`` for the local stack of ``make serve``). Every failure is
one or two plain lines and an exit code (``ExitCode``; docs/deploying.md lists them);
``--debug`` shows the traceback instead. import, export and mentions work on the files under
content/ alone (docs/editing-content.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from botocore.exceptions import ClientError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from health_content import __version__
from health_content.articles.model import Review
from health_content.articles.previews import DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, PreviewTokens
from health_content.causes.model import Mention
from health_content.publishing.kinds import ARTICLES, DRAFTS
from health_content.publishing.report import PublishReport
from health_content.storage.partners import DynamoPartnerDirectory
from health_content.vocabulary import DEFAULT_LOCALE, LOCALES, SLUG_PATTERN, Locale, as_locale
from infra import article_markdown, cause_mentions, generated, partners, publish, template
from infra.aws_target import (
    ExitCode,
    OperatorError,
    Target,
    explain,
    operator_identity,
    resolve,
    session_for,
    stack_output,
)
from infra.aws_target import client as aws_client

app = typer.Typer(help="Publish and check the health-content API's content.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True, soft_wrap=True)  # a message is a line, however wide the terminal
_options = {"debug": False}
PARTNER_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")

Command = TypeVar("Command", bound=Callable[..., None])
ContentDir = Annotated[Path, typer.Option("--content", help="Folder with articles/<locale>/<slug>.json.")]
Stack = Annotated[str | None, typer.Option(help="CloudFormation stack to work on.")]
Bucket = Annotated[str | None, typer.Option(help="Content bucket, instead of --stack.")]
EndpointUrl = Annotated[str | None, typer.Option(help="AWS endpoint: the local stack's, as `make serve` prints.")]
Region = Annotated[str | None, typer.Option(help="AWS region (default: from your AWS config).")]
Timeout = Annotated[float, typer.Option(help="Seconds to wait for the ingest function's verdicts.")]


def _version(value: bool) -> None:
    if value:
        console.print(f"content-api {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    _options["debug"] = debug


def speaks_plainly(command: Command) -> Command:
    """Turn any error the command meets into a line or two and its exit code (unless --debug)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as error:
            if _options["debug"]:
                raise
            plain = explain(error, kwargs.get("endpoint_url"))
            errors.print(plain.message, markup=False, highlight=False)
            raise typer.Exit(plain.code) from None

    return wrapper  # type: ignore[return-value]


@app.command()
@speaks_plainly
def validate(content: ContentDir = publish.CONTENT_DIR) -> None:
    """Validate every document under content/ with the models the ingest function uses."""
    documents = publish.collect(content)
    _show_invalid(documents)
    invalid = [d for d in documents if not d.valid]
    console.print(f"{len(documents) - len(invalid)} valid, {len(invalid)} invalid document(s).")
    if invalid:
        raise typer.Exit(ExitCode.CONTENT)


@app.command(name="publish")
@speaks_plainly
def publish_command(
    stack: Stack = None,
    bucket: Bucket = None,
    endpoint_url: EndpointUrl = None,
    region: Region = None,
    content: ContentDir = publish.CONTENT_DIR,
    wait: Annotated[bool, typer.Option(help="Wait for the ingest function's verdict on each upload.")] = True,
    force: Annotated[
        bool, typer.Option(help="Upload every document, changed or not (after a release that changes the analysis).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and say what would be uploaded; upload nothing.")
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            help="Seconds to wait for the ingest function's verdicts "
            f"(default: {publish.WAIT_SECONDS:.0f} plus {publish.WAIT_SECONDS_PER_DOCUMENT} per uploaded document)."
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Documents uploaded at once.")
    ] = publish.DEFAULT_CONCURRENCY,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft",
            help="Upload the articles that differ from what is published as drafts, which only a preview token "
            "shows (content-api preview-token); nothing is published.",
        ),
    ] = False,
) -> None:
    """Validate all of content/, then upload what changed; nothing is uploaded if one document is invalid."""
    started = time.monotonic()
    documents = publish.collect(content)
    if not all(d.valid for d in documents):
        _show_invalid(documents)
        errors.print("Nothing was published: fix the invalid documents first.")
        raise typer.Exit(ExitCode.CONTENT)
    target = resolve(stack, bucket, region, endpoint_url)
    s3 = target.client("s3", connections=concurrency)
    if draft:
        documents = publish.as_drafts(s3, target.bucket, documents, concurrency)
        if not documents:
            console.print("Every article is published as it is in content/: there is no draft to upload.")
            return
    if dry_run:
        _dry_run(s3, target, documents, force=force)
        return

    uploads: list[publish.Upload] = []
    reports: dict[str, PublishReport | None] = {}
    for phase in publish.phases(documents):
        kind = phase[0].key.split("/", 1)[0]  # articles, then causes
        uploading = ProgressLines(f"Uploading {kind}", len(phase), errors)

        def advance(upload: publish.Upload, line: ProgressLines = uploading) -> None:
            line.advance(note=upload.document.key)

        phase_uploads = publish.upload(
            s3,
            target.bucket,
            phase,
            on_progress=advance,
            force=force,
            concurrency=concurrency,
            published_by=operator_identity(target.session, target.endpoint_url),
        )
        uploading.finish()
        uploads.extend(phase_uploads)
        changed = [u for u in phase_uploads if u.uploaded]
        if wait and changed:
            waiting = ProgressLines(f"Ingest verdicts on {kind}", len(changed), errors)

            def received(verdicts: int, _: int, line: ProgressLines = waiting) -> None:
                line.reached(verdicts)

            reports.update(publish.wait_for_reports(s3, target.bucket, changed, timeout=timeout, on_progress=received))
            waiting.finish()
            if not all(r is not None and r.status.served for r in reports.values()):
                break  # later phases depend on this one
    if draft:
        console.print("Drafts are shown only with a preview token: content-api preview-token gives one.")
    elif wait and all(r is not None and r.status.served for r in reports.values()):
        for key in publish.discard_published_drafts(s3, target.bucket):
            console.print(f"{key} is published now: the draft was discarded.")
    _summarise(target, uploads, reports, wait=wait, timeout=timeout, seconds=time.monotonic() - started)


def _summarise(
    target: Target,
    uploads: list[publish.Upload],
    reports: dict[str, PublishReport | None],
    *,
    wait: bool,
    timeout: float | None,
    seconds: float,
) -> None:
    """The outcome in a few lines: counts, then a row for each document that needs a look; its exit code."""
    uploaded = sum(u.uploaded for u in uploads)
    retried = sum(u.retried for u in uploads)
    again = f" ({retried} again: the bucket had them, but they were not being served)" if retried else ""
    console.print(f"{uploaded} uploaded{again}, {len(uploads) - uploaded} unchanged, to s3://{target.bucket}.")
    if not wait or not uploaded:
        return
    counts = Counter("pending" if r is None else r.status.value for r in reports.values())
    unchanged = len(uploads) - uploaded + counts["unchanged"]
    console.print(
        f"Published {counts['published']}, unchanged {unchanged}, rejected {counts['rejected']}, "
        f"pending {counts['pending']}, in {_duration(seconds)}."
    )
    table = Table("document", "status", "reasons and warnings")
    waited = "the wait" if timeout is None else f"{timeout:.0f} s"
    for key, report in sorted(reports.items()):
        if report is None:
            table.add_row(key, "pending", f"no ingest verdict within {waited}; run `content-api status` later")
        elif report.reasons or report.warnings or not report.status.served:
            notes = [*report.reasons, *(f"warning: {w}" for w in report.warnings)]
            table.add_row(key, report.status.value, "; ".join(notes))
    if table.row_count:
        console.print(table)
    if any(r is None for r in reports.values()):
        raise typer.Exit(ExitCode.PENDING)
    if not all(r is not None and r.status.served for r in reports.values()):
        raise typer.Exit(ExitCode.CONTENT)


class ProgressLines:
    """Progress of a long step as plain lines on stderr (a log or CI keeps them; no terminal needed):
    how many of how many, the rate, and when it should end. A line at most every ``every`` seconds."""

    def __init__(
        self, what: str, total: int, out: Console, every: float = 2.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.what, self.total, self.out, self.every, self.clock = what, total, out, every, clock
        self.done = 0
        self.started = self.last = clock()

    def advance(self, note: str = "") -> None:
        self.reached(self.done + 1, note)

    def reached(self, done: int, note: str = "") -> None:
        self.done = done
        if self.clock() - self.last >= self.every:
            self._line(note)

    def finish(self) -> None:
        self._line("done" if self.done >= self.total else "")

    def _line(self, note: str) -> None:
        self.last = now = self.clock()
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        left = self.total - self.done
        eta = f", ETA {_duration(left / rate)}" if rate > 0 and left > 0 else ""
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        tail = f"  {note}" if note else ""
        self.out.print(
            f"{self.what}: {self.done:,}/{self.total:,}{share}, {rate:.1f}/s{eta}{tail}", markup=False, highlight=False
        )


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s" if minutes else f"{rest}s"


def _dry_run(s3: Any, target: Target, documents: list[publish.LocalDocument], *, force: bool) -> None:
    served = {state.key: state.content_hash for state in publish.states(s3, target.bucket) if state.served}
    table = Table("document", "would be")
    for document in documents:
        kept = not force and served.get(document.key) == document.content_hash
        table.add_row(document.key, "kept as it is" if kept else "uploaded")
    console.print(table)
    console.print(f"Dry run: nothing was uploaded to s3://{target.bucket}.")


@app.command()
@speaks_plainly
def unpublish(
    slug: Annotated[str, typer.Argument(help="The article's slug.")],
    reason: Annotated[str, typer.Option(help="Why it is withdrawn; kept with its removal.")],
    locale: Annotated[str, typer.Option(help="The article's locale.")] = DEFAULT_LOCALE,
    stack: Stack = None,
    bucket: Bucket = None,
    endpoint_url: EndpointUrl = None,
    region: Region = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and say what would happen; change nothing.")
    ] = False,
    wait: Annotated[bool, typer.Option(help="Wait for the ingest function to take it out.")] = True,
    timeout: Timeout = 60.0,
    draft: Annotated[
        bool, typer.Option("--draft", help="Discard the article's draft instead; the published article stays.")
    ] = False,
) -> None:
    """Take an article (or its draft) out of what the API serves; its versions stay in the bucket's history."""
    language = as_locale(locale)
    if language is None:
        raise OperatorError(ExitCode.USAGE, f"--locale must be one of {', '.join(LOCALES)}.")
    if not reason.strip():
        raise OperatorError(ExitCode.USAGE, "--reason must say why the article is withdrawn.")
    target = resolve(stack, bucket, region, endpoint_url)
    s3 = target.client("s3")
    key = DRAFTS.key(language, slug) if draft else ARTICLES.key(language, slug)
    if not publish.exists(s3, target.bucket, key):
        what = "draft of article" if draft else "article"
        raise OperatorError(
            ExitCode.NOT_FOUND,
            f"No {what} {slug!r} in locale {language!r} is in s3://{target.bucket}; nothing changed.",
        )
    if dry_run:
        console.print(f"Dry run: {key} would be unpublished ({reason.strip()}); nothing was changed.")
        return
    last_report = publish.unpublish(
        s3,
        target.bucket,
        key,
        reason.strip(),
        now=dt.datetime.now(dt.UTC),
        requested_by=operator_identity(target.session, target.endpoint_url),
    )
    console.print(f"{key} deleted from s3://{target.bucket} (its versions stay in the bucket's history).")
    if not wait:
        return
    with console.status("Waiting for the ingest function..."):
        report = publish.wait_for_removal(s3, target.bucket, key, last_report, timeout)
    if report is None:
        errors.print(f"No ingest verdict within {timeout:.0f} s; run `content-api status` later.")
        raise typer.Exit(ExitCode.PENDING)
    console.print(f"Unpublished: {key} is no longer served. Reason recorded: {report.reason}")


@app.command()
@speaks_plainly
def status(stack: Stack = None, bucket: Bucket = None, endpoint_url: EndpointUrl = None, region: Region = None) -> None:
    """What is published: each document's version, when it was uploaded, and the ingest function's verdict."""
    target = resolve(stack, bucket, region, endpoint_url)
    found = publish.states(target.client("s3"), target.bucket)
    today = dt.datetime.now(dt.UTC).date()
    table = Table("document", "version", "uploaded", "verdict", "medical review", "reasons")
    for state in found:
        reasons = "; ".join(state.report.reasons) if state.report and state.verdict == "rejected" else ""
        uploaded = state.uploaded_at.strftime("%Y-%m-%d %H:%M UTC") if state.uploaded_at else ""
        review = _review_summary(state.review, today) if state.review else ""
        table.add_row(state.key, (state.version_id or "")[:12], uploaded, state.verdict, review, reasons)
    console.print(table)
    served = sum(state.served for state in found)
    console.print(f"{served} of {len(found)} document(s) in s3://{target.bucket} are served as they are now.")
    overdue = [state.key for state in found if state.review and state.review.status(today) == "overdue"]
    if overdue:
        console.print(f"{len(overdue)} article(s) past their next medical review: {', '.join(overdue)}")
    if served < len(found):
        raise typer.Exit(ExitCode.CONTENT)


@app.command(name="preview-token")
@speaks_plainly
def preview_token(
    ttl: Annotated[
        int, typer.Option(min=60, max=MAX_TTL_SECONDS, help="Seconds the token is valid (at most a week).")
    ] = DEFAULT_TTL_SECONDS,
    slug: Annotated[str | None, typer.Option(help="Only this article; by default, every article's draft.")] = None,
    stack: Stack = None,
    bucket: Bucket = None,
    endpoint_url: EndpointUrl = None,
    region: Region = None,
) -> None:
    """Print a token that lets whoever holds it read drafts through the API, until it expires (last line)."""
    if slug is not None and not re.fullmatch(SLUG_PATTERN, slug):
        raise OperatorError(ExitCode.USAGE, "--slug must be an article's slug: lower-case words joined by hyphens.")
    target = resolve(stack, bucket, region, endpoint_url)
    secret = _preview_secret(target.client("secretsmanager"), template.preview_secret_name(target.bucket))
    token = PreviewTokens(lambda: secret).issue(ttl, slug)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=ttl)
    scope = f"article {slug!r}" if slug else "every article"
    console.print(f"A preview token for {scope}, valid until {expires:%Y-%m-%d %H:%M} UTC.", highlight=False)
    console.print("Send it as `Authorization: Bearer <token>`, or add `?preview=<token>` to the article's URL.")
    typer.echo(token)


def _preview_secret(secrets: Any, name: str) -> str:
    try:
        value = secrets.get_secret_value(SecretId=name)["SecretString"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise OperatorError(
                ExitCode.NOT_FOUND,
                f"There is no preview secret {name!r}: deploy the stack with a release that has previews.",
            ) from error
        raise
    return str(value)


def _locale(locale: str) -> Locale:
    language = as_locale(locale)
    if language is None:
        raise OperatorError(ExitCode.USAGE, f"--locale must be one of {', '.join(LOCALES)}.")
    return language


LocaleOption = Annotated[str, typer.Option(help="The article's locale.")]


@app.command(name="import")
@speaks_plainly
def import_command(
    path: Annotated[Path, typer.Argument(help="The article in Markdown: YAML front matter, a ## heading a section.")],
    content: ContentDir = publish.CONTENT_DIR,
) -> None:
    """Write an article written in Markdown to content/articles/<locale>/<slug>.json."""
    try:
        target, changed = article_markdown.import_file(path, content)
    except article_markdown.MarkdownRejected as rejected:
        for problem in rejected.problems:
            errors.print(f"{path}:{problem.line}: {problem.message}", markup=False, highlight=False)
        errors.print(f"Nothing was written: {len(rejected.problems)} problem(s) in {path}.")
        raise typer.Exit(ExitCode.CONTENT) from None
    console.print(f"{'Wrote' if changed else 'Unchanged:'} {target}", markup=False, highlight=False, soft_wrap=True)


@app.command()
@speaks_plainly
def export(
    slug: Annotated[str, typer.Argument(help="The article's slug.")],
    locale: LocaleOption = DEFAULT_LOCALE,
    content: ContentDir = publish.CONTENT_DIR,
) -> None:
    """Print an article as Markdown, to edit and bring back with `content-api import`."""
    sys.stdout.write(article_markdown.export_file(content, _locale(locale), slug))


@app.command()
@speaks_plainly
def mentions(
    slug: Annotated[str, typer.Argument(help="The article's slug.")],
    locale: LocaleOption = DEFAULT_LOCALE,
    content: ContentDir = publish.CONTENT_DIR,
    json_output: Annotated[
        bool, typer.Option("--json", help='Print a list of {"cause", "section", "block", "item"}.')
    ] = False,
    write: Annotated[bool, typer.Option("--write", help="Add the new mentions you accept to the taxonomy.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="With --write, accept every new mention without asking.")] = False,
) -> None:
    """Propose where the article names each cause, for the cause taxonomy's mentions."""
    found = cause_mentions.review(content, _locale(locale), slug)
    if json_output:
        sys.stdout.write(json.dumps([p.as_json() for p in found.proposals], ensure_ascii=False, indent=2) + "\n")
    else:
        _show_proposals(found)
    if not write:
        return
    accepted = [p.found for p in found.new if yes or typer.confirm(_proposal_line(p), err=True)]
    added = cause_mentions.write(content, accepted)
    errors.print(f"Added {added} mention(s) to {cause_mentions.taxonomy_path(content)}.", markup=False)


def _proposal_line(proposal: cause_mentions.Proposal) -> str:
    found = proposal.found
    return f"Add {found.cause} at {_where(found.mention)}, named {found.term!r} in “{proposal.excerpt}”?"


def _where(mention: Mention) -> str:
    item = "" if mention.item is None else f", item {mention.item}"
    return f"{mention.section}, block {mention.block}{item}"


def _show_proposals(found: cause_mentions.Review) -> None:
    table = Table("cause", "where", "found as", "text", "taxonomy")
    for proposal in found.proposals:
        where = _where(proposal.found.mention)
        status = "recorded" if proposal.recorded else "new"
        excerpt = proposal.excerpt if len(proposal.excerpt) <= 60 else proposal.excerpt[:59] + "…"
        # Text cells: an article's brackets are not rich markup.
        table.add_row(*(Text(cell) for cell in (proposal.found.cause, where, proposal.found.term, excerpt, status)))
    console.print(table)
    recorded = len(found.proposals) - len(found.new)
    console.print(f"{len(found.proposals)} mention(s) found: {recorded} recorded, {len(found.new)} new.")
    if found.unfound:
        kept = "; ".join(f"{cause} at {_where(mention)}" for cause, mention in found.unfound)
        console.print(f"Recorded but not found in the text (kept): {kept}", markup=False, highlight=False)


partners_app = typer.Typer(help="Partner API keys and their usage (stacks deployed with RequireApiKeys=true).")
app.add_typer(partners_app, name="partners")
StackName = Annotated[str, typer.Option("--stack", help="CloudFormation stack whose usage plans to use.")]


def _apigateway(region: str | None, endpoint_url: str | None) -> Any:
    return aws_client(session_for(region, endpoint_url), "apigateway", endpoint_url)


def _directory(stack: str, region: str | None, endpoint_url: str | None) -> DynamoPartnerDirectory:
    """The API's partner directory: the stack's content table, which its ContentTableName output names."""
    session = session_for(region, endpoint_url)
    table = stack_output(session, stack, "ContentTableName", endpoint_url)
    resource = session.resource("dynamodb", endpoint_url=endpoint_url)
    return DynamoPartnerDirectory(resource.Table(table))


@partners_app.command("add")
@speaks_plainly
def partners_add(
    name: Annotated[str, typer.Argument(help="The partner's name: the key's name and the usage metric's dimension.")],
    stack: StackName,
    plan: Annotated[str, typer.Option(help="Usage plan: free or partner.")] = "free",
    endpoint_url: EndpointUrl = None,
    region: Region = None,
) -> None:
    """Create a key for a partner in a usage plan and print it (it is shown only once)."""
    if not PARTNER_NAME.fullmatch(name):
        raise OperatorError(ExitCode.USAGE, "A partner's name is 1-64 letters, digits, dots, dashes or underscores.")
    key, value = partners.add(
        _apigateway(region, endpoint_url), _directory(stack, region, endpoint_url), stack, name, plan
    )
    console.print(f"Partner {key.name} has key {key.key_id} in plan {key.plan}. Give them this value, shown once:")
    console.print(value, soft_wrap=True, highlight=False)
    console.print("They send it in the x-api-key header.")


@partners_app.command("list")
@speaks_plainly
def partners_list(stack: StackName, endpoint_url: EndpointUrl = None, region: Region = None) -> None:
    """Every partner key of the stack, with its plan and whether it is active."""
    table = Table("partner", "key id", "plan", "state", "created")
    for key in partners.list_keys(_apigateway(region, endpoint_url), stack):
        created = key.created.strftime("%Y-%m-%d") if key.created else ""
        table.add_row(key.name, key.key_id, key.plan or "", "active" if key.enabled else "revoked", created)
    console.print(table)


@partners_app.command("revoke")
@speaks_plainly
def partners_revoke(
    name: Annotated[str, typer.Argument(help="The partner whose key to revoke.")],
    stack: StackName,
    endpoint_url: EndpointUrl = None,
    region: Region = None,
) -> None:
    """Disable a partner's key and take it out of its plan; API Gateway then answers its requests 403."""
    revoked = partners.revoke(_apigateway(region, endpoint_url), _directory(stack, region, endpoint_url), stack, name)
    console.print(f"Revoked {len(revoked)} key(s) of {name}: {', '.join(revoked)}. Requests with it now get 403.")


@partners_app.command("sync")
@speaks_plainly
def partners_sync(stack: StackName, endpoint_url: EndpointUrl = None, region: Region = None) -> None:
    """Enter every active key in the API's partner directory (once, after upgrading to a release that has it)."""
    entered = partners.sync(_apigateway(region, endpoint_url), _directory(stack, region, endpoint_url), stack)
    console.print(f"{entered} active key(s) entered in the partner directory of {stack}.")


@partners_app.command("usage")
@speaks_plainly
def partners_usage(
    name: Annotated[str, typer.Argument(help="The partner.")],
    stack: StackName,
    days: Annotated[int, typer.Option(min=1, max=90, help="How many days back, today included.")] = 7,
    endpoint_url: EndpointUrl = None,
    region: Region = None,
) -> None:
    """A partner's requests: per day against its quota (API Gateway) and per route (the API's metric)."""
    session = session_for(region, endpoint_url)
    found = partners.usage(
        aws_client(session, "apigateway", endpoint_url),
        aws_client(session, "cloudwatch", endpoint_url),
        stack,
        name,
        days,
        dt.datetime.now(dt.UTC).date(),
    )
    plan = found.plan
    if plan is not None:
        console.print(
            f"{name}: plan {plan.name}, {plan.rate_limit or 0:g} requests/s, quota {plan.quota} per {plan.quota_period}"
        )
    if found.quota_used is None:
        console.print("Quota use per day: not available here (API Gateway's GetUsage did not answer).")
    else:
        per_day = Table("day", "requests against the quota")
        for day, used in found.quota_used.items():
            per_day.add_row(day.isoformat(), str(used))
        console.print(per_day)
    per_route = Table("route", f"requests, last {days} day(s)")
    for route, count in found.by_route.items():
        per_route.add_row(route, str(count))
    console.print(per_route)
    console.print(f"{sum(found.by_route.values())} request(s) in all.")


@app.command()
@speaks_plainly
def schemas(write: Annotated[bool, typer.Option("--write", help="Rewrite the files.")] = False) -> None:
    """Check (or --write) the JSON Schemas in content/schemas against the models."""
    _check_or_write(generated.content_schemas(), write)


@app.command()
@speaks_plainly
def openapi(write: Annotated[bool, typer.Option("--write", help="Rewrite the file.")] = False) -> None:
    """Check (or --write) openapi.json against the routes and models."""
    _check_or_write(generated.openapi_document(), write)


def _check_or_write(files: dict[Path, str], write: bool) -> None:
    stale = generated.stale(files)
    if write:
        generated.write(files)
        console.print(f"Wrote {len(files)} file(s).")
    elif stale:
        errors.print("Out of date (run make generated): " + ", ".join(str(p) for p in stale))
        raise typer.Exit(ExitCode.CONTENT)
    else:
        console.print("Up to date.")


def _review_summary(review: Review, today: dt.date) -> str:
    status = review.status(today)
    if status == "not-reviewed":
        return "not reviewed"
    due = f", next {review.next_review}" if review.next_review else ""
    return f"{'OVERDUE: ' if status == 'overdue' else ''}reviewed {review.reviewed_at}{due}"


def _show_invalid(documents: list[publish.LocalDocument]) -> None:
    for document in documents:
        for reason in document.reasons:
            errors.print(f"[red]{document.path}[/red]: {reason}")


if __name__ == "__main__":
    sys.exit(app())
