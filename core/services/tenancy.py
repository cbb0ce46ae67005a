"""Organisations and memberships: adding members (and their API token)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from core.errors import InputError
from core.models import Membership, Organization, Role


@dataclass(frozen=True)
class MemberAdded:
    """What `member_add` did: the membership, whether rows were created, and the API token."""

    membership: Membership
    created_organization: bool
    created_user: bool
    token: str | None


def member_add(
    *, org_name: str, username: str, role: str = Role.EDITOR, create_token: bool = False, email: str = ""
) -> MemberAdded:
    """Make `username` a member of `org_name` with `role`, creating the organisation and the user
    if needed (an existing membership gets the new role). With `create_token`, returns the
    user's API token (created once, then reused)."""
    org_name = (org_name or "").strip()
    username = (username or "").strip()
    if not org_name:
        raise InputError("the organisation name is empty", field="org")
    if not username:
        raise InputError("the username is empty", field="username")
    if role not in Role.values:
        raise InputError(f"unknown role {role!r} (choose from {', '.join(Role.values)})", field="role")
    user_model = get_user_model()
    with transaction.atomic():
        organization, created_org = Organization.objects.get_or_create(name=org_name)
        user, created_user = user_model.objects.get_or_create(username=username, defaults={"email": email})
        if created_user:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        membership, created_membership = Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": role}
        )
        if not created_membership and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        token = None
        if create_token:
            from rest_framework.authtoken.models import Token

            token = Token.objects.get_or_create(user=user)[0].key
    return MemberAdded(membership=membership, created_organization=created_org, created_user=created_user, token=token)
