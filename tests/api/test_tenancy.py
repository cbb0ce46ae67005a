"""Memberships: add_member, the X-Organization header, roles."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from core.models import Membership, Organization, Role
from tests.api.conftest import client_for
from tests.factories import BrandFactory, MembershipFactory, OrganizationFactory


@pytest.mark.django_db
def test_add_member_creates_org_and_user_and_prints_a_working_token():
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "add_member",
        "--org",
        "Acme 代理",
        "--username",
        "lin",
        "--role",
        "viewer",
        "--create-token",
        stdout=out,
        stderr=err,
    )
    token = out.getvalue().strip()
    assert Token.objects.get(key=token).user.username == "lin"
    membership = Membership.objects.get(user__username="lin")
    assert membership.organization.name == "Acme 代理" and membership.role == Role.VIEWER
    assert "created organisation" in err.getvalue()
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/brands/").status_code == 200
    assert client.post("/api/brands/", {"name": "X"}, format="json").status_code == 403  # viewer

    # Running it again changes the role and prints the same token.
    out2 = io.StringIO()
    call_command(
        "add_member",
        "--org",
        "Acme 代理",
        "--username",
        "lin",
        "--role",
        "editor",
        "--create-token",
        stdout=out2,
        stderr=io.StringIO(),
    )
    assert out2.getvalue().strip() == token
    assert Membership.objects.get(user__username="lin").role == Role.EDITOR
    assert Organization.objects.filter(name="Acme 代理").count() == 1


@pytest.mark.django_db
def test_x_organization_header_picks_the_membership_and_foreign_org_is_refused():
    first, second, foreign = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    membership = MembershipFactory(organization=first, role=Role.VIEWER)
    MembershipFactory(user=membership.user, organization=second, role=Role.EDITOR)
    BrandFactory(organization=first, name="First brand")
    BrandFactory(organization=second, name="Second brand")
    BrandFactory(organization=foreign, name="Foreign brand")

    default = client_for(membership.user)
    assert [b["name"] for b in default.get("/api/brands/").json()["results"]] == ["First brand"]
    assert default.post("/api/brands/", {"name": "N"}, format="json").status_code == 403  # viewer in first

    in_second = client_for(membership.user, second)
    assert [b["name"] for b in in_second.get("/api/brands/").json()["results"]] == ["Second brand"]
    assert in_second.post("/api/brands/", {"name": "N"}, format="json").status_code == 201  # editor in second

    for header in (str(foreign.pk), "not-a-number", "999999"):
        client = client_for(membership.user)
        client.defaults["HTTP_X_ORGANIZATION"] = header
        response = client.get("/api/brands/")
        assert response.status_code == 403, header
        assert "X-Organization" in response.json()["detail"]


@pytest.mark.django_db
def test_session_auth_works_for_the_front_end():
    from rest_framework.test import APIClient

    membership = MembershipFactory()
    client = APIClient()
    client.force_login(membership.user)
    assert client.get("/api/creators/").status_code == 200


@pytest.mark.django_db
def test_only_health_is_open():
    from rest_framework.test import APIClient

    client = APIClient()
    assert client.get("/api/health/").status_code == 200
    for path in ("/api/creators/", "/api/brands/", "/api/jobs/", "/api/schema/", "/api/shortlists/", "/api/notes/"):
        assert client.get(path).status_code in (401, 403), path
