"""The example responses in the README and in docs/ are what the API answers today.

An example follows a marker `<!-- checked example: GET /path?query -->` as a console block: the
curl line, then the response as JSON in which `"…"` stands for what the example leaves out (any
value; the end of a list; the rest of a string it ends). Keys an example does not show are not
checked; every key it shows is.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import click
import httpx
import pytest
import typer
from werkzeug.serving import make_server

from api import handler as api_handler
from infra.cli import app as cli
from infra.local.http_adapter import ApiGatewayAdapter
from infra.local.stack import LocalStack
from infra.template import REPO_ROOT
from tests.integration.conftest import call_api

ELIDED = "…"
_EXAMPLE = re.compile(r"<!-- checked example: GET (?P<url>\S+) -->\n```console\n\$ [^\n]*\n(?P<body>.*?)\n```", re.S)


PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]


def _examples(pages: list[Path] = PAGES) -> list[tuple[str, Any]]:
    return [
        (found["url"], json.loads(found["body"]))
        for page in pages
        for found in _EXAMPLE.finditer(page.read_text(encoding="utf-8"))
    ]


def _mismatches(shown: Any, actual: Any, where: str = "") -> list[str]:
    if shown == ELIDED:
        return []
    if isinstance(shown, str) and shown.endswith(ELIDED):
        prefix = shown[: -len(ELIDED)]
        return [] if isinstance(actual, str) and actual.startswith(prefix) else [f"{where}: {actual!r}"]
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return [f"{where}: not an object"]
        problems = [f"{where}.{key}: missing" for key in shown if key not in actual]
        for key in shown.keys() & actual.keys():
            problems += _mismatches(shown[key], actual[key], f"{where}.{key}")
        return problems
    if isinstance(shown, list):
        complete = not shown or shown[-1] != ELIDED
        listed = shown if complete else shown[:-1]
        if not isinstance(actual, list) or (len(actual) != len(listed) if complete else len(actual) < len(listed)):
            return [f"{where}: {len(actual) if isinstance(actual, list) else actual!r} items"]
        return [problem for n, item in enumerate(listed) for problem in _mismatches(item, actual[n], f"{where}[{n}]")]
    return [] if shown == actual else [f"{where}: {actual!r}, not {shown!r}"]


def test_the_readme_and_the_docs_have_checked_examples() -> None:
    assert len(_examples(PAGES[:1])) >= 1  # the README shows at least one answer
    assert len(_examples()) >= 4


@pytest.mark.parametrize(("url", "shown"), _examples(), ids=[url for url, _ in _examples()])
def test_a_readme_example_is_what_the_api_answers(seeded: LocalStack, url: str, shown: Any) -> None:
    parts = urlsplit(url)
    actual = json.loads(call_api("GET", parts.path, query=dict(parse_qsl(parts.query))).get_data(as_text=True))
    assert _mismatches(shown, actual) == []


# --- snippets: the commands and the code the pages give to copy ------------------------------------------------

_BLOCK = re.compile(r"```(?P<language>\w*)\n(?P<code>.*?)```", re.S)
_PLACEHOLDER = re.compile(r"<[^>\n]+>")  # <stack-name>, <the endpoint make serve printed>


def _blocks(language: str, pages: list[Path] = PAGES) -> list[tuple[str, str]]:
    return [
        (page.name, found["code"])
        for page in pages
        for found in _BLOCK.finditer(page.read_text(encoding="utf-8"))
        if found["language"] == language
    ]


def _commands(code: str) -> list[str]:
    """The command lines of a shell block: a `$ ` prompt dropped, continuation lines joined, comments dropped."""
    lines = code.replace("\\\n", " ").splitlines()
    return [line.removeprefix("$ ") for line in lines if line.strip() and not line.startswith(("#", "{", " "))]


def _parse(command: click.Command, arguments: list[str], parent: click.Context | None = None) -> None:
    """Parse a command line as the CLI would, down to its subcommand: an unknown command or option raises."""
    context = command.make_context(command.name or "content-api", arguments, parent=parent)
    if isinstance(command, click.Group):
        name, subcommand, rest = command.resolve_command(context, [*context.protected_args, *context.args])
        assert subcommand is not None, name
        _parse(subcommand, rest, context)


def test_every_content_api_command_the_pages_give_runs_as_written() -> None:
    cli_command = typer.main.get_command(cli)
    given = [
        (page, line)
        for language in ("bash", "console")
        for page, code in _blocks(language)
        for line in _commands(code)
        if "content-api" in line.split(" ", 1)[0]
    ]
    assert len(given) >= 10
    for page, line in given:
        words = shlex.split(_PLACEHOLDER.sub("x", line), comments=True)
        # `make install` puts the command in the virtualenv; nothing puts it on the PATH.
        assert words[0] == ".venv/bin/content-api", f"{page}: {line}"
        _parse(cli_command, words[1:])


def test_the_python_the_pages_give_runs_against_the_api(seeded: LocalStack, monkeypatch, capsys) -> None:
    # Through the local runner's API Gateway adapter, whatever host the snippet names.
    api = httpx.WSGITransport(app=ApiGatewayAdapter(api_handler.lambda_handler))
    monkeypatch.setattr(httpx, "Client", functools.partial(httpx.Client, transport=api))
    snippets = [(page, code) for page, code in _blocks("python") if "konten_sehat_client" not in code]
    assert snippets  # the typed client's example is run by test_generated_client.py, with the client it needs
    for page, code in snippets:
        exec(compile(code, page, "exec"), {})  # our own documentation
        if "api.example.org" in code:  # one that calls the API prints what it found; others only define
            assert capsys.readouterr().out.strip(), page


@pytest.mark.enable_socket
def test_the_javascript_the_readme_gives_runs_in_node(seeded: LocalStack) -> None:
    [(_, code)] = _blocks("js", PAGES[:1])
    [url] = re.findall(r'getJson\("([^"]+)"\)', code)
    server = make_server("127.0.0.1", 0, ApiGatewayAdapter(api_handler.lambda_handler), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # Asked again, the article comes from the snippet's cache, after a 304 with no body.
        script = f"{code}\nconst again = await getJson({json.dumps(url)});\n"
        script += "console.log(JSON.stringify({title: article.title, kept: again === article}));"
        origin = urlsplit(url)
        local = script.replace(f"{origin.scheme}://{origin.netloc}", f"http://127.0.0.1:{server.server_port}")
        node = shutil.which("node")
        assert node, "the machine's Node.js runs the README's JavaScript"
        ran = subprocess.run([node, "--input-type=module", "-e", local], capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {"title": "Gerak Otot Betis saat Kaki Kram", "kept": True}
