"""Organisations and memberships: adding members, and finding the organisation a request acts for.

A user may belong to several organisations (an agency employee working for many clients); a
request picks one with the `X-Organization` header (the organisation id), else the user's
first membership is used. A user with no membership has no organisation: organisation-scoped
endpoints answer 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from core.errors import InputError
from core.models import Membership, Organization, Role

ORGANIZATION_HEADER = "X-Organization"


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


def membership_for_user(user, *, organization_id: object = None) -> Membership | None:  # noqa: ANN001
    """The membership `user` acts through: the one in `organization_id` when given (None if the
    user is not a member of it, or the id is malformed), else the user's first membership."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    memberships = Membership.objects.select_related("organization").filter(user=user)
    if organization_id not in (None, ""):
        try:
            org_pk = int(str(organization_id).strip())
        except ValueError:
            return None
        if not 0 < org_pk < 2**63:
            return None
        return memberships.filter(organization_id=org_pk).first()
    return memberships.order_by("created_at", "id").first()


def organization_for_user(user, *, organization_id: object = None) -> Organization | None:  # noqa: ANN001
    """The organisation `user` acts for (see `membership_for_user`), or None."""
    membership = membership_for_user(user, organization_id=organization_id)
    return membership.organization if membership else None


def membership_for_request(
    request, *, lookup: Callable[..., Membership | None] = membership_for_user  # noqa: ANN001
) -> Membership | None:
    """The membership of the request's user, honouring the X-Organization header; cached on the
    request so permission checks and views share one lookup. `lookup(user, organization_id=…)`
    finds it (the API passes a memoised one)."""
    cached = getattr(request, "_vetted_membership", False)
    if cached is not False:
        return cached
    header = request.headers.get(ORGANIZATION_HEADER) if hasattr(request, "headers") else None
    membership = lookup(getattr(request, "user", None), organization_id=header)
    try:
        request._vetted_membership = membership
    except AttributeError:  # pragma: no cover - immutable request doubles
        pass
    return membership


def organization_for_request(request) -> Organization | None:  # noqa: ANN001
    """The organisation the request acts for, or None when the user has no (matching) membership."""
    membership = membership_for_request(request)
    return membership.organization if membership else None
