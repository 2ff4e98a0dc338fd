"""`content-api`: the operators' command line (validate, publish, regenerate artefacts)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import boto3
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from health_content.publishing.report import PublishReport
from infra import generated, publish

app = typer.Typer(help="Publish and check the health-content API's content.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

ContentDir = Annotated[Path, typer.Option("--content", help="Folder with articles/<locale>/<slug>.json.")]


@app.command()
def validate(content: ContentDir = publish.CONTENT_DIR) -> None:
    """Validate every document under content/ with the models the ingest function uses."""
    documents = publish.collect(content)
    _show_invalid(documents)
    invalid = [d for d in documents if not d.valid]
    console.print(f"{len(documents) - len(invalid)} valid, {len(invalid)} invalid document(s).")
    if invalid:
        raise typer.Exit(1)


@app.command(name="publish")
def publish_command(
    stack: Annotated[str | None, typer.Option(help="CloudFormation stack to publish to.")] = None,
    bucket: Annotated[str | None, typer.Option(help="Content bucket, instead of --stack.")] = None,
    endpoint_url: Annotated[str | None, typer.Option(help="AWS endpoint, for a local moto stack.")] = None,
    region: Annotated[str | None, typer.Option(help="AWS region (default: from your AWS config).")] = None,
    content: ContentDir = publish.CONTENT_DIR,
    wait: Annotated[bool, typer.Option(help="Wait for the ingest function's verdict on each upload.")] = True,
    force: Annotated[
        bool, typer.Option(help="Upload every document, changed or not (after a release that changes the analysis).")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the verdicts.")] = 120.0,
) -> None:
    """Validate all of content/, then upload what changed; nothing is uploaded if one document is invalid."""
    if (stack is None) == (bucket is None):
        errors.print("Give exactly one of --stack or --bucket.")
        raise typer.Exit(2)
    session = boto3.session.Session(region_name=region)
    bucket_name = bucket or _stack_output(session, stack or "", "ContentBucketName", endpoint_url)
    s3 = session.client("s3", endpoint_url=endpoint_url)

    documents = publish.collect(content)
    if not all(d.valid for d in documents):
        _show_invalid(documents)
        errors.print("Nothing was published: fix the invalid documents first.")
        raise typer.Exit(1)

    uploads: list[publish.Upload] = []
    reports: dict[str, PublishReport | None] = {}
    for phase in publish.phases(documents):
        with Progress(
            TextColumn("[bold]Uploading"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=console,
        ) as progress:
            task = progress.add_task("", total=len(phase))

            def advance(upload: publish.Upload, task: Any = task, progress: Progress = progress) -> None:
                progress.update(task, advance=1, description=upload.document.key)

            phase_uploads = publish.upload(s3, bucket_name, phase, on_progress=advance, force=force)
        uploads.extend(phase_uploads)
        changed = [u for u in phase_uploads if u.uploaded]
        if wait and changed:
            with console.status("Waiting for the ingest function..."):
                reports.update(publish.wait_for_reports(s3, bucket_name, changed, timeout=timeout))
            if not all(r is not None and r.status.served for r in reports.values()):
                break  # later phases depend on this one

    uploaded = sum(u.uploaded for u in uploads)
    console.print(f"{uploaded} uploaded, {len(uploads) - uploaded} unchanged, to s3://{bucket_name}.")
    if not reports:
        return
    table = Table("document", "status", "reasons and warnings")
    for key, report in sorted(reports.items()):
        if report is None:
            table.add_row(key, "pending", "no ingest report yet; check the ingest logs")
            continue
        notes = [*report.reasons, *(f"warning: {w}" for w in report.warnings)]
        table.add_row(key, report.status.value, "; ".join(notes))
    console.print(table)
    if not all(r is not None and r.status.served for r in reports.values()):
        raise typer.Exit(1)


@app.command()
def schemas(write: Annotated[bool, typer.Option("--write", help="Rewrite the files.")] = False) -> None:
    """Check (or --write) the JSON Schemas in content/schemas against the models."""
    _check_or_write(generated.content_schemas(), write)


@app.command()
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
        raise typer.Exit(1)
    else:
        console.print("Up to date.")


def _show_invalid(documents: list[publish.LocalDocument]) -> None:
    for document in documents:
        for reason in document.reasons:
            errors.print(f"[red]{document.path}[/red]: {reason}")


def _stack_output(session: Any, stack: str, name: str, endpoint_url: str | None) -> str:
    cloudformation = session.client("cloudformation", endpoint_url=endpoint_url)
    outputs = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    for output in outputs:
        if output["OutputKey"] == name:
            return str(output["OutputValue"])
    errors.print(f"Stack {stack} has no output {name}; is it this project's stack?")
    raise typer.Exit(2)


if __name__ == "__main__":
    sys.exit(app())
