"""The cost model: how much of the traffic a CDN answers, what reaches the origin, and what that costs.

**Hit ratio.** Each distinct URL is requested as a Poisson stream at its share of the traffic (the mix's kind
share times its Zipf probability). A shared cache keeps an answer for its TTL (the API's own s-maxage or
max-age): the first request after the TTL ran out goes to the origin (with stale-while-revalidate the reader
gets the stale copy at once, but the revalidation still reaches the origin), and the copy then serves every
request for the next TTL seconds. So each URL costs one origin request per ``TTL + 1/rate`` seconds, and its hit
ratio is ``rate*TTL / (1 + rate*TTL)``; from a cold cache over a short run the origin requests are the renewal
count of that process (``expected_misses``), which is what `make load` compares with the caching proxy.
The cache is taken as one tier (a regional edge cache, or Origin Shield): CloudFront's edge locations in
front of it add hits, never origin requests. Invalidations after a change (section 2 of issue 23) add one
origin request per changed URL, a few thousand a month: left out.

**The origin.** Every origin request is an API Gateway request and a Lambda invocation; a container re-reads
an article from DynamoDB once per ``ContentCacheTtlSeconds`` at most (the same TTL model, per container), and
each list page is a query.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from edge.purge import invalidation_paths

from health_content.changes.model import Change, ChangeType
from infra import template
from infra.cost import prices
from infra.cost.observed import Observed
from infra.cost.traffic import ARTICLE_EXPONENT, MIX, PAGE_SIZE, Kind, key_probabilities, zipf_weights

SECONDS_PER_MONTH = 30 * 24 * 3600
CATALOGUE_ARTICLES = 10_000
VOLUMES = (1_000_000, 100_000_000, 1_000_000_000)
PEAK_RATE = 10_000.0

# Billed Lambda milliseconds per request, by kind: the handler's own warm time is 0.2-6 ms (p50) in
# docs/speed-and-scale.md, and Lambda bills by the millisecond with the runtime's and Powertools' per-invocation
# work on top; these round it up generously. Cold starts (about 0.5 s of init, billed) are left out: at these
# rates a container serves thousands of requests.
BILLED_MILLISECONDS = {
    "article": 8,
    "section": 6,
    "frame": 8,
    "embed-script": 4,
    "oembed": 6,
    "list": 10,
    "search": 25,
    "causes": 10,
}
ARTICLE_KINDS = ("article", "section", "frame", "oembed")  # each reads its article
LISTING_ITEM_BYTES = 1024  # a listing item (docs/speed-and-scale.md, listings)
CHANGES_PER_MONTH = 1_000  # corrections, updates and retractions across the catalogue
# With the CDN the stage's web ACL lets only CloudFront in (its origin-secret rule): WAF evaluates every origin
# request, and the secret is one more in Secrets Manager.
WAF_RULES_WITH_CDN = 1


def invalidation_paths_per_change() -> int:
    """The wildcard paths the CDN's invalidation function names for one article's change alone (a batch of
    changes shares most of them, so this is the most a change costs)."""
    one = Change(
        sequence=1, at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), kind="article", id="kram-otot-betis", locale="id",
        change=ChangeType.CORRECTED, reason=None, version="v",
    )  # fmt: skip
    return len(invalidation_paths([one]))


def origin_rate(rate: float, ttl: float) -> float:
    """Steady state: origin requests per second for one URL requested ``rate`` times a second."""
    return rate if ttl <= 0 else rate / (1 + rate * ttl)


def expected_misses(rate: float, ttl: float, duration: float) -> float:
    """From an empty cache, the origin requests one URL causes in ``duration`` seconds: the k-th miss comes
    once k arrivals have happened with (k-1) TTLs in between, P(Poisson(rate*(duration-(k-1)TTL)) >= k)."""
    if ttl <= 0:
        return rate * duration
    total, k = 0.0, 1
    while (k - 1) * ttl < duration:
        total += _poisson_at_least(k, rate * (duration - (k - 1) * ttl))
        k += 1
    return total


def _poisson_at_least(k: int, mean: float) -> float:
    if k == 1:
        return -math.expm1(-mean)
    if mean <= 0:
        return 0.0
    log_mean = math.log(mean)
    below = sum(math.exp(j * log_mean - mean - math.lgamma(j + 1)) for j in range(k))
    return max(0.0, 1 - below)


@dataclass(frozen=True)
class KindLoad:
    kind: Kind
    requests: float
    origin: float
    """Per second (or per run, with a duration)."""

    @property
    def hit_ratio(self) -> float:
        return 1 - self.origin / self.requests if self.requests else 0.0


def edge_load(
    rate: float, observed: Observed, articles: int, *, duration: float | None = None, cdn: bool = True
) -> dict[str, KindLoad]:
    """Requests and origin requests of each kind at ``rate`` requests a second: per second in the steady state,
    or in all over ``duration`` seconds from an empty cache. Without a CDN everything reaches the origin."""
    loads = {}
    for kind in MIX:
        ttl = observed.answers[kind.name].shared_ttl if cdn else 0
        origin = 0.0
        for probability, urls in key_probabilities(kind, articles, observed.sections_per_article):
            per_url = rate * kind.share * probability / urls
            if duration is None:
                origin += urls * origin_rate(per_url, ttl)
            else:
                origin += urls * expected_misses(per_url, ttl, duration)
        loads[kind.name] = KindLoad(kind, rate * kind.share * (duration or 1), origin)
    return loads


def hit_ratio(loads: dict[str, KindLoad]) -> float:
    requests = sum(load.requests for load in loads.values())
    return 1 - sum(load.origin for load in loads.values()) / requests


def memory_gb() -> float:
    """The API function's memory, in GB: its own MemorySize, else the template's global one."""
    megabytes = template.resource_properties("ApiFunction").get("MemorySize") or _global("MemorySize")
    return float(str(megabytes)) / 1024


def content_cache_seconds() -> float:
    return float(template.load_template()["Parameters"]["ContentCacheTtlSeconds"]["Default"])


def stage_rate_limit() -> float:
    return float(template.load_template()["Parameters"]["ThrottlingRateLimit"]["Default"])


def _global(name: str) -> object:
    return template.load_template()["Globals"]["Function"][name]


def concurrency(loads: dict[str, KindLoad]) -> float:
    """Lambda executions running at once (Little's law): origin requests a second times billed seconds."""
    return sum(load.origin * BILLED_MILLISECONDS[name] / 1000 for name, load in loads.items())


def read_units_per_second(
    rate: float, observed: Observed, articles: int, loads: dict[str, KindLoad], *, cdn: bool
) -> float:
    """DynamoDB read request units a second (eventually consistent: half a unit per 4 KB): each container
    re-reads an article once per ContentCacheTtlSeconds at most, and each list page is one query."""
    containers = max(1.0, concurrency(loads))
    refresh = content_cache_seconds()
    per_read = math.ceil(observed.article_item_bytes / 4096) * 0.5
    readers = [kind for kind in MIX if kind.name in ARTICLE_KINDS]
    units = 0.0
    for probability in zipf_weights(articles, ARTICLE_EXPONENT):
        article_origin = 0.0
        for kind in readers:
            urls = observed.sections_per_article if kind.keyed == "section" else 1
            ttl = observed.answers[kind.name].shared_ttl if cdn else 0
            article_origin += urls * origin_rate(rate * kind.share * probability / urls, ttl)
        units += origin_rate(article_origin / containers, refresh) * containers * per_read
    listing = math.ceil(PAGE_SIZE * LISTING_ITEM_BYTES / 4096) * 0.5
    return units + loads["list"].origin * listing


@dataclass(frozen=True)
class Line:
    service: str
    what: str
    dollars: float


def monthly_cost(volume: float, observed: Observed, *, cdn: bool) -> tuple[list[Line], dict[str, KindLoad]]:
    """What ``volume`` requests a month cost, line by line, and the load they put on each kind."""
    rate = volume / SECONDS_PER_MONTH
    loads = edge_load(rate, observed, CATALOGUE_ARTICLES, cdn=cdn)
    origin = sum(load.origin for load in loads.values()) * SECONDS_PER_MONTH
    out_gb = volume * sum(kind.share * observed.answers[kind.name].gzipped_bytes for kind in MIX) / prices.GB
    lines: list[Line] = []
    if cdn:
        lines.append(Line("CloudFront", f"{volume:,.0f} HTTPS requests", volume * prices.CLOUDFRONT_HTTPS_REQUEST))
        lines.append(Line("CloudFront", f"{out_gb:,.1f} GB to readers", prices.CLOUDFRONT_TRANSFER.cost(out_gb)))
        paths = CHANGES_PER_MONTH * invalidation_paths_per_change()
        billed = max(0, paths - prices.CLOUDFRONT_FREE_INVALIDATION_PATHS)
        lines.append(Line("CloudFront", f"{paths:,} invalidation paths", billed * prices.CLOUDFRONT_INVALIDATION_PATH))
    else:
        lines.append(Line("Data transfer", f"{out_gb:,.1f} GB to readers", prices.INTERNET_TRANSFER.cost(out_gb)))
    if cdn:
        waf = prices.WAF_WEB_ACL_MONTH + WAF_RULES_WITH_CDN * prices.WAF_RULE_MONTH + origin * prices.WAF_REQUEST
        lines.append(Line("WAF (origin check)", f"{origin:,.0f} requests checked", waf))
        lines.append(Line("Secrets Manager", "the origin secret", prices.SECRETS_MANAGER_SECRET_MONTH))
    lines.append(Line("API Gateway (REST)", f"{origin:,.0f} requests", prices.API_GATEWAY_REST_REQUEST.cost(origin)))
    seconds = sum(load.origin * BILLED_MILLISECONDS[name] / 1000 for name, load in loads.items()) * SECONDS_PER_MONTH
    gb_seconds = seconds * memory_gb()
    lines.append(Line("Lambda (API)", f"{origin:,.0f} invocations", origin * prices.LAMBDA_REQUEST))
    lines.append(Line("Lambda (API)", f"{gb_seconds:,.0f} GB-s", prices.LAMBDA_ARM_GB_SECOND.cost(gb_seconds)))
    units = read_units_per_second(rate, observed, CATALOGUE_ARTICLES, loads, cdn=cdn) * SECONDS_PER_MONTH
    lines.append(Line("DynamoDB", f"{units:,.0f} read units", units * prices.DYNAMODB_READ_REQUEST_UNIT))
    return lines + fixed_monthly(observed), loads


def fixed_monthly(observed: Observed) -> list[Line]:
    """What the stack costs whatever the traffic: storage, the scheduled functions, change events."""
    catalogue_gb = CATALOGUE_ARTICLES * observed.article_item_bytes / prices.GB
    # The bucket keeps each article with its versions (about two) and the search index files (about 21 KB per
    # article, docs/speed-and-scale.md); the table the article, its analysis and listing items (about twice).
    s3_gb = catalogue_gb * 2 + CATALOGUE_ARTICLES * 21 * 1024 / prices.GB
    indexer_runs = SECONDS_PER_MONTH / 60
    indexer_gb_seconds = indexer_runs * 0.2 * 1.0  # 1,024 MB, about 0.2 s when little changed
    relay_runs = SECONDS_PER_MONTH / 300
    events = CHANGES_PER_MONTH
    return [
        Line("S3", f"{s3_gb:,.2f} GB stored", s3_gb * prices.S3_STORAGE_GB_MONTH),
        Line("DynamoDB", f"{catalogue_gb * 2:,.2f} GB stored", catalogue_gb * 2 * prices.DYNAMODB_STORAGE_GB_MONTH),
        Line(
            "Lambda (scheduled)",
            f"{indexer_runs + relay_runs:,.0f} indexer and relay runs",
            (indexer_runs + relay_runs) * prices.LAMBDA_REQUEST
            + prices.LAMBDA_ARM_GB_SECOND.cost(indexer_gb_seconds + relay_runs * 0.05 * memory_gb()),
        ),
        Line("EventBridge", f"{events:,} change events", events * prices.EVENTBRIDGE_EVENT),
    ]


def total(lines: list[Line]) -> float:
    return sum(line.dollars for line in lines)


@dataclass(frozen=True)
class Peak:
    """What PEAK_RATE requests a second need, with and without the CDN."""

    cdn_requests: float
    origin_with_cdn: float
    hit_ratio: float
    concurrency_with_cdn: float
    concurrency_without: float
    read_units_with_cdn: float
    read_units_without: float


def peak(observed: Observed, rate: float = PEAK_RATE) -> Peak:
    with_cdn = edge_load(rate, observed, CATALOGUE_ARTICLES)
    without = edge_load(rate, observed, CATALOGUE_ARTICLES, cdn=False)
    return Peak(
        cdn_requests=rate,
        origin_with_cdn=sum(load.origin for load in with_cdn.values()),
        hit_ratio=hit_ratio(with_cdn),
        concurrency_with_cdn=concurrency(with_cdn),
        concurrency_without=concurrency(without),
        read_units_with_cdn=read_units_per_second(rate, observed, CATALOGUE_ARTICLES, with_cdn, cdn=True),
        read_units_without=read_units_per_second(rate, observed, CATALOGUE_ARTICLES, without, cdn=False),
    )
