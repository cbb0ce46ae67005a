"""Organisations (a brand team or an agency) and who belongs to them with which role."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


WRITE_ROLES = frozenset({Role.OWNER, Role.EDITOR})


class Organization(models.Model):
    """A tenant. Its brands, shortlists, notes, searches and exports are invisible to others."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_catalogue_admin(self) -> bool:
        """Members of the deployment's admin organisation may edit the shared catalogue."""
        return self.name == settings.ADMIN_ORGANIZATION_NAME


class Membership(models.Model):
    """A user's role in an organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique_user_org")]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.organization}"

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES
