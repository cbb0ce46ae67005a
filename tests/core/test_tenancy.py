"""Memberships made by core/services/tenancy.py and the add_member command: bad input refused
before anything is written. (That the printed token works against the API, and the
X-Organization header, are tested in tests/api/test_tenancy.py.)"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from core.errors import InputError
from core.models import Organization
from core.services.tenancy import member_add


@pytest.mark.django_db
def test_add_member_refuses_bad_input_with_a_clear_error():
    with pytest.raises(CommandError, match="organisation name"):
        call_command("add_member", "--org", "  ", "--username", "x", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_member_add_rejects_unknown_role():
    with pytest.raises(InputError) as caught:
        member_add(org_name="A", username="b", role="god")
    assert caught.value.field == "role"
