"""API routes, namespaced under "api"."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# drf-spectacular's extensions register on import; the schema is only built through these routes,
# so commands and workers that never serve the API don't pay for importing drf-spectacular.
from api import schema_extensions  # noqa: F401
from api.views import (
    brands,
    briefs,
    campaigns,
    creators,
    exports,
    jobs,
    notes,
    overlap,
    search,
    shortlists,
    sync,
    vetting,
)
from api.views.health import HealthView


@csrf_exempt  # it changes nothing; a CSRF refusal here would be an HTML 403 for any write method
def api_not_found(request: HttpRequest, unmatched: str = "") -> JsonResponse:
    """Unknown /api/ paths answer a JSON 404 like every other API error (not the HTML page)."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Catalogue (readable by every member)
    path("creators/", creators.CreatorListView.as_view(), name="creator-list"),
    path("creators/<id:pk>/", creators.CreatorDetailView.as_view(), name="creator-detail"),
    path("creators/<id:pk>/lookalikes/", creators.CreatorLookalikesView.as_view(), name="creator-lookalikes"),
    path("accounts/lookup", sync.AccountLookupView.as_view(), name="account-lookup"),
    path("accounts/track", jobs.AccountTrackView.as_view(), name="account-track"),
    path("sync/creators/", sync.CreatorSyncView.as_view(), name="sync-creators"),
    path("sync/accounts/", sync.AccountSyncView.as_view(), name="sync-accounts"),
    path("sync/alerts/", sync.AlertSyncView.as_view(), name="sync-alerts"),
    path("search/aesthetic/", search.AestheticSearchView.as_view(), name="aesthetic-search"),
    path("imports/", jobs.ImportUploadView.as_view(), name="import-upload"),
    path("vetting/runs/", vetting.VettingRunView.as_view(), name="vetting-runs"),
    # Organisation-owned
    path("brands/", brands.BrandListView.as_view(), name="brand-list"),
    path("brands/<id:pk>/", brands.BrandDetailView.as_view(), name="brand-detail"),
    path("brands/<id:pk>/mood-board/", brands.MoodBoardView.as_view(), name="brand-mood-board"),
    path(
        "brands/<id:pk>/mood-board/<id:image_id>/", brands.MoodBoardImageView.as_view(), name="brand-mood-board-image"
    ),
    path(
        "brands/<id:pk>/mood-board/<id:image_id>/file/",
        brands.MoodBoardFileView.as_view(),
        name="brand-mood-board-file",
    ),
    path("brands/<id:pk>/matches/", brands.BrandMatchesView.as_view(), name="brand-matches"),
    # A brief in plain words → filters and a target audience (nothing stored; "parse" with or without "/")
    re_path(r"^briefs/parse/?$", briefs.BriefParseView.as_view(), name="brief-parse"),
    path("shortlists/", shortlists.ShortlistListView.as_view(), name="shortlist-list"),
    path("shortlists/<id:pk>/", shortlists.ShortlistDetailView.as_view(), name="shortlist-detail"),
    path("shortlists/<id:pk>/entries/", shortlists.EntryListView.as_view(), name="shortlist-entries"),
    path("shortlists/<id:pk>/overlap/", overlap.ShortlistOverlapView.as_view(), name="shortlist-overlap"),
    path(
        "shortlists/<id:pk>/entries/remove/", shortlists.EntryBulkRemoveView.as_view(), name="shortlist-entries-remove"
    ),
    path(
        "shortlists/<id:pk>/entries/status/", shortlists.EntryBulkStatusView.as_view(), name="shortlist-entries-status"
    ),
    path("shortlists/<id:pk>/entries/<id:entry_id>/", shortlists.EntryDetailView.as_view(), name="shortlist-entry"),
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/<id:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign-detail"),
    path("campaigns/<id:pk>/bookings/", campaigns.BookingView.as_view(), name="campaign-bookings"),
    path("campaigns/<id:pk>/posts/", campaigns.PostImportView.as_view(), name="campaign-posts"),
    path("campaigns/<id:pk>/posts/link/", campaigns.PostLinkView.as_view(), name="campaign-post-link"),
    path("campaigns/<id:pk>/download/<str:fmt>/", campaigns.CampaignDownloadView.as_view(), name="campaign-download"),
    path("notes/", notes.NoteListView.as_view(), name="note-list"),
    path("notes/<id:pk>/", notes.NoteDetailView.as_view(), name="note-detail"),
    path("audience-overlap", overlap.AudienceOverlapView.as_view(), name="audience-overlap"),
    path("exports/", exports.ExportCreateView.as_view(), name="export-create"),
    path("exports/<id:pk>/download/", exports.ExportDownloadView.as_view(), name="export-download"),
    path("jobs/", jobs.JobListView.as_view(), name="job-list"),
    path("jobs/<id:pk>/", jobs.JobDetailView.as_view(), name="job-detail"),
    path("monitoring/", include(("api.urls_monitoring", "monitoring"))),  # watches, alerts, notifications, estimates
    # Last: anything else under /api/ (also malformed ids such as /api/brands/-1/) is a JSON 404.
    re_path(r"^(?P<unmatched>.*)$", api_not_found, name="not-found"),
]
