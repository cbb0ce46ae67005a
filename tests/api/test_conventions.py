"""HTTP conventions: /api/v1/ with /api/ as a deprecated alias, ETag and If-None-Match, gzip,
RateLimit-* headers, CORS off by default and configurable, no-store on secrets, Bearer tokens."""

from __future__ import annotations

import gzip
import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.conftest import assert_error
from tests.factories import BrandFactory, NotificationSettingsFactory


def test_v1_is_canonical_and_the_old_paths_are_a_deprecated_alias(editor):
    BrandFactory(organization=editor.organization, name="Nova")
    current = editor.client.get("/api/v1/brands/")
    legacy = editor.client.get("/api/brands/")
    assert current.status_code == legacy.status_code == 200
    assert current.json() == legacy.json()
    assert "Deprecation" not in current
    assert legacy["Deprecation"] == "true" and legacy["Sunset"]
    assert legacy["Link"] == '</api/v1/brands/>; rel="successor-version"'


def test_links_follow_the_version_asked(editor):
    current = editor.client.post("/api/v1/brands/", {"name": "A"}, format="json")
    legacy = editor.client.post("/api/brands/", {"name": "B"}, format="json")
    assert "/api/v1/brands/" in current["Location"]
    assert "/api/brands/" in legacy["Location"] and "/v1/" not in legacy["Location"]


def test_the_schema_is_served_at_v1(editor):
    response = editor.client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/brands/" in response.json()["paths"]


def test_detail_gets_carry_an_etag_and_answer_304_when_unchanged(editor):
    brand = BrandFactory(organization=editor.organization)
    url = f"/api/v1/brands/{brand.pk}/"
    first = editor.client.get(url)
    etag = first["ETag"]
    assert etag
    same = editor.client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert same.status_code == 304 and same.content == b""
    editor.client.patch(url, {"description": "changed"}, format="json")
    changed = editor.client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_answers_are_gzipped_for_clients_that_accept_it(editor):
    for i in range(20):
        BrandFactory(organization=editor.organization, name=f"Brand {i}", description="words " * 20)
    response = editor.client.get("/api/v1/brands/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["count"] == 20
    plain = editor.client.get("/api/v1/brands/")
    assert "Content-Encoding" not in plain and plain.json()["count"] == 20


def test_secrets_are_no_store_and_never_compressed(editor):
    NotificationSettingsFactory(organization=editor.organization)
    response = editor.client.post("/api/v1/monitoring/settings/rotate-secret/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Content-Encoding" not in response and "ETag" not in response
    assert response.json()["webhook_secret"]


def test_bearer_is_accepted_like_token(editor):
    key = Token.objects.get(user=editor.user).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/brands/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Bearer wrong")
    assert assert_error(client.get("/api/v1/brands/"), status=401)["code"] == "authentication_failed"


def test_cors_is_off_by_default(editor):
    response = editor.client.get("/api/v1/brands/", HTTP_ORIGIN="https://tool.example.com")
    assert "Access-Control-Allow-Origin" not in response


def test_cors_for_configured_origins_only(editor, settings):
    settings.API_CORS_ALLOWED_ORIGINS = ["https://tool.example.com"]
    preflight = APIClient().options(
        "/api/v1/brands/",
        HTTP_ORIGIN="https://tool.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "https://tool.example.com"
    assert "Idempotency-Key" in preflight["Access-Control-Allow-Headers"]
    allowed = editor.client.get("/api/v1/brands/", HTTP_ORIGIN="https://tool.example.com")
    assert allowed["Access-Control-Allow-Origin"] == "https://tool.example.com"
    assert "ETag" in allowed["Access-Control-Expose-Headers"]
    other = editor.client.get("/api/v1/brands/", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in other


@pytest.fixture
def throttled(monkeypatch):
    from api.throttling import WindowedUserRateThrottle
    from api.views.base import OrganizationScopedView

    monkeypatch.setattr(WindowedUserRateThrottle, "rate", "3/min", raising=False)
    monkeypatch.setattr(OrganizationScopedView, "throttle_classes", [WindowedUserRateThrottle])
    from django.core.cache import cache

    cache.clear()


def test_rate_limit_headers_count_down_then_429(editor, throttled):
    seen = []
    for _ in range(3):
        response = editor.client.get("/api/v1/brands/")
        assert response.status_code == 200
        seen.append((response["RateLimit-Limit"], response["RateLimit-Remaining"]))
        assert 0 < int(response["RateLimit-Reset"]) <= 60
    assert seen == [("3", "2"), ("3", "1"), ("3", "0")]
    refused = editor.client.get("/api/v1/brands/")
    assert assert_error(refused, status=429)["code"] == "throttled"
    assert refused["RateLimit-Remaining"] == "0" and int(refused["Retry-After"]) > 0
