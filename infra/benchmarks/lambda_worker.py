"""What the speed bench runs inside the Lambda-like runtime (``infra/lambda_runtime.py``), one process each:

    python -m infra.benchmarks.lambda_worker cold MODULE PATH
    python -m infra.benchmarks.lambda_worker warm MODULE SCENARIOS_JSON CALLS [PREPARED_TAXONOMY_JSON]
    python -m infra.benchmarks.lambda_worker resolve MODULE MIX_FILE CONCRETE_MIX_FILE
    python -m infra.benchmarks.lambda_worker serve MODULE CONCRETE_MIX_FILE   (then commands on stdin)
    python -m infra.benchmarks.lambda_worker scale MODULE PLAN_FILE           (then commands on stdin)

and prints one JSON line. It imports the standard library, the local runner's events and the measured
handler module, nothing else, so each subject pays only for its own imports.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from infra.local.events import LambdaContextStub, rest_api_event

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

SAMPLED_ONE_IN = 20
"""X-Ray's default sampling rule past its reservoir of one request a second: 5% of a burst is traced."""


def _new_invocation(number: int) -> None:
    """The trace header Lambda gives each invocation: a new trace, sampled as X-Ray's default rule samples."""
    sampled = int(number % SAMPLED_ONE_IN == 0)
    os.environ["_X_AMZN_TRACE_ID"] = f"Root=1-5759e988-{number:024x};Parent=53995c3f42cd8ad8;Sampled={sampled}"


def cold(module_name: str, path: str) -> dict[str, float]:
    """Import the handler's module and answer its first request, as a Lambda cold start does."""
    started = time.perf_counter()
    module = importlib.import_module(module_name)
    imported = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        result = module.lambda_handler(rest_api_event("GET", path), LambdaContextStub())
    answered = time.perf_counter()
    assert result["statusCode"] == 200, result
    return {"import_ms": (imported - started) * 1000, "first_ms": (answered - imported) * 1000}


def _etag(result: dict[str, Any]) -> str:
    """The ETag of a proxy result, wherever and however the framework wrote it."""
    single = {name.lower(): value for name, value in (result.get("headers") or {}).items()}
    multiple = {name.lower(): values[0] for name, values in (result.get("multiValueHeaders") or {}).items()}
    return str({**single, **multiple}["etag"])


def warm(module_name: str, scenarios: dict[str, list[list[Any]]], calls: int) -> dict[str, dict[str, Any]]:
    """Per scenario (requests called in turn, `calls` in all): p50 and p99 in µs, and the slowest first call
    of a request (rendered for the first time by this container), the statuses and the largest body.
    `<etag>` in a header is replaced by the ETag the same request answers with. Each call is a new
    invocation with its own trace header, one in SAMPLED_ONE_IN of them sampled."""
    handler: Handler = importlib.import_module(module_name).lambda_handler
    context = LambdaContextStub()
    figures = {}
    with contextlib.redirect_stdout(io.StringIO()):  # the functions' logs and metrics
        for name, requests in scenarios.items():
            events, firsts, statuses, sizes = [], [], set(), []
            for path, query, headers in requests:
                etag = ""
                if any("<etag>" in value for value in headers.values()):
                    etag = _etag(handler(rest_api_event("GET", path, query=query), context))
                event = rest_api_event(
                    "GET", path, query=query, headers={k: v.replace("<etag>", etag) for k, v in headers.items()}
                )
                started = time.perf_counter_ns()
                result = handler(event, context)
                firsts.append((time.perf_counter_ns() - started) / 1000)
                statuses.add(result["statusCode"])
                sizes.append(len(result.get("body") or ""))
                events.append(event)
            for number in range(50):  # the first calls after a rendering (caches, branch predictors)
                _new_invocation(number + 1)
                handler(events[number % len(events)], context)
            samples = []
            for number in range(calls):
                event = events[number % len(events)]
                _new_invocation(number)
                started = time.perf_counter_ns()
                handler(event, context)
                samples.append((time.perf_counter_ns() - started) / 1000)
            samples.sort()
            figures[name] = {
                "p50": statistics.median(samples),
                "p99": samples[int(len(samples) * 0.99) - 1],
                "first_max": max(firsts),
                "statuses": sorted(statuses),
                "bytes": max(sizes),
            }
    return figures


