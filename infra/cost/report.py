"""docs/cost.md, made from the model, the API's own answers and the last `make load` run (`make cost`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from infra import template
from infra.cost import model, prices
from infra.cost.observed import Observed
from infra.cost.traffic import MIX, PAGE_SIZE

REPORT = template.REPO_ROOT / "docs" / "cost.md"
LOAD_RUN = template.REPO_ROOT / "infra" / "cost" / "load_run.json"


def _dollars(value: float) -> str:
    return f"${value:,.2f}" if value < 100 else f"${value:,.0f}"


def _volume(value: float) -> str:
    named = {1_000_000: "1 million", 100_000_000: "100 million", 1_000_000_000: "1 billion"}
    return named.get(int(value), f"{value / 1e9:,.1f} billion")


def render(observed: Observed, load_run: dict[str, Any] | None) -> str:
    out: list[str] = []
    add = out.append
    add("# Cost and load: what the API costs a month, and what 10,000 requests a second need\n")
    add(
        "<!-- Made by `make cost` (infra/cost/); a test fails when it differs from what the script makes. "
        "Do not edit by hand. -->\n"
    )
    add(
        f"Monthly cost of serving a catalogue of {model.CATALOGUE_ARTICLES:,} articles at three volumes, with "
        "the CDN in front of the API and without it; the cache hit ratio a CDN reaches on this traffic, "
        "derived from a Zipf-distributed traffic model and the cache lifetimes the API itself sends; what "
        f"{model.PEAK_RATE:,.0f} requests a second need; and the figures `make load` measured on this "
        "machine. The model is [`infra/cost/model.py`](../infra/cost/model.py); the traffic "
        "[`infra/cost/traffic.py`](../infra/cost/traffic.py), which `make load` sends too.\n"
    )
    add(f"**Prices**: {prices.PRICES_AS_OF}. {_prices_note()}\n")

    add("## The traffic\n")
    add(
        f"A catalogue of {model.CATALOGUE_ARTICLES:,} articles with {observed.sections_per_article} sections each "
        "(the seed article's count). Each kind of request has its share of the traffic and its own set of "
        "distinct URLs, whose popularity follows Zipf's law (weight 1/rank^s); a section, a frame or an oEmbed "
        "answer takes its article's popularity. Lifetimes and sizes are what the API answered for the seed "
        "article through the real handler, with the API function's environment from `template.yaml` "
        "(`infra/cost/observed.py`); sizes are gzipped, as readers receive them.\n"
    )
    add("| kind | share | distinct URLs | Zipf s | the API's Cache-Control | Vary | shared-cache TTL | gzipped |")
    add("| --- | ---: | ---: | ---: | --- | --- | ---: | ---: |")
    for kind in MIX:
        answer = observed.answers[kind.name]
        distinct = {
            "article": f"{model.CATALOGUE_ARTICLES:,}",
            "section": f"{model.CATALOGUE_ARTICLES * observed.sections_per_article:,}",
            "page": f"{-(-model.CATALOGUE_ARTICLES // PAGE_SIZE):,}",
            "query": f"{kind.queries:,}",
            "single": "1",
        }[kind.keyed]
        add(
            f"| {kind.description} | {kind.share:.0%} | {distinct} | {kind.exponent:g} | `{answer.cache_control}` "
            f"| {answer.vary or 'none'} | {answer.shared_ttl:,} s | {answer.gzipped_bytes / 1024:.1f} KB |"
        )
    add("")
    add(
        "The change feed, the health check and previews are left out of the mix: partners poll the feed "
        "(30 s lifetime) far less often than readers read, and the other two are never cached.\n"
    )

    add("## Hit ratio\n")
    add(
        "A CDN keeps an answer for its TTL; the first request after that goes to the origin (with "
        "`stale-while-revalidate` the reader gets the stale copy at once, but the revalidation still reaches "
        "the origin). A URL requested λ times a second as a Poisson stream therefore reaches the origin once "
        "per TTL + 1/λ seconds: its hit ratio is λ·TTL / (1 + λ·TTL). Summed over every URL of the mix:\n"
    )
    volumes = [*model.VOLUMES, model.PEAK_RATE * model.SECONDS_PER_MONTH]
    add("| requests a month | average per second | " + " | ".join(kind.name for kind in MIX) + " | all |")
    add("| ---: | ---: |" + " ---: |" * (len(MIX) + 1))
    for volume in volumes:
        loads = model.edge_load(volume / model.SECONDS_PER_MONTH, observed, model.CATALOGUE_ARTICLES)
        ratios = " | ".join(f"{loads[kind.name].hit_ratio:.0%}" for kind in MIX)
        add(
            f"| {_volume(volume)} | {volume / model.SECONDS_PER_MONTH:,.1f} | {ratios} | "
            f"**{model.hit_ratio(loads):.1%}** |"
        )
    add("")
    add(
        "One cache tier is modelled (a regional edge cache, or Origin Shield): edge locations in front of it "
        "only add hits. Invalidations after changes add one origin request per changed URL, a few thousand a "
        "month, left out. The long tail of search and cause queries is what keeps the ratio down at low volume: "
        "most queries are asked once in five minutes.\n"
    )

    add("## Monthly cost\n")
    add("| requests a month | with the CDN | without | CDN hit ratio | origin requests with the CDN |")
    add("| ---: | ---: | ---: | ---: | ---: |")
    details = []
    for volume in model.VOLUMES:
        with_lines, with_loads = model.monthly_cost(volume, observed, cdn=True)
        without_lines, _ = model.monthly_cost(volume, observed, cdn=False)
        origin = sum(load.origin for load in with_loads.values()) * model.SECONDS_PER_MONTH
        add(
            f"| {_volume(volume)} | **{_dollars(model.total(with_lines))}** | "
            f"**{_dollars(model.total(without_lines))}** | {model.hit_ratio(with_loads):.1%} | {origin:,.0f} |"
        )
        details.append((volume, with_lines, without_lines))
    add("")
    add(
        f"Assumptions: Lambda arm64 at the template's {model.memory_gb() * 1024:,.0f} MB, billed "
        + ", ".join(f"{ms} ms" for ms in sorted(set(model.BILLED_MILLISECONDS.values())))
        + " per request depending on the kind (`BILLED_MILLISECONDS`: the handler's own warm time, 0.2 to 6 ms in "
        "[speed and scale](speed-and-scale.md), rounded up for the runtime); a container re-reads an article "
        f"from DynamoDB at most every {model.content_cache_seconds():.0f} s (`ContentCacheTtlSeconds`); "
        f"{model.CHANGES_PER_MONTH:,} changes a month, each invalidating the "
        f"{model.invalidation_paths_per_change()} wildcard paths the CDN's invalidation function names for one "
        "article (`edge/purge.py`; batched changes share them, so this is the most they cost); with the CDN, the "
        "stage's web ACL with its one origin-check rule and the origin secret. CloudWatch logs and metrics, the "
        "per-client WAF rule (`EnableWaf`), Origin Shield, the custom domain and the webhook "
        "(a Secrets Manager secret at $0.40 a month, an SQS request and a Lambda invocation per change) are "
        "left out.\n"
    )
    for volume, with_lines, without_lines in details:
        add(f"<details><summary>{_volume(volume)} requests: line by line</summary>\n")
        add("| | service | what | a month |")
        add("| --- | --- | --- | ---: |")
        for label, lines in (("with the CDN", with_lines), ("without", without_lines)):
            for line in lines:
                add(f"| {label} | {line.service} | {line.what} | {_dollars(line.dollars)} |")
            add(f"| {label} | **total** | | **{_dollars(model.total(lines))}** |")
        add("\n</details>\n")
    add(_verdict(details))
    peak = model.peak(observed)
    add(f"## {model.PEAK_RATE:,.0f} requests a second\n")
    stage = model.stage_rate_limit()
    add("| | with the CDN | without |")
    add("| --- | ---: | ---: |")
    add(f"| CloudFront requests a second | {peak.cdn_requests:,.0f} | none |")
    add(f"| hit ratio | {peak.hit_ratio:.1%} | no cache |")
    add(f"| requests a second at API Gateway and Lambda | {peak.origin_with_cdn:,.0f} | {model.PEAK_RATE:,.0f} |")
    add(
        f"| Lambda concurrency (account default {prices.LAMBDA_ACCOUNT_CONCURRENCY:,}) | "
        f"{peak.concurrency_with_cdn:,.0f} | {peak.concurrency_without:,.0f} |"
    )
    add(
        f"| DynamoDB read units a second (on-demand table default {prices.DYNAMODB_ON_DEMAND_TABLE_READS:,}) | "
        f"{peak.read_units_with_cdn:,.0f} | {peak.read_units_without:,.0f} |"
    )
    add("")
    over_stage = (
        f"still {peak.origin_with_cdn / stage:,.1f} times the default stage throttle, which must be raised to "
        "match (the embed routes have their own, `EmbedRateLimit`)"
        if peak.origin_with_cdn > stage
        else "within the default stage throttle"
    )
    add(
        f"Without the CDN, {model.PEAK_RATE:,.0f} requests a second is "
        f"{model.PEAK_RATE / prices.API_GATEWAY_ACCOUNT_RATE:.0%} of API Gateway's default account quota "
        f"({prices.API_GATEWAY_ACCOUNT_RATE:,} a second per region, shared by every API of the account) and "
        f"{model.PEAK_RATE / stage:,.0f} times the stage's own throttle (`ThrottlingRateLimit`, {stage:,.0f} by "
        f"default): it needs a quota increase and the stage limit raised to match. With the CDN the origin sees "
        f"about {peak.origin_with_cdn:,.0f} a second: {over_stage}, and far inside the account's quota. Lambda's "
        f"concurrency is requests a second times billed seconds (Little's law): "
        + (
            "inside the account's default either way"
            if peak.concurrency_without < prices.LAMBDA_ACCOUNT_CONCURRENCY
            else "above the account's default without the CDN, which then needs a quota increase"
        )
        + f" (new executions scale by {prices.LAMBDA_SCALING_PER_10_SECONDS:,} every 10 s), and "
        "DynamoDB on demand takes the reads, because each container re-reads an article at most once per "
        "`ContentCacheTtlSeconds` rather than per request.\n"
    )

    add("## Measured on this machine (`make load`)\n")
    add(_load_section(load_run))
    return "\n".join(out).rstrip() + "\n"


def _verdict(details: Sequence[tuple[float, list[model.Line], list[model.Line]]]) -> str:
    """Which volumes the CDN pays for itself at, said from the figures."""
    cheaper = [volume for volume, with_cdn, without in details if model.total(with_cdn) < model.total(without)]
    dearer = [volume for volume, with_cdn, without in details if model.total(with_cdn) >= model.total(without)]
    said = (
        "Without the CDN, API Gateway is most of the bill ($3.50 a million requests); with it, CloudFront's own "
        "requests ($0.012 per 10,000 in Asia Pacific) and the origin requests it still lets through are. "
    )
    if dearer:
        said += f"At {', '.join(_volume(v) for v in dearer)} requests a month the CDN costs more than it saves "
        said += "(its invalidations and the origin check's web ACL cost the same at any volume); "
    if cheaper:
        said += f"at {', '.join(_volume(v) for v in cheaper)} it pays for itself. "
    return said + "Its other gains are not in dollars: readers' latency, and a throttle the traffic cannot drain.\n"


def _prices_note() -> str:
    return (
        "No internet is reachable from where the report is made, so the prices are list prices as known at "
        "that date, not fetched: CloudFront in its Asia Pacific price class (readers in Indonesia), every "
        "regional service in US East (N. Virginia), free tiers left out. Each is named with its pricing page "
        "in [`infra/cost/prices.py`](../infra/cost/prices.py): check them there before quoting a figure."
    )


def _load_section(run: dict[str, Any] | None) -> str:
    if run is None:
        return "Not run yet: `make load` records its figures here.\n"
    direct, proxied = run["direct"], run["proxy"]
    lines = [
        f"{run['date']}, on this project's machine ({run['machine']}), while other work shared it. `make load` "
        f"starts `make serve`, publishes a synthetic catalogue of {run['articles']:,} articles "
        "(`make catalogue`), then sends the mix above with Locust "
        f"({run['users']} users, no wait between requests) for {run['seconds_per_phase']:.0f} s to the API, and "
        f"for {run['seconds_per_phase']:.0f} s through a caching proxy that follows the API's `Cache-Control` "
        f"and `Vary` ({run['proxy_cache']}), from an empty cache.\n",
        "| | requests | throughput | p50 | p99 | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, phase in (("API (`make serve`)", direct), ("through the caching proxy", proxied)):
        lines.append(
            f"| {name} | {phase['requests']:,} | {phase['throughput']:,.0f} /s | {phase['p50_ms']:,.0f} ms "
            f"| {phase['p99_ms']:,.0f} ms | {phase['failures']:,} |"
        )
    lines.append("")
    lines.append(
        f"**Hit ratio through the proxy: {proxied['hit_ratio']:.1%} measured, {run['model_hit_ratio']:.1%} "
        f"from the model** for the same run (the same mix over the published catalogue, the lifetimes the "
        f"API sent, {proxied['requests']:,} requests in {run['seconds_per_phase']:.0f} s from an empty cache): "
        f"{abs(proxied['hit_ratio'] - run['model_hit_ratio']) * 100:.1f} points apart.\n"
    )
    lines.append("| kind | requests | measured | model |")
    lines.append("| --- | ---: | ---: | ---: |")
    for name, kind in run["kinds"].items():
        lines.append(f"| {name} | {kind['requests']:,} | {kind['measured']:.1%} | {kind['model']:.1%} |")
    lines.append("")
    lines.append(
        "The local stack is one Python process on two shared cores; its throughput says nothing of Lambda's "
        "(each container serves one request at a time, and there are as many as needed). The proxy's figures "
        "are what matter: they check the model's hit ratio on real answers.\n"
    )
    return "\n".join(lines)


def load_run(path: Path = LOAD_RUN) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
