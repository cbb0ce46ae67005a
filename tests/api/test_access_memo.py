"""The per-process memo of token users and memberships (core/caching/access.py): a repeated request
looks up neither, and every change to who may do what is refused or granted on the very next
request: a deleted or rotated token, a deactivated user (saved or bulk-updated), a removed,
moved or re-roled membership, a renamed admin organisation. (The conftest turns the memo on for
every API test, so the isolation and tenancy tests run through it too.)"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from core.caching import access as access_memo
from core.caching import versions as cache_versions
from core.models import Membership, Role
from tests.api.conftest import client_for
from tests.factories import MembershipFactory, OrganizationFactory

BRANDS = "/api/brands/"


def queries_of(client, path: str, **extra) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, **extra).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def access_queries(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if "authtoken_token" in sql or "core_membership" in sql]


def test_a_repeated_request_looks_up_neither_token_nor_membership(editor):
    assert len(access_queries(queries_of(editor.client, BRANDS))) == 2
    assert access_queries(queries_of(editor.client, BRANDS)) == []


def test_the_memo_is_off_when_its_setting_is_zero(editor, settings):
    settings.API_ACCESS_MEMO_SECONDS = 0
    editor.client.get(BRANDS)
    assert len(access_queries(queries_of(editor.client, BRANDS))) == 2


def test_the_memo_is_bypassed_when_the_cache_is_unreachable(editor, monkeypatch):
    monkeypatch.setattr(access_memo, "data_version", lambda scope: None)
    editor.client.get(BRANDS)
    assert len(access_queries(queries_of(editor.client, BRANDS))) == 2


def test_a_deleted_token_is_refused_on_the_next_request(editor):
    assert editor.client.get(BRANDS).status_code == 200
    Token.objects.filter(user=editor.user).delete()
    assert editor.client.get(BRANDS).status_code == 401


def test_a_rotated_token_refuses_the_old_key_and_accepts_the_new(editor):
    assert editor.client.get(BRANDS).status_code == 200
    Token.objects.filter(user=editor.user).delete()
    fresh = client_for(editor.user)
    assert editor.client.get(BRANDS).status_code == 401
    assert fresh.get(BRANDS).status_code == 200


@pytest.mark.parametrize("how", ["save", "bulk_update"])
def test_a_deactivated_user_is_refused_on_the_next_request(editor, how):
    assert editor.client.get(BRANDS).status_code == 200
    if how == "save":
        editor.user.is_active = False
        editor.user.save()
    else:
        get_user_model().objects.filter(pk=editor.user.pk).update(is_active=False)
    assert editor.client.get(BRANDS).status_code == 401


def test_a_deleted_user_is_refused_on_the_next_request(editor):
    assert editor.client.get(BRANDS).status_code == 200
    get_user_model().objects.filter(pk=editor.user.pk).delete()
    assert editor.client.get(BRANDS).status_code == 401


def test_a_removed_membership_is_refused_on_the_next_request(editor):
    assert editor.client.get(BRANDS).status_code == 200
    Membership.objects.filter(user=editor.user).delete()
    assert editor.client.get(BRANDS).status_code == 403


def test_a_role_change_takes_effect_on_the_next_request(editor):
    assert editor.client.post(BRANDS, {"name": "First"}, format="json").status_code == 201
    Membership.objects.filter(user=editor.user).update(role=Role.VIEWER)
    assert editor.client.post(BRANDS, {"name": "Second"}, format="json").status_code == 403
    membership = Membership.objects.get(user=editor.user)
    membership.role = Role.OWNER
    membership.save()
    assert editor.client.post(BRANDS, {"name": "Third"}, format="json").status_code == 201


def test_a_membership_moved_to_another_organisation_acts_for_the_new_one(editor, intruder):
    own = editor.client.post(BRANDS, {"name": "A's brand"}, format="json").json()["id"]
    assert [b["id"] for b in editor.client.get(BRANDS).json()["results"]] == [own]
    Membership.objects.filter(user=editor.user).update(organization=intruder.organization)
    assert editor.client.get(BRANDS).json()["results"] == []
    assert editor.client.get(f"{BRANDS}{own}/").status_code == 404


def test_a_header_naming_an_organisation_left_is_refused_on_the_next_request(editor):
    other = OrganizationFactory(name="Client C")
    MembershipFactory(user=editor.user, organization=other, role=Role.EDITOR)
    header = {"HTTP_X_ORGANIZATION": str(other.pk)}
    assert editor.client.get(BRANDS, **header).status_code == 200
    Membership.objects.filter(user=editor.user, organization=other).delete()
    assert editor.client.get(BRANDS, **header).status_code == 403
    assert editor.client.get(BRANDS).status_code == 200  # still a member of the first


def test_a_role_change_changes_import_rights_on_the_next_request(catalogue_editor):
    path = "/api/imports/"
    assert catalogue_editor.client.post(path, {}, format="multipart").status_code == 400  # allowed, no file
    Membership.objects.filter(user=catalogue_editor.user).update(role=Role.VIEWER)
    assert catalogue_editor.client.post(path, {}, format="multipart").status_code == 403


def test_memo_entries_are_per_user_and_organisation(editor, intruder):
    # The intruder naming org A is refused even right after A's editor was memoised for it.
    header = {"HTTP_X_ORGANIZATION": str(editor.organization.pk)}
    assert editor.client.get(BRANDS, **header).status_code == 200
    assert intruder.client.get(BRANDS, **header).status_code == 403


def test_each_request_gets_its_own_user_instance(editor):
    from api.authentication import MemoisedTokenAuthentication

    key = Token.objects.get(user=editor.user).key
    version = cache_versions.data_version("access")
    auth = MemoisedTokenAuthentication()
    auth._version = version
    first, _ = auth.authenticate_credentials(key)
    first.first_name = "changed by a view"
    second, _ = auth.authenticate_credentials(key)
    assert second is not first and second.pk == first.pk and second.first_name == ""