def _json_body(result: dict[str, Any]) -> dict[str, Any]:
    body = result.get("body") or "{}"
    return dict(json.loads(base64.b64decode(body) if result.get("isBase64Encoded") else body))


class _Resolver:
    """Makes a request mix's placeholders concrete, as a client would from earlier answers: `<etag>` in a
    header becomes the ETag of the same request without it, and a `cursor` of `<page:N>` the cursor of the
    N-th page after the first (following `next_cursor`; the last page's if there are fewer)."""

    def __init__(self, handler: Handler, context: Any) -> None:
        self._handler, self._context = handler, context
        self._etags: dict[str, str] = {}
        self._cursors: dict[str, tuple[list[str], bool]] = {}  # per listing: the cursors of its pages, all of them?

    def request(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[dict[str, str], ...]:
        """The query and headers of the request, concrete."""
        query = dict(query)
        if query.get("cursor", "").startswith("<page:"):
            cursor = self._cursor(path, query, int(query["cursor"][len("<page:") : -1]))
            if cursor is None:
                del query["cursor"]  # a single page
            else:
                query["cursor"] = cursor
        if any("<etag>" in value for value in headers.values()):
            key = json.dumps([path, query])
            if key not in self._etags:
                self._etags[key] = _etag(self._ok(path, query))
            headers = {name: value.replace("<etag>", self._etags[key]) for name, value in headers.items()}
        return query, headers

    def _cursor(self, path: str, query: dict[str, str], pages: int) -> str | None:
        first = {name: value for name, value in query.items() if name != "cursor"}
        key = json.dumps([path, first])
        cursors, complete = self._cursors.setdefault(key, ([], False))
        while len(cursors) < pages and not complete:
            following = _json_body(self._ok(path, {**first, **({"cursor": cursors[-1]} if cursors else {})}))
            if following["next_cursor"] is None:
                complete = True
                self._cursors[key] = (cursors, complete)
            else:
                cursors.append(following["next_cursor"])
        return cursors[min(pages, len(cursors)) - 1] if cursors else None

    def _ok(self, path: str, query: dict[str, str], attempts: int = 6) -> dict[str, Any]:
        """The answer to ``path?query``, asked again while it is a 503 (the API's answer when its store is slower
        than its read timeout, as a local moto server on a busy machine can be), waiting 1, 2, 4 ... s in between;
        an error if it is not a 200 in the end."""
        for attempt in range(attempts):
            answer = self._handler(rest_api_event("GET", path, query=query), self._context)
            if answer["statusCode"] != 503:
                break
            time.sleep(2**attempt)
        if answer["statusCode"] != 200:
            raise RuntimeError(f"{path}?{query}: expected a 200, got {answer['statusCode']}: {answer.get('body')}")
        return answer


def resolve(module_name: str, mix_file: str, out_file: str) -> dict[str, int]:
    """Write the mix of ``mix_file`` with its placeholders concrete to ``out_file`` (one container answers)."""
    handler: Handler = importlib.import_module(module_name).lambda_handler
    with open(mix_file, encoding="utf-8") as file:
        mix = json.load(file)
    with contextlib.redirect_stdout(io.StringIO()):  # the functions' logs and metrics
        resolver = _Resolver(handler, LambdaContextStub())
        concrete = {
            stretch: [[kind, path, *resolver.request(path, query, headers)] for kind, path, query, headers in requests]
            for stretch, requests in mix.items()
        }
    with open(out_file, "w", encoding="utf-8") as file:
        json.dump(concrete, file)
    return {stretch: len(requests) for stretch, requests in concrete.items()}


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def _peak_memory_mb() -> float:
    """The process's peak resident memory since it started this program (VmHWM: getrusage's maximum would
    count the harness's memory too, as the process had it between fork and exec)."""
    return _memory_mb("VmHWM:")


def serve(module_name: str, mix_file: str) -> None:
    """Serve a concrete mix (``resolve``'s) as one container, a stretch at a time as the harness asks on stdin,
    so that two containers can take turns a few requests at a time and share the machine's ups and downs:

        warmup START END   serve warmup[START:END], unmeasured
        measure START END  serve measured[START:END]: CPU (time.process_time) over the whole stretch and per
                           request, wall time per request
        done               print the figures of everything measured and stop

    It answers each command with one JSON line. Each call is a new invocation, as in ``warm``."""
    handler: Handler = importlib.import_module(module_name).lambda_handler
    context = LambdaContextStub()
    with open(mix_file, encoding="utf-8") as file:
        mix = json.load(file)
    stretches = {
        stretch: [
            (kind, rest_api_event("GET", path, query=query, headers=headers)) for kind, path, query, headers in requests
        ]
        for stretch, requests in mix.items()
    }
    kinds: dict[str, dict[str, list[float]]] = {}
    statuses: dict[str, int] = {}
    walls: list[float] = []
    cpu_total, invocations = 0.0, 0
    output = sys.stdout
    print(json.dumps({"ready": True}), file=output, flush=True)
    with contextlib.redirect_stdout(io.StringIO()) as logs:  # the functions' logs and metrics
        for line in sys.stdin:
            command, *bounds = line.split()
            if command == "done":
                break
            start, end = (int(bound) for bound in bounds)
            requests = stretches["warmup" if command == "warmup" else "measured"][start:end]
            cpu_started = time.process_time()
            for kind, event in requests:
                _new_invocation(invocations)
                invocations += 1
                cpu_before, started = time.process_time_ns(), time.perf_counter_ns()
                result = handler(event, context)
                wall, cpu = (time.perf_counter_ns() - started) / 1000, (time.process_time_ns() - cpu_before) / 1000
                if command == "measure":
                    walls.append(wall)
                    figures = kinds.setdefault(kind, {"wall": [], "cpu": []})
                    figures["wall"].append(wall)
                    figures["cpu"].append(cpu)
                    status = str(result["statusCode"])
                    statuses[status] = statuses.get(status, 0) + 1
            cpu = time.process_time() - cpu_started
            if command == "measure":
                cpu_total += cpu
            logs.seek(0)
            logs.truncate()
            print(json.dumps({"cpu_s": cpu}), file=output, flush=True)
    print(
        json.dumps(
            {
                "requests": len(walls),
                "cpu_us": cpu_total * 1e6 / max(1, len(walls)),
                "p50_us": statistics.median(walls),
                "p99_us": _percentile(walls, 0.99),
                "statuses": statuses,
                "max_rss_mb": _peak_memory_mb(),
                "kinds": {
                    kind: {
                        "count": len(figures["wall"]),
                        "cpu_us": statistics.fmean(figures["cpu"]),
                        "p50_us": statistics.median(figures["wall"]),
                        "p99_us": _percentile(figures["wall"], 0.99),
                    }
                    for kind, figures in sorted(kinds.items())
                },
            }
        ),
        file=output,
        flush=True,
    )


class PreparedCauses:
    """A taxonomy and its analysis prepared by the harness, served from memory, so that the bench measures the
    lookup without a moto server's pages of 3,800 causes; the container builds its index from it, as one does
    without the indexer's file."""

    def __init__(self, taxonomy_file: str) -> None:
        import datetime as dt
        from pathlib import Path

        from health_content.causes.model import CauseTaxonomy
        from health_content.causes.prepare import CauseAnalysis
        from health_content.causes.store import PublishedCauses

        prepared = json.loads(Path(taxonomy_file).read_bytes())
        self._published = PublishedCauses(
            taxonomy=CauseTaxonomy.model_validate(prepared["taxonomy"]),
            analysis=CauseAnalysis.model_validate(prepared["analysis"]),
            content_hash=prepared["content_hash"],
            published_at=dt.datetime.now(dt.UTC),
        )

    def get(self) -> Any:
        return self._published

    def current_hash(self) -> str | None:
        return self._published.content_hash

    def mentions_of(self, locale: Any, slug: str) -> Any:
        raise NotImplementedError("ingest only")

    def article_mentions(self, locale: Any, slug: str) -> Any:
        raise NotImplementedError("the bench asks for lookups only")

    def check_fits(self, published: Any) -> None:
        raise NotImplementedError("read-only")

    def put_if_changed(self, published: Any) -> Any:
        raise NotImplementedError("read-only")

    def delete(self, reason: str | None = None) -> Any:
        raise NotImplementedError("read-only")


def serve_causes_from(taxonomy_file: str) -> None:
    """Give the API's container a cause catalog over ``taxonomy_file`` before its first request."""
    from api import handler as api_handler
    from health_content.causes.catalog import CauseCatalog

    api_handler.reset()  # forget the container that init prepared from the serving index
    container = api_handler.this_containers_api().container
    container.causes = CauseCatalog(  # replaces the cached property's value
        PreparedCauses(taxonomy_file),
        None,  # the index is built from the prepared taxonomy, as without the indexer's file
        container.keeping,
        withdrawn=container.article_store.withdrawn,
        freshness=container.freshness,
    )


class StoreReads:
    """Every AWS call the process makes while counting, per service and operation: calls, items read (what
    DynamoDB evaluated: ScannedCount, or the items of a GetItem or BatchGetItem) and bytes received. It wraps
    botocore's ``BaseClient._make_api_call``, which every client and resource goes through, once the handler
    has imported botocore (so the cold start pays for nothing of it)."""

    def __init__(self) -> None:
        from botocore.client import BaseClient

        self.counting = False
        self.calls: dict[str, dict[str, int]] = {}
        original = BaseClient._make_api_call  # type: ignore[attr-defined]
        reads = self

        def counted(client: Any, operation: str, parameters: dict[str, Any]) -> Any:
            if not reads.counting:
                return original(client, operation, parameters)
            name = f"{client.meta.service_model.service_name}:{operation}"
            figures = reads.calls.setdefault(name, {"calls": 0, "items": 0, "bytes": 0, "errors": 0})
            figures["calls"] += 1
            try:
                response = original(client, operation, parameters)
            except Exception:
                figures["errors"] += 1
                raise
            figures["items"] += _items_read(response)
            headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
            figures["bytes"] += int(response.get("ContentLength") or headers.get("content-length") or 0)
            return response

        BaseClient._make_api_call = counted  # type: ignore[attr-defined]

    def take(self) -> dict[str, dict[str, int]]:
        """What was counted since the last take, and start again."""
        calls, self.calls = self.calls, {}
        return calls


def _items_read(response: dict[str, Any]) -> int:
    if "ScannedCount" in response:
        return int(response["ScannedCount"])
    if "Item" in response:
        return 1
    if "Responses" in response:
        return sum(len(items) for items in response["Responses"].values())
    return 0


def scale(module_name: str, plan_file: str) -> None:
    """One fresh container measured as ``scale.py`` plans it, answering with one JSON line per step:

        (at start)   init: the handler's import, as Lambda's init; then each of plan["first"] in turn, timed,
                     with the store calls it made; then plan["warmup"], unmeasured; then plan["measured"]
                     (per kind, the kinds taking turns), wall p50/p99 per kind; peak and current memory
        after        once the content cache's TTL has passed since the last measured request, each of
                     plan["after"] with the store calls it made, its status, and whether plan["marker"]
                     is in its body
        done         stop

    Every request is a new invocation, as in ``warm``."""
    started = time.perf_counter()
    module = importlib.import_module(module_name)
    init_ms = (time.perf_counter() - started) * 1000
    handler: Handler = module.lambda_handler
    reads = StoreReads()
    context = LambdaContextStub()
    with open(plan_file, encoding="utf-8") as file:
        plan = json.load(file)
    output = sys.stdout
    invocations = 0

    def call(path: str, query: dict[str, str]) -> tuple[float, dict[str, Any]]:
        nonlocal invocations
        _new_invocation(invocations)
        invocations += 1
        event = rest_api_event("GET", path, query=query)
        started = time.perf_counter_ns()
        result = handler(event, context)
        return (time.perf_counter_ns() - started) / 1e6, result

    def counted(label: str, path: str, query: dict[str, str]) -> dict[str, Any]:
        reads.take()
        reads.counting = True
        wall_ms, result = call(path, query)
        reads.counting = False
        body = result.get("body") or ""
        return {
            "label": label,
            "path": path,
            "query": query,
            "ms": wall_ms,
            "status": result["statusCode"],
            "marked": bool(plan.get("marker")) and plan["marker"] in body,
            "reads": reads.take(),
        }

    with contextlib.redirect_stdout(io.StringIO()) as logs:  # the functions' logs and metrics
        firsts = [counted(kind, path, query) for kind, path, query in plan["first"]]
        for _, path, query in plan["warmup"]:
            call(path, query)
        samples: dict[str, list[float]] = {kind: [] for kind in plan["measured"]}
        statuses: dict[str, dict[str, int]] = {kind: {} for kind in plan["measured"]}
        longest = max(len(requests) for requests in plan["measured"].values())
        for number in range(longest):
            for kind, requests in plan["measured"].items():
                if number < len(requests):
                    wall_ms, result = call(*requests[number])
                    samples[kind].append(wall_ms)
                    status = str(result["statusCode"])
                    statuses[kind][status] = statuses[kind].get(status, 0) + 1
        measured_at = time.monotonic()
        logs.seek(0)
        logs.truncate()
    warm = {
        kind: {
            "requests": len(values),
            "p50_ms": statistics.median(values),
            "p99_ms": _percentile(values, 0.99),
            "statuses": statuses[kind],
        }
        for kind, values in samples.items()
        if values
    }
    memory = {"peak_rss_mb": _peak_memory_mb(), "rss_mb": _memory_mb("VmRSS:")}
    print(json.dumps({"init_ms": init_ms, "first": firsts, "warm": warm, "memory": memory}), file=output, flush=True)
    ttl = float(os.environ.get("CONTENT_CACHE_TTL_SECONDS", "60"))
    for line in sys.stdin:
        if line.strip() != "after":
            break
        time.sleep(max(0.0, measured_at + ttl + 0.5 - time.monotonic()))  # every kept copy is due
        with contextlib.redirect_stdout(io.StringIO()):
            after = [counted(label, path, query) for label, path, query in plan["after"]]
        print(json.dumps({"after": after}), file=output, flush=True)


def _memory_mb(field: str) -> float:
    """A line of the process's memory status (VmHWM: peak resident, VmRSS: resident now), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:  # Linux, as Lambda is
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(arguments: list[str]) -> None:
    mode, module_name, *rest = arguments
    if mode == "scale":
        scale(module_name, rest[0])
        return
    if mode == "cold":
        print(json.dumps(cold(module_name, rest[0])))
        return
    if mode == "resolve":
        print(json.dumps(resolve(module_name, rest[0], rest[1])))
        return
    if mode == "serve":
        serve(module_name, rest[0])
        return
    if len(rest) > 2:
        importlib.import_module(module_name)  # init first, as Lambda runs it
        serve_causes_from(rest[2])
    print(json.dumps(warm(module_name, json.loads(rest[0]), int(rest[1]))))


if __name__ == "__main__":
    main(sys.argv[1:])
