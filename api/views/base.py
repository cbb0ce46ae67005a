"""What every organisation-scoped view shares: the permission and the caller's organisation."""

from __future__ import annotations

from functools import cached_property

from rest_framework.generics import GenericAPIView

from api.permissions import IsOrganizationMember, request_membership
from core.models import Membership, Organization


class OrganizationScopedView(GenericAPIView):
    """A view acting for the caller's organisation (X-Organization header or first membership).
    Reads need membership, writes the editor or owner role."""

    permission_classes = [IsOrganizationMember]

    @cached_property
    def membership(self) -> Membership:
        return request_membership(self.request)

    @property
    def organization(self) -> Organization:
        return self.membership.organization
