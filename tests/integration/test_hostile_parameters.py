"""No query parameter, whatever its value, makes the API answer 5xx (issue 20).

Schemathesis (``test_openapi_contract.py``) generates values the document allows or breaks one rule of;
these tests send what it rarely reaches: instants at the ends of the calendar in every offset, URLs that
``urllib`` cannot split, and unbounded text, to every query parameter of every operation in ``openapi.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.generated import OPENAPI_PATH
from infra.local.stack import LocalStack
from tests.integration.conftest import call_api

SLUG = "kram-otot-betis"
SECTION = "penyebab-kram-betis"
CAUSE = "kekurangan-kalsium"


def _rfc3339(instant: dt.datetime, minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{instant.isoformat()}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# On the first and last days of the calendar, an offset can move an instant out of it in UTC; anywhere else,
# any instant in any offset.
EXTREME_INSTANTS = st.one_of(
    st.builds(_rfc3339, st.datetimes(max_value=dt.datetime(1, 1, 1, 23, 59)), st.integers(1, 23 * 60 + 59)),
    st.builds(_rfc3339, st.datetimes(min_value=dt.datetime(9999, 12, 31)), st.integers(-23 * 60 - 59, -1)),
    st.builds(_rfc3339, st.datetimes(), st.integers(-23 * 60 - 59, 23 * 60 + 59)),
    st.sampled_from(["2026-02-30T00:00:00Z", "2026-11-24T23:59:60Z", "2026-11-24t00:00:00z", "0000-01-01T00:00:00Z"]),
)
BROKEN_URLS = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}{path}",
    st.sampled_from(["http", "https", "javascript", ""]),
    st.sampled_from(["[::1", "[zz]", "[::1]:99999", "127.0.0.1:-1", "%", "a@b@c", "example.com:port", ""]),
    st.sampled_from([f"/v1/articles/{SLUG}", f"/v1/articles/{SLUG}/sections/{SECTION}", "/", "?locale=en"]),
)
ANY_VALUE = st.one_of(EXTREME_INSTANTS, BROKEN_URLS, st.text(max_size=300), st.integers().map(str))


def _parameters() -> list[tuple[str, str]]:
    """Every GET operation's concrete path with each of its query parameters, from the committed document."""
    document: dict[str, Any] = json.loads(OPENAPI_PATH.read_text())
    values = {"slug": SLUG, "section_id": SECTION, "id": SECTION, "cause_id": CAUSE}
    parameters = []
    for template, item in document["paths"].items():
        path = re.sub(r"\{(\w+)\}", lambda match: values.get(match.group(1), SECTION), template)
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter["in"] == "query":
                parameters.append((path, parameter["name"]))
    return parameters


PARAMETERS = _parameters()


def test_every_operation_with_query_parameters_is_covered() -> None:
    covered = {path for path, _ in PARAMETERS}
    assert {"/v1/articles", "/v1/oembed", "/v1/search", "/v1/causes", "/v1/changes"} <= covered
    assert ("/v1/articles", "updated_since") in PARAMETERS and ("/v1/oembed", "url") in PARAMETERS


@pytest.mark.parametrize(("path", "name"), PARAMETERS, ids=[f"{path}?{name}" for path, name in PARAMETERS])
def test_no_parameter_value_gives_a_server_error(seeded: LocalStack, path: str, name: str) -> None:
    # oEmbed 1.0 answers a format the provider does not offer with 501.
    allowed = {501} if (path, name) == ("/v1/oembed", "format") else set()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(value=ANY_VALUE)
    def one_value(value: str) -> None:
        response = call_api("GET", path, query={name: value})
        assert response.status_code < 500 or response.status_code in allowed, (value, response.get_data())

    one_value()


def test_an_instant_at_the_calendar_s_ends_in_any_offset_is_a_filter(seeded: LocalStack) -> None:
    # 0001-01-01T00:00:00+01:00 is in year 0 in UTC: before every article, so every article is after it.
    earliest = call_api("GET", "/v1/articles", query={"updated_since": "0001-01-01T00:00:00+01:00"})
    latest = call_api("GET", "/v1/articles", query={"updated_since": "9999-12-31T23:59:59-01:00"})
    assert earliest.status_code == 200 and [item["slug"] for item in earliest.get_json()["items"]] == [SLUG]
    assert latest.status_code == 200 and latest.get_json()["items"] == []


@pytest.mark.parametrize("url", [f"http://[::1/v1/articles/{SLUG}", f"http://[zz]/v1/articles/{SLUG}"])
def test_an_oembed_url_that_cannot_be_read_is_a_client_error(seeded: LocalStack, url: str) -> None:
    response = call_api("GET", "/v1/oembed", query={"url": url})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/problem+json"
    assert [error["name"] for error in response.get_json()["errors"]] == ["url"]
