"""The shared HTTP client: retries with backoff, quota accounting, secrets kept out of errors."""

from __future__ import annotations

import pytest
import requests
import responses

from influencers.connectors.client import ApiClient
from influencers.connectors.errors import (
    ConnectorAuthError,
    ConnectorError,
    ConnectorUnavailable,
    MalformedResponse,
    QuotaExceeded,
)

BASE = "https://api.example.test/v1"
SECRET = "s3cr3t-key-value"


def classify(status, payload, endpoint):
    if status >= 500 or status == 429:
        return ConnectorUnavailable(f"test {endpoint}: HTTP {status}"), True
    return ConnectorAuthError(f"test {endpoint}: refused"), False


def make_client(**kwargs) -> tuple[ApiClient, list[float]]:
    sleeps: list[float] = []
    client = ApiClient(
        platform="test",
        base_url=BASE,
        classify_error=classify,
        costs={"things.list": 3},
        secrets=[SECRET],
        sleep=sleeps.append,
        **kwargs,
    )
    return client, sleeps


@responses.activate
def test_5xx_is_retried_with_exponential_backoff_then_succeeds() -> None:
    responses.get(f"{BASE}/things", status=503, body="<html>Service Unavailable</html>")
    responses.get(f"{BASE}/things", status=500, json={"error": "boom"})
    responses.get(f"{BASE}/things", json={"items": [1, 2]})
    client, sleeps = make_client(backoff_base=0.5)

    assert client.get_json("things", params={"key": SECRET}, endpoint="things.list") == {"items": [1, 2]}
    assert sleeps == [0.5, 1.0]
    # Every attempt is charged: the platforms bill failed requests too.
    assert client.meter.calls == 3
    assert client.meter.units == 9
    assert client.meter.by_endpoint["things.list"] == 9


@responses.activate
def test_retry_after_header_is_honoured_and_capped() -> None:
    responses.get(f"{BASE}/things", status=429, headers={"Retry-After": "7"}, json={})
    responses.get(f"{BASE}/things", status=429, headers={"Retry-After": "500"}, json={})
    responses.get(f"{BASE}/things", json={"ok": True})
    client, sleeps = make_client(backoff_max=30)

    client.get_json("things", endpoint="things.list")
    assert sleeps == [7.0, 30.0]


@responses.activate
def test_gives_up_after_max_retries_with_a_clear_error() -> None:
    for _ in range(3):
        responses.get(f"{BASE}/things", status=502, body="Bad Gateway")
    client, sleeps = make_client(max_retries=2)

    with pytest.raises(ConnectorUnavailable, match=r"HTTP 502.*gave up after 3 attempts"):
        client.get_json("things", endpoint="things.list")
    assert len(responses.calls) == 3
    assert len(sleeps) == 2


@responses.activate
def test_non_retryable_error_is_raised_at_once() -> None:
    responses.get(f"{BASE}/things", status=400, json={"error": {}})
    client, sleeps = make_client()

    with pytest.raises(ConnectorAuthError, match="refused"):
        client.get_json("things", endpoint="things.list")
    assert len(responses.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "body, what",
    [
        (b"{'items': [", "not valid JSON"),
        (b"<html>ok</html>", "not valid JSON"),
        (b"[1, 2]", "JSON list, not an object"),
    ],
)
@responses.activate
def test_a_success_that_is_not_a_json_object_is_malformed_and_not_retried(body: bytes, what: str) -> None:
    responses.get(f"{BASE}/things", body=body, status=200)
    client, _ = make_client()

    with pytest.raises(MalformedResponse, match=what):
        client.get_json("things", endpoint="things.list")
    assert len(responses.calls) == 1


@responses.activate
def test_network_errors_are_retried_and_never_show_the_key() -> None:
    error = requests.ConnectionError(f"HTTPSConnectionPool: Max retries exceeded with url: /things?key={SECRET}")
    responses.get(f"{BASE}/things", body=error)
    responses.get(f"{BASE}/things", body=error)
    client, sleeps = make_client(max_retries=1)

    with pytest.raises(ConnectorUnavailable) as info:
        client.get_json("things", params={"key": SECRET}, endpoint="things.list")
    assert SECRET not in str(info.value)
    assert "***" in str(info.value)
    assert "network error" in str(info.value)
    assert len(sleeps) == 1


@responses.activate
def test_budget_refuses_a_call_before_it_is_sent() -> None:
    responses.get(f"{BASE}/things", json={"ok": True})
    client, _ = make_client(quota_budget=5)

    client.get_json("things", endpoint="things.list")  # 3 units
    with pytest.raises(QuotaExceeded, match="budget of 5 units"):
        client.get_json("things", endpoint="things.list")  # would be 6
    assert len(responses.calls) == 1
    assert client.meter.units == 3


@responses.activate
def test_download_returns_bytes_and_is_free_of_quota() -> None:
    responses.get("https://cdn.example.test/a.jpg", body=b"\xff\xd8jpegbytes")
    client, _ = make_client()

    assert client.download("https://cdn.example.test/a.jpg", max_bytes=1000) == b"\xff\xd8jpegbytes"
    assert client.meter.units == 0


@responses.activate
def test_download_refuses_oversized_bodies_and_4xx() -> None:
    responses.get("https://cdn.example.test/big.jpg", body=b"x" * 2000)
    responses.get("https://cdn.example.test/gone.jpg", status=404)
    client, _ = make_client()

    with pytest.raises(ConnectorError, match="above 1,000 bytes"):
        client.download("https://cdn.example.test/big.jpg", max_bytes=1000)
    with pytest.raises(ConnectorError, match="HTTP 404"):
        client.download("https://cdn.example.test/gone.jpg", max_bytes=1000)


@responses.activate
def test_download_retries_5xx() -> None:
    responses.get("https://cdn.example.test/a.jpg", status=503)
    responses.get("https://cdn.example.test/a.jpg", body=b"img")
    client, sleeps = make_client()

    assert client.download("https://cdn.example.test/a.jpg", max_bytes=100) == b"img"
    assert sleeps == [1.0]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/a.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/a.jpg",
        "http://2130706433/a.jpg",
        "http://10.0.0.5/a.jpg",
        "file:///etc/passwd",
    ],
)
@responses.activate
def test_download_refuses_addresses_inside_the_servers_network(url: str) -> None:
    client, _ = make_client()

    with pytest.raises(ConnectorError, match="image_url"):
        client.download(url, max_bytes=1000)
    assert len(responses.calls) == 0  # refused before any request was made


@responses.activate
def test_download_follows_a_redirect_only_to_a_public_address() -> None:
    responses.get("https://cdn.example.test/moved.jpg", status=302, headers={"Location": "/a.jpg"})
    responses.get("https://cdn.example.test/a.jpg", body=b"img")
    responses.get("https://cdn.example.test/sneaky.jpg", status=302, headers={"Location": "http://127.0.0.1:5432/"})
    client, _ = make_client()

    assert client.download("https://cdn.example.test/moved.jpg", max_bytes=100) == b"img"
    with pytest.raises(ConnectorError, match="loopback"):
        client.download("https://cdn.example.test/sneaky.jpg", max_bytes=100)
    assert [call.request.url for call in responses.calls][-1] == "https://cdn.example.test/sneaky.jpg"


@responses.activate
def test_download_gives_up_on_a_redirect_loop() -> None:
    responses.get("https://cdn.example.test/loop.jpg", status=301, headers={"Location": "/loop.jpg"})
    client, _ = make_client()

    with pytest.raises(ConnectorError, match="redirects"):
        client.download("https://cdn.example.test/loop.jpg", max_bytes=100)
