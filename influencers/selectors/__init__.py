"""Read-side query functions shared by the API and the web UI.

Every selector returns a QuerySet (or plain data) with its joins and prefetches applied, and
every organisation-owned selector takes the organisation, so a caller cannot forget the scope.
"""

from .brands import brand_get, brand_list, mood_board_list
from .creators import (
    CREATOR_SORTS,
    AccountTerm,
    account_recent_post_counters,
    creator_detail,
    creator_growth_series,
    creator_list,
    creator_search_queryset,
    creator_sponsored_posts,
    creator_top_posts,
    creators_by_ids,
)
from .jobs import job_get, job_list
from .notes import note_get, note_list
from .shortlists import creator_shortlist_entries, entry_get, entry_list, shortlist_get, shortlist_list

__all__ = [
    "CREATOR_SORTS",
    "AccountTerm",
    "account_recent_post_counters",
    "brand_get",
    "brand_list",
    "creator_detail",
    "creator_growth_series",
    "creator_list",
    "creator_search_queryset",
    "creator_shortlist_entries",
    "creator_sponsored_posts",
    "creator_top_posts",
    "creators_by_ids",
    "entry_get",
    "entry_list",
    "job_get",
    "job_list",
    "mood_board_list",
    "note_get",
    "note_list",
    "shortlist_get",
    "shortlist_list",
]
