"""Web UI routes, namespaced under "frontend" (settings name frontend:login / frontend:discovery)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from frontend.views import (
    auth,
    brands,
    briefs,
    campaigns,
    creators,
    discovery,
    imports,
    jobs,
    notifications,
    organizations,
    shortlists,
    watches,
)

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("organisation/", organizations.organization_switch, name="organization_switch"),
    # Discovery
    path("", discovery.discovery, name="discovery"),
    path("discovery/aesthetic/", discovery.aesthetic_search, name="aesthetic_search"),
    path("discovery/brief/", briefs.brief_parse, name="brief_parse"),
    # Creators
    path("creators/<id:creator_id>/", creators.creator_detail, name="creator"),
    path("creators/<id:creator_id>/lookalikes/", creators.lookalikes, name="creator_lookalikes"),
    path("creators/<id:creator_id>/notes/", creators.note_add, name="creator_note_add"),
    path("creators/<id:creator_id>/shortlist/", creators.shortlist_add, name="creator_shortlist_add"),
    path("creators/<id:creator_id>/vetting/", creators.revet, name="creator_revet"),
    # Brands
    path("brands/", brands.brand_list, name="brands"),
    path("brands/new/", brands.brand_create, name="brand_create"),
    path("brands/<id:brand_id>/", brands.brand_detail, name="brand"),
    path("brands/<id:brand_id>/edit/", brands.brand_edit, name="brand_edit"),
    path("brands/<id:brand_id>/mood-board/", brands.mood_board_upload, name="brand_mood_board"),
    path("brands/<id:brand_id>/mood-board/<id:image_id>/", brands.mood_board_image, name="brand_mood_board_image"),
    path(
        "brands/<id:brand_id>/mood-board/<id:image_id>/delete/",
        brands.mood_board_delete,
        name="brand_mood_board_delete",
    ),
    path("brands/<id:brand_id>/matches/", brands.brand_matches, name="brand_matches"),
    # Shortlists
    path("shortlists/", shortlists.shortlist_list, name="shortlists"),
    path("shortlists/new/", shortlists.shortlist_create, name="shortlist_create"),
    path("shortlists/add/", shortlists.add_creators, name="shortlist_add_creators"),
    path("shortlists/<id:shortlist_id>/", shortlists.shortlist_detail, name="shortlist"),
    path("shortlists/<id:shortlist_id>/entries/<id:entry_id>/", shortlists.entry_update, name="shortlist_entry"),
    path("shortlists/<id:shortlist_id>/bulk/", shortlists.bulk_action, name="shortlist_bulk"),
    path("shortlists/<id:shortlist_id>/export/", shortlists.export_start, name="shortlist_export"),
    # Imports (the jobs they start are on the Jobs pages)
    path("imports/", imports.import_start, name="import_start"),
    path("imports/<str:token>/columns/", imports.import_mapping, name="import_mapping"),
    path("jobs/<id:job_id>/import/", imports.import_run, name="import_run"),
    # Campaigns (run from a shortlist)
    path("shortlists/<id:shortlist_id>/campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<id:campaign_id>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<id:campaign_id>/book/", campaigns.campaign_book, name="campaign_book"),
    path("campaigns/<id:campaign_id>/import/", campaigns.campaign_import, name="campaign_import"),
    path("campaigns/<id:campaign_id>/link/", campaigns.campaign_link, name="campaign_link"),
    path("campaigns/<id:campaign_id>/report.<str:fmt>", campaigns.campaign_download, name="campaign_download"),
    # Jobs
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<id:job_id>/", jobs.job_detail, name="job"),
    path("jobs/<id:job_id>/download/", jobs.job_download, name="job_download"),
    # Monitoring: watches and rules, notification settings (names start with "alert" so the
    # sidebar marks Alerts), and the alert inbox (frontend:alerts, frontend:alert_action)
    path("alerts/watches/", watches.watch_list, name="alert_watches"),
    path("alerts/watches/new/", watches.watch_create, name="alert_watch_create"),
    path("alerts/watches/evaluate/", watches.evaluate_now, name="alert_evaluate"),
    path("alerts/watches/<id:watch_id>/", watches.watch_detail, name="alert_watch"),
    path("alerts/watches/<id:watch_id>/edit/", watches.watch_edit, name="alert_watch_edit"),
    path("alerts/watches/<id:watch_id>/delete/", watches.watch_delete, name="alert_watch_delete"),
    path("alerts/watches/<id:watch_id>/rules/new/", watches.rule_create, name="alert_rule_create"),
    path("alerts/rules/<id:rule_id>/edit/", watches.rule_edit, name="alert_rule_edit"),
    path("alerts/rules/<id:rule_id>/toggle/", watches.rule_toggle, name="alert_rule_toggle"),
    path("alerts/rules/<id:rule_id>/delete/", watches.rule_delete, name="alert_rule_delete"),
    path("alerts/settings/", notifications.notification_settings, name="alert_settings"),
    path("alerts/settings/rotate-secret/", notifications.rotate_secret, name="alert_settings_rotate"),
    path("alerts/settings/test-webhook/", notifications.send_test_ping, name="alert_settings_ping"),
    path("alerts/", include("frontend.views_alerts")),
]
