"""Fixtures for API tests: members of two organisations with each role, and clients for them."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.caching.versions import version_key
from core.models import Membership, Organization, Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@dataclass
class Member:
    """A user acting for an organisation, with an authenticated API client."""

    user: object
    organization: Organization
    role: str
    client: APIClient


def client_for(user, organization: Organization | None = None) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    if organization is not None:
        client.defaults["HTTP_X_ORGANIZATION"] = str(organization.pk)
    return client


@pytest.fixture(scope="session")
def api_contract(django_db_setup, django_db_blocker):
    """The schema the API serves, as a response checker (tests/api/contract.py)."""
    from drf_spectacular.generators import SchemaGenerator

    from tests.api.contract import Contract

    with django_db_blocker.unblock():
        return Contract(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture(autouse=True)
def responses_match_the_schema(request, monkeypatch):
    """Every response an API test client receives is checked against the served schema: a test
    that gets an undocumented status or a body the schema contradicts fails."""
    contract = request.getfixturevalue("api_contract")
    original = APIClient.request

    def checked(self, **kwargs):
        response = original(self, **kwargs)
        accept = kwargs.get("HTTP_ACCEPT") or self._credentials.get("HTTP_ACCEPT", "")
        contract.check(kwargs.get("REQUEST_METHOD", "GET"), kwargs.get("PATH_INFO", ""), response, accept=accept)
        return response

    monkeypatch.setattr(APIClient, "request", checked)
    yield


@pytest.fixture(autouse=True)
def access_memo_on(settings):
    """Every API test runs with the token and membership memo on (core/caching/access.py), as in a
    deployment with CACHE_URL: isolation and revocation tests then also prove the memo safe."""
    from django.core.cache import cache

    from core.caching import access as access_memo

    settings.API_ACCESS_MEMO_SECONDS = 60
    access_memo.clear()
    cache.delete(version_key("access"))
    yield
    access_memo.clear()


@pytest.fixture
def make_member(db):
    """make_member(role, organization=None) → Member with a token-authenticated client."""

    def make(role: str = Role.EDITOR, organization: Organization | None = None) -> Member:
        organization = organization or OrganizationFactory()
        membership = MembershipFactory(user=UserFactory(), organization=organization, role=role)
        return Member(membership.user, organization, role, client_for(membership.user))

    return make


@pytest.fixture
def org_a(db) -> Organization:
    return OrganizationFactory(name="Agency A")


@pytest.fixture
def editor(make_member, org_a) -> Member:
    return make_member(Role.EDITOR, org_a)


@pytest.fixture
def viewer(make_member, org_a) -> Member:
    return make_member(Role.VIEWER, org_a)


@pytest.fixture
def intruder(make_member) -> Member:
    """An editor of another organisation, who must see none of org A's objects."""
    return make_member(Role.EDITOR, OrganizationFactory(name="Agency B"))


@pytest.fixture
def catalogue_editor(make_member, settings) -> Member:
    org = OrganizationFactory(name=settings.ADMIN_ORGANIZATION_NAME)
    return make_member(Role.EDITOR, org)


def png_bytes(size: tuple[int, int] = (32, 32), color: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def assert_error(response, field: str | None = None, status: int = 400) -> dict:
    """The response is the API's one error shape (`code`, `detail`, `field`?, `errors`?) with this
    status, naming `field` (or an item or member of it: `platform[0]`, `params.margin`)."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"], body
    assert isinstance(body.get("detail"), str) and body["detail"], body
    if field is not None:
        named = [body.get("field") or ""] + [e.get("field") or "" for e in body.get("errors", [])]
        assert any(n == field or n.startswith((f"{field}[", f"{field}.")) for n in named), body
    return body


__all__ = ["Member", "Membership", "assert_error", "client_for", "png_bytes", "upload"]
