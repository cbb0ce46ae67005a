"""How often a user may search by look: each search embeds its query images (CPU), so the web UI
and the API count against one allowance per user (AESTHETIC_SEARCH_RATE, default 60/min)."""

from __future__ import annotations

from django.conf import settings

from core.caching.limits import count_request

SCOPE = "aesthetic_search"


def aesthetic_search_count(user_id: int, *, rate: str | None = None) -> float | None:
    """Count one search by look of `user_id`: None when allowed, else the seconds to wait."""
    chosen: str = rate or str(getattr(settings, "AESTHETIC_SEARCH_RATE", "60/min"))
    return count_request(SCOPE, user_id, chosen)
