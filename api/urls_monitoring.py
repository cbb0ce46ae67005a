"""Monitoring routes, included under /api/monitoring/ with the namespace "api:monitoring"."""

from django.urls import path

from api.views import monitoring as views

urlpatterns = [
    path("watches/", views.WatchListView.as_view(), name="watch-list"),
    path("watches/<id:pk>/", views.WatchDetailView.as_view(), name="watch-detail"),
    path("watches/<id:pk>/rules/", views.WatchRuleListView.as_view(), name="watch-rules"),
    path("rules/<id:pk>/", views.WatchRuleDetailView.as_view(), name="rule-detail"),
    path("alerts/", views.AlertListView.as_view(), name="alert-list"),
    path("alerts/<id:pk>/", views.AlertDetailView.as_view(), name="alert-detail"),
    path("alerts/<id:pk>/acknowledge/", views.AlertAcknowledgeView.as_view(), name="alert-acknowledge"),
    path("alerts/<id:pk>/resolve/", views.AlertResolveView.as_view(), name="alert-resolve"),
    path("evaluate/", views.EvaluateView.as_view(), name="evaluate"),
    path("settings/", views.NotificationSettingsView.as_view(), name="settings"),
    path("settings/rotate-secret/", views.WebhookSecretRotateView.as_view(), name="settings-rotate-secret"),
    path("settings/test-webhook/", views.WebhookTestView.as_view(), name="settings-test-webhook"),
    path("deliveries/", views.DeliveryListView.as_view(), name="delivery-list"),
    path("creators/<id:pk>/estimates/", views.CreatorEstimatesView.as_view(), name="creator-estimates"),
    path("creators/<id:pk>/sentiment/", views.CreatorSentimentView.as_view(), name="creator-sentiment"),
]
