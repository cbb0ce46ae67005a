"""Every 4xx/5xx under /api/ has the one error shape with a stable code; hostile JSON is a 400."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import assert_error, client_for
from tests.factories import BrandFactory


@pytest.mark.django_db
def test_validation_errors_list_every_problem_with_its_field(editor):
    response = editor.client.post(
        "/api/brands/", {"name": "", "min_followers": -1, "preferred_platforms": ["myspace"]}, format="json"
    )
    body = assert_error(response, "name")
    assert body["code"] == "invalid"
    fields = {e["field"]: e["code"] for e in body["errors"]}
    assert fields["name"] == "blank" and fields["min_followers"] == "min_value"
    assert fields["preferred_platforms[0]"] == "invalid_choice"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("call", "status", "code"),
    [
        (lambda c: APIClient().get("/api/brands/"), 401, "not_authenticated"),
        (lambda c: c.get("/api/nowhere/"), 404, "not_found"),
        (lambda c: c.get("/api/brands/999999/"), 404, "not_found"),
        (lambda c: c.delete("/api/creators/"), 405, "method_not_allowed"),
        (lambda c: c.post("/api/brands/", "name=x", content_type="application/x-www-form-urlencoded"), 415, None),
    ],
)
def test_each_error_has_the_shape_and_a_stable_code(editor, call, status, code):
    body = assert_error(call(editor.client), status=status)
    if code:
        assert body["code"] == code
    else:
        assert body["code"] == "unsupported_media_type"


@pytest.mark.django_db
def test_a_bad_token_is_401_in_the_shape(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert assert_error(client.get("/api/brands/"), status=401)["code"] == "authentication_failed"


@pytest.mark.django_db
def test_viewer_write_is_403_in_the_shape(viewer):
    body = assert_error(viewer.client.post("/api/brands/", {"name": "x"}, format="json"), status=403)
    assert body["code"] == "permission_denied"


HOSTILE = [
    "[" * 100_000 + "]" * 100_000,  # exhausts the recursive parser
    '{"a":' * 50 + "1" + "}" * 50,  # deep but parseable: refused all the same
    '{"name": "x", "min_followers": 1' + "0" * 5000 + "}",
    '{"name": "x", "min_followers": 1e999}',
    '{"name": "x", "min_followers": NaN}',
    '{"name": "x", "min_followers": Infinity}',
    '{"name": ',
    "\xff\xfe",
]


@pytest.mark.django_db
@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_json_is_a_400_and_writes_nothing(editor, body):
    response = editor.client.generic("POST", "/api/brands/", body.encode("utf-8"), content_type="application/json")
    assert assert_error(response)["code"] == "malformed_request"
    assert editor.client.get("/api/brands/").json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        [1, 2, 3],
        "a string",
        {"name": {"nested": True}},
        {"name": "x", "min_followers": "many"},
        {"name": "x", "min_followers": 10**20},
        {"name": "x", "target_audience": [1]},
        {"name": "x", "values": {"a": 1}},
    ],
)
def test_wrong_types_are_400_not_500(editor, payload):
    assert_error(editor.client.post("/api/brands/", payload, format="json"))


@pytest.mark.django_db
def test_an_unexpected_error_is_a_json_500(editor, monkeypatch):
    from api.views import brands

    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(brands, "brand_list", explode)
    client = client_for(editor.user)
    client.raise_request_exception = False
    response = client.get("/api/brands/")
    body = assert_error(response, status=500)
    assert body["code"] == "server_error" and "boom" not in response.content.decode()
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_a_500_outside_a_view_under_api_is_json(editor, settings):
    from django.test import RequestFactory

    from config.urls import server_error

    api = server_error(RequestFactory().get("/api/brands/"))
    page = server_error(RequestFactory().get("/brands/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    assert page.status_code == 500 and "text/html" in page["Content-Type"]


@pytest.mark.django_db
def test_domain_errors_keep_the_message_for_people(editor):
    brand = BrandFactory(organization=editor.organization)
    response = editor.client.post("/api/brands/", {"name": brand.name}, format="json")
    body = assert_error(response, "name")
    assert body["code"] == "invalid_input" and body["message"]
