"""Which organisation a user acts for.

A user may belong to several organisations (an agency employee working for many clients); the
caller names one by id (the API's `X-Organization` header), else the user's first membership is
used. A user with no membership has no organisation: organisation-scoped pages and endpoints
refuse them.
"""

from __future__ import annotations

from typing import Any

from core.models import Membership, Organization

MAX_ID = 2**63


def membership_for_user(user: Any, *, organization_id: object = None) -> Membership | None:
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
        if not 0 < org_pk < MAX_ID:
            return None
        return memberships.filter(organization_id=org_pk).first()
    return memberships.order_by("created_at", "id").first()


def organization_for_user(user: Any, *, organization_id: object = None) -> Organization | None:
    """The organisation `user` acts for (see `membership_for_user`), or None."""
    membership = membership_for_user(user, organization_id=organization_id)
    return membership.organization if membership else None
