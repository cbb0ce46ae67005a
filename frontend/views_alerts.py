"""Alert inbox page: the organisation's monitoring alerts with their evidence, acknowledge and
resolve. Included from frontend/urls.py as `path("alerts/", include("frontend.views_alerts"))`,
so its routes are frontend:alerts and frontend:alert_action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotFound, VettedError
from frontend.views.common import can_write, error_text, render_page, require_organization
from vetting.models import AlertStatus, RuleKind, Severity
from vetting.monitoring import alert_acknowledge, alert_resolve
from vetting.monitoring.selectors import alert_counts, alert_get, alert_list, watch_get

PAGE_SIZE = 25


@login_required
def alert_inbox(request: HttpRequest) -> HttpResponse:
    """Alerts of the user's organisation, one status at a time (open by default), newest first."""
    org = require_organization(request)
    status = request.GET.get("status") or AlertStatus.OPEN
    if status not in AlertStatus.values and status != "all":
        status = AlertStatus.OPEN
    kind = request.GET.get("kind") if request.GET.get("kind") in RuleKind.values else None
    severity = request.GET.get("severity") if request.GET.get("severity") in Severity.values else None
    watch = _watch_filter(org, request.GET.get("watch"))
    alerts = alert_list(
        organization=org,
        status=None if status == "all" else status,
        kind=kind,
        severity=severity,
        watch_id=watch.pk if watch else None,
    )
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = alert_counts(organization=org)
    context = {
        "page": page,
        "alerts": page.object_list,
        "status": status,
        "kind": kind or "",
        "severity": severity or "",
        "watch": watch,
        "counts": counts,
        "total": sum(counts.values()),
        "tabs": [(s.value, s.label) for s in AlertStatus],
        "kinds": RuleKind.choices,
        "severities": Severity.choices,
        "can_write": can_write(request),
    }
    return render_page(request, "frontend/alerts.html", context)


def _watch_filter(org, value: str | None):  # noqa: ANN001, ANN202 (Organization, Watch | None)
    """The organisation's watch named by ?watch= (the watches page links to its open alerts);
    None when absent or not one of the organisation's watches."""
    if not value:
        return None
    try:
        return watch_get(organization=org, watch_id=value)
    except NotFound:
        return None


@login_required
@require_POST
def alert_action(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Acknowledge or resolve one alert (editors and owners), then back to the inbox."""
    org = require_organization(request)
    alert = alert_get(organization=org, alert_id=alert_id)
    back = reverse("frontend:alerts") + "?" + urlencode({"status": request.POST.get("back_status") or "open"})
    if not can_write(request):
        messages.error(request, _("Your role in this organisation cannot change alerts (viewer)."))
        return HttpResponseRedirect(back)
    action = request.POST.get("action")
    try:
        if action == "acknowledge":
            alert_acknowledge(alert=alert, user=request.user)
            messages.success(request, _("Alert acknowledged."))
        elif action == "resolve":
            alert_resolve(alert=alert, user=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("Alert resolved."))
        else:
            messages.error(request, _("Unknown action."))
    except VettedError as exc:
        messages.error(request, error_text(exc))
    return HttpResponseRedirect(back)


urlpatterns = [
    path("", alert_inbox, name="alerts"),
    path("<id:alert_id>/action/", alert_action, name="alert_action"),
]
