"""AWS list prices the cost model uses, with their date and source.

This machine has no internet access, so the prices could not be fetched on the day the report was made:
they are the public list prices as published on the AWS pricing pages named below, as of PRICES_AS_OF, for
US East (N. Virginia) where a service is regional, and for CloudFront's Asia Pacific price class (readers in
Indonesia are served from edge locations priced there). Check them against the pages (or the AWS Pricing
Calculator) before quoting a figure; update this module and run `make cost` when they change. Free tiers are
left out, which overstates the smallest volume slightly (CloudFront's always-free tier alone covers 1 TB and
10 million requests a month).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PRICES_AS_OF = "2025-06 (AWS public list prices, from memory of the pricing pages; not checked online)"

GB = 1024**3


@dataclass(frozen=True)
class Tiered:
    """A price per unit that falls with monthly volume: (units in the tier or None for the rest, price)."""

    tiers: Sequence[tuple[float | None, float]]
    unit: str

    def cost(self, units: float) -> float:
        total, left = 0.0, units
        for size, price in self.tiers:
            used = left if size is None else min(left, size)
            total += used * price
            left -= used
            if left <= 0:
                break
        return total


MILLION = 1_000_000

# https://aws.amazon.com/cloudfront/pricing/ : Asia Pacific (Hong Kong, Indonesia, Philippines, Singapore, South
# Korea, Taiwan, Thailand), data transfer out to the internet per GB, and HTTPS requests per 10,000.
CLOUDFRONT_TRANSFER = Tiered(
    [(10 * 1024, 0.120), (40 * 1024, 0.100), (100 * 1024, 0.080), (350 * 1024, 0.070), (None, 0.060)], "GB"
)
CLOUDFRONT_HTTPS_REQUEST = 0.0120 / 10_000
# Invalidation paths beyond the first 1,000 a month.
CLOUDFRONT_INVALIDATION_PATH = 0.005
CLOUDFRONT_FREE_INVALIDATION_PATHS = 1_000

# https://aws.amazon.com/api-gateway/pricing/ : REST APIs, per million requests.
API_GATEWAY_REST_REQUEST = Tiered(
    [(333 * MILLION, 3.50 / MILLION), (667 * MILLION, 2.80 / MILLION), (19_000 * MILLION, 2.38 / MILLION),
     (None, 1.51 / MILLION)],
    "request",
)  # fmt: skip
# https://aws.amazon.com/ec2/pricing/on-demand/ (data transfer): API Gateway's answers to the internet are billed
# as data transfer out; to CloudFront (an AWS origin) they are free.
INTERNET_TRANSFER = Tiered([(10 * 1024, 0.09), (40 * 1024, 0.085), (100 * 1024, 0.07), (None, 0.05)], "GB")

# https://aws.amazon.com/lambda/pricing/ : Arm, per GB-second (first 7.5 billion a month) and per request.
LAMBDA_ARM_GB_SECOND = Tiered([(7.5e9, 0.0000133334), (11.25e9, 0.0000120001), (None, 0.0000106667)], "GB-second")
LAMBDA_REQUEST = 0.20 / MILLION

# https://aws.amazon.com/dynamodb/pricing/on-demand/ : after the November 2024 price cut.
DYNAMODB_READ_REQUEST_UNIT = 0.125 / MILLION
DYNAMODB_WRITE_REQUEST_UNIT = 0.625 / MILLION
DYNAMODB_STORAGE_GB_MONTH = 0.25

# https://aws.amazon.com/s3/pricing/ : S3 Standard.
S3_STORAGE_GB_MONTH = 0.023
S3_GET = 0.0004 / 1000
S3_PUT = 0.005 / 1000

# https://aws.amazon.com/waf/pricing/ : a web ACL and each rule a month, and per million requests evaluated.
WAF_WEB_ACL_MONTH = 5.00
WAF_RULE_MONTH = 1.00
WAF_REQUEST = 0.60 / MILLION

# https://aws.amazon.com/eventbridge/pricing/ , https://aws.amazon.com/sqs/pricing/ ,
# https://aws.amazon.com/secrets-manager/pricing/
EVENTBRIDGE_EVENT = 1.00 / MILLION
SQS_REQUEST = 0.40 / MILLION
SECRETS_MANAGER_SECRET_MONTH = 0.40

# Service quotas that bound 10,000 requests a second (defaults of a new account, per region).
API_GATEWAY_ACCOUNT_RATE = 10_000  # requests per second, shared by every API of the account in the region
LAMBDA_ACCOUNT_CONCURRENCY = 1_000
LAMBDA_SCALING_PER_10_SECONDS = 1_000  # new concurrent executions per function every 10 s
DYNAMODB_ON_DEMAND_TABLE_READS = 40_000  # read request units per second, per table
