"""openapi.json is true: schemathesis generates requests from it and checks every answer against it.

Requests go through the local runner's API Gateway adapter into the real handler, against the
seeded moto stack of this module. Every check schemathesis has runs, on positive and negative
data, for GET and HEAD of every operation; how many requests were sent is printed at the end
of the test run.

Most requests come from schemathesis's coverage phase, which derives them from the document
itself: each parameter's boundaries, each invalid type, format and missing value, each method
the path does not allow, and each query parameter given twice. Random (fuzzing) cases come on
top, a few per operation and none sent twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from api.handler import lambda_handler
from infra.generated import OPENAPI_PATH
from infra.local.http_adapter import ApiGatewayAdapter
from infra.local.stack import LocalStack
from tests.conftest import GENERATED_REQUESTS

# One worker runs the whole module: the count below is of the requests that process sent.
pytestmark = pytest.mark.xdist_group("schemathesis")

# Random cases per operation, after the coverage phase's. With 40, the 1,200 random requests found no status, and no
# problem type with its invalid parameters, that the coverage phase's did not; only other combinations of several
# invalid parameters at once, each of which the coverage phase already sends alone.
EXAMPLES_PER_OPERATION = 10
MINIMUM_REQUESTS = 1_000

# Every check is on. Where a check's default expectation is wrong for this API, it is widened for the
# operations concerned only, with the reason.
CONFIG = SchemathesisConfig.from_str(
    """
[checks]
enabled = true

[phases.coverage]
# `?limit=5&limit=7`: the event carries both values (multiValueQueryStringParameters), as API Gateway sends them.
generate-duplicate-query-parameters = true

[generation]
unique-inputs = true

[[operations]]
# oEmbed 1.0 (section 2.3.4) answers a `format` the provider does not offer with 501 Not Implemented.
include-path = "/v1/oembed"
checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "501"]

[[operations]]
# A `cursor` (and the feed's `since`) is opaque: the schema can only say it is a string, and one this API
# did not issue is a 400. Category and population ids are the published taxonomy's, which the document
# (generated from code, not content) cannot list; an unknown one is a 400 that lists the valid ones. A
# search `q` made only of stop words or blanks is a string the schema allows and a 400 that says why.
include-path-regex = "^/v1/(articles|causes|causes/facets|changes|search|partial/articles|partial/causes)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "404", "429", "5xx"]

[[operations]]
# A `preview` token (or bearer token) is a string the schema allows and a 401 unless this API signed it.
include-path-regex = "^/v1/(articles/[^/]+|articles/[^/]+/sections|articles/[^/]+/sections/[^/]+)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "404", "410", "429", "5xx"]
"""
)


class CountingApp:
    """The WSGI app schemathesis calls, counting the requests it sends."""

    sent = 0

    def __init__(self, app: ApiGatewayAdapter) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        CountingApp.sent += 1
        return self._app(environ, start_response)


@pytest.fixture(scope="module")
def api(seeded: LocalStack) -> CountingApp:
    return CountingApp(ApiGatewayAdapter(lambda_handler))


# The committed document (a drift test keeps it equal to what the code generates) is what clients use.
schema = schemathesis.openapi.from_path(str(OPENAPI_PATH), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same requests on every run, so CI cannot flake on a new draw
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_answer_conforms_to_the_openapi_document(case: Any, api: CountingApp) -> None:
    case.call_and_validate(app=api)


def test_at_least_a_thousand_generated_requests_were_checked(record_property: Callable[[str, object], None]) -> None:
    """Runs after the generated tests above, in the same process (pytest keeps the order of a module, and the
    module is one xdist group); the count reaches the summary through the report's user properties."""
    record_property(GENERATED_REQUESTS, CountingApp.sent)
    assert CountingApp.sent >= MINIMUM_REQUESTS
