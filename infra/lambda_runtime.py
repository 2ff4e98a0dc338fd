"""A local stand-in for what Lambda puts beside a function's package, to run `sam build` output as Lambda does.

On AWS a function runs on Python 3.13 with its package in /var/task (read-only, so only the bytecode
shipped is used), the Powertools layer (Powertools with its tracer, pydantic) and the runtime's boto3
and snapshot-restore-py. This module keeps a Python 3.13 virtualenv holding exactly those, at the
releases the tests run, so that a package missing a dependency fails here as it would on Lambda. The
speed bench runs the API, its floor and its peer in it; the build test runs the built API in it.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from infra.python313 import python313_dir
from infra.template import REPO_ROOT, load_template

RUNTIME_DIR = REPO_ROOT / ".venv-lambda"
# What Lambda sets for an invocation X-Ray samples, here the first one (segments go to UDP port 2000, where
# no daemon listens here; on Lambda one does). The bench's warm calls each get their own header.
SAMPLED_TRACE = "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1"


def provided() -> list[str]:
    """The layer's and the runtime's packages, pinned to the releases of the development virtualenv."""
    dependencies = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    [powertools] = [d for d in dependencies if d.startswith("aws-lambda-powertools")]
    return [
        powertools,
        f"pydantic=={version('pydantic')}",
        f"boto3=={version('boto3')}",
        f"snapshot-restore-py=={version('snapshot-restore-py')}",
    ]


def python(extra: Sequence[str] = ()) -> Path:
    """The runtime's interpreter, its virtualenv created or completed first (``extra``: what a harness adds,
    such as the bench's peer framework; the functions' packages never import it)."""
    stamp = RUNTIME_DIR / ".installed"
    interpreter = RUNTIME_DIR / "bin" / "python"
    installed = set(stamp.read_text().splitlines()) if stamp.is_file() and interpreter.exists() else set()
    wanted = {*provided(), *extra}
    if wanted <= installed:
        return interpreter
    if not set(provided()) <= installed:  # another release of the layer: start again
        directory = python313_dir()
        if directory is None:
            raise RuntimeError("python3.13 not found: install it (pyenv install 3.13) to run packages as Lambda does")
        subprocess.run([str(directory / "python3.13"), "-m", "venv", "--clear", str(RUNTIME_DIR)], check=True)
        installed = set()
    subprocess.run(
        [str(interpreter), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *sorted(wanted)],
        check=True,
        env={**os.environ, "PIP_NO_INPUT": "1"},
    )
    stamp.write_text("\n".join(sorted(installed | wanted)))
    return interpreter


def host_builds(package: Path) -> Path:
    """This machine's builds of the package's compiled dependencies, at the releases it ships (a folder to put
    before the package): the package holds wheels for Lambda's arm64, which cannot load here. What the code
    imports, and the releases, are the package's; only the machine code is this host's."""
    compiled = []
    for wheel in sorted(package.glob("*.dist-info/WHEEL")):
        if "Root-Is-Purelib: false" in wheel.read_text():
            metadata = (wheel.parent / "METADATA").read_text().splitlines()
            name = next(line.split(": ", 1)[1] for line in metadata if line.startswith("Name: "))
            release = next(line.split(": ", 1)[1] for line in metadata if line.startswith("Version: "))
            compiled.append(f"{name}=={release}")
    target = RUNTIME_DIR / "host-builds" / "-".join(compiled).replace("==", "-")
    stamp = target / ".installed"
    if compiled and not stamp.is_file():
        subprocess.run(
            [
                str(python()),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--only-binary=:all:",
                "--no-deps",
                "--target",
                str(target),
                *compiled,
            ],
            check=True,
            env={**os.environ, "PIP_NO_INPUT": "1"},
        )
        stamp.touch()
    return target


def template_settings() -> dict[str, str]:
    """The functions' environment as template.yaml sets it, where it is a plain value (not a reference)."""
    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    return {name: value for name, value in variables.items() if isinstance(value, str)}


def environment(package: Path, *, endpoint: str, table: str, also: Sequence[Path] = ()) -> dict[str, str]:
    """Variables for a process that runs ``package`` the way Lambda does: imported from its directory without
    writing bytecode (Lambda's file system is read-only), tracing on as the template sets it, AWS at
    ``endpoint`` (a moto server). ``also`` adds source trees a harness needs beside the package."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_", "PYTHON"))},
        "PYTHONPATH": os.pathsep.join(str(path) for path in (host_builds(package), package, *also)),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "CONTENT_TABLE_NAME": table,
        **template_settings(),
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "AWS_LAMBDA_FUNCTION_NAME": "ApiFunction",  # as on Lambda: the init hooks run and the tracer is on
        "LAMBDA_TASK_ROOT": str(package),  # how the X-Ray SDK knows it runs in Lambda (no sampler to set up)
        "_X_AMZN_TRACE_ID": SAMPLED_TRACE,
    }
