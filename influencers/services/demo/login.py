"""The demo login printed by scripts/run.sh: user `demo`, editor of Demo Agency and of the
deployment's admin organisation (so it can also edit the shared catalogue)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from core.models import Role
from core.services.tenancy import member_add

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-pass-2026"  # a published demo credential, for local demo deployments only


def demo_user_ensure(*, username: str = DEMO_USERNAME, password: str = DEMO_PASSWORD):  # noqa: ANN201
    """Create or update the demo user: its password, and the editor role in Demo Agency (its
    default organisation, added first) and in the admin organisation. Returns the user."""
    from influencers.services.demo.seed import DEMO_ORGANIZATION

    with transaction.atomic():
        member_add(org_name=DEMO_ORGANIZATION, username=username, role=Role.EDITOR, email=f"{username}@example.com")
        member_add(org_name=settings.ADMIN_ORGANIZATION_NAME, username=username, role=Role.EDITOR)
        user = get_user_model().objects.get(username=username)
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
    return user
