"""Template context every page of the web UI shares: organisation, role, demo-data flag."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def vetted_ui(request: HttpRequest) -> dict[str, Any]:
    """`current_org`, `can_write`, `memberships` (for the organisation switcher) and `demo_data`
    (whether the catalogue is the synthetic demo)."""
    if not request.path.startswith("/") or request.path.startswith(("/api/", "/admin/", "/static/")):
        return {}
    from frontend.views.common import catalogue_is_demo, membership_for, memberships_of

    membership = membership_for(request) if hasattr(request, "user") else None
    return {
        "current_org": membership.organization if membership else None,
        "can_write": bool(membership and membership.can_write),
        "memberships": memberships_of(request) if membership else [],
        "demo_data": catalogue_is_demo(),
    }
