"""Who may do what: organisation members read, editors and owners write, and only editors of
the deployment's admin organisation change the shared catalogue."""

from __future__ import annotations

from typing import cast

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.caching.access import instance_of, memoised, request_access_version, row_of
from core.models import Membership, Organization
from core.selectors.tenancy import membership_for_user

# The organisation a request acts for, by id; without it, the user's first membership.
ORGANIZATION_HEADER = "X-Organization"
_MEMBERSHIP_ATTR = "_vetted_membership"  # the request's membership (None included), once looked up


def memoised_membership(request) -> Membership | None:  # noqa: ANN001
    """The membership of the request's user in the organisation named by the X-Organization
    header (or their first), looked up once per request and memoised per process at the access
    data version (core/caching/access.py): a removed membership or a changed role is seen by the
    next request."""
    if hasattr(request, _MEMBERSHIP_ATTR):
        cached: Membership | None = getattr(request, _MEMBERSHIP_ATTR)
        return cached
    user = getattr(request, "user", None)
    membership: Membership | None = None
    if user is not None and user.is_authenticated:
        header = request.headers.get(ORGANIZATION_HEADER) or ""

        def load() -> tuple | None:
            found = membership_for_user(user, organization_id=header)
            return None if found is None else (row_of(found), row_of(found.organization))

        rows = memoised(("membership", user.pk, header), version=request_access_version(request), load=load)
        if rows is not None:
            # load() is the only writer of this key: a Membership's row, then its Organization's.
            membership = cast(Membership, instance_of(rows[0]))
            membership.organization = cast(Organization, instance_of(rows[1]))
            membership.user = user
    setattr(request, _MEMBERSHIP_ATTR, membership)
    return membership


def request_membership(request) -> Membership:  # noqa: ANN001
    """The caller's membership, or 403 when the user belongs to no (or not to the named) organisation."""
    membership = memoised_membership(request)
    if membership is None:
        if request.headers.get(ORGANIZATION_HEADER):
            raise PermissionDenied(
                f"you are not a member of the organisation named by the {ORGANIZATION_HEADER} header"
            )
        raise PermissionDenied("you are not a member of any organisation")
    return membership


def request_organization(request) -> Organization:  # noqa: ANN001
    """The organisation the caller acts for (403 when none)."""
    return request_membership(request).organization


class IsOrganizationMember(BasePermission):
    """Authenticated and a member of an organisation; writes need the editor or owner role."""

    message = "your role in this organisation cannot make changes (viewer)"

    def has_permission(self, request, view) -> bool:  # noqa: ANN001
        if not (request.user and request.user.is_authenticated):
            return False
        membership = request_membership(request)
        if request.method in SAFE_METHODS or getattr(view, "member_may_write", False):
            return True
        return membership.can_write
