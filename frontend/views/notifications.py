"""Notification settings page: who hears about new alerts (email recipients, webhook URL,
minimum severity), the webhook signing secret (shown once, in the response that creates or
rotates it, never stored in the session or shown again), a test ping, and the last webhook
deliveries with every attempt. Owners and editors change it; viewers read it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import InputError
from core.models.tenancy import Role
from frontend.forms import attach_input_error
from frontend.forms_monitoring import NotificationSettingsForm
from frontend.views.common import (
    can_write,
    error_text,
    is_htmx,
    membership_for,
    render_page,
    require_organization,
    require_write,
)
from vetting.models import DeliveryStatus
from vetting.monitoring import notifications as notification_services
from vetting.monitoring.selectors import recent_deliveries

DELIVERIES_SHOWN = 20


def _deliveries_context(request: HttpRequest, org: Any) -> dict[str, Any]:
    """What the deliveries fragment reads (also all an htmx poll of the page renders). What a
    receiver answered is shown to owners only; everyone else sees the status."""
    deliveries = recent_deliveries(organization=org, limit=DELIVERIES_SHOWN)
    membership = membership_for(request)
    return {
        "deliveries": deliveries,
        "any_pending": any(d.status in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING) for d in deliveries),
        "show_excerpts": bool(membership and membership.role == Role.OWNER),
    }


def _page(
    request: HttpRequest,
    org: Any,
    form: NotificationSettingsForm,
    config: Any,
    *,
    new_secret: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "config": config,
        "new_secret": new_secret,
        "signature_header": notification_services.SIGNATURE_HEADER,
        "timestamp_header": notification_services.TIMESTAMP_HEADER,
        "deliveries_shown": DELIVERIES_SHOWN,
        **_deliveries_context(request, org),
    }
    return render_page(
        request, "frontend/notification_settings.html", context, partial="frontend/_deliveries.html", status=status
    )


@never_cache
@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """GET: the settings (read-only for viewers) and deliveries (htmx polls the deliveries alone
    while one is pending). POST: save; the response shows the secret when saving created one."""
    org = require_organization(request)
    if request.method != "POST":
        if is_htmx(request):  # the poll of the deliveries while one is pending: only the fragment
            return render_page(request, "frontend/_deliveries.html", _deliveries_context(request, org))
        config = notification_services.notification_settings_get(organization=org)
        form = NotificationSettingsForm(initial=NotificationSettingsForm.initial_for(config))
        if not can_write(request):
            form.make_read_only()
        return _page(request, org, form, config)
    require_write(request)
    form = NotificationSettingsForm(request.POST)
    config = notification_services.notification_settings_get(organization=org)
    if form.is_valid():
        had_secret = bool(config.webhook_secret)
        try:
            config = notification_services.notification_settings_update(
                organization=org, user=request.user, **form.to_service_data()
            )
        except InputError as exc:  # nothing was saved: `config` is still what is stored
            attach_input_error(form, exc)
        else:
            if config.webhook_secret and not had_secret:
                messages.success(request, _("Settings saved. The webhook's signing secret was created."))
                return _page(request, org, form, config, new_secret=config.webhook_secret)
            messages.success(request, _("Settings saved."))
            return redirect("frontend:alert_settings")
    return _page(request, org, form, config, status=422)


@never_cache
@login_required
@require_POST
def rotate_secret(request: HttpRequest) -> HttpResponse:
    """Replace the webhook signing secret and show the new one, once."""
    org = require_organization(request)
    require_write(request)
    config = notification_services.webhook_secret_rotate(organization=org, user=request.user)
    messages.success(request, _("New signing secret created; the old one no longer verifies."))
    form = NotificationSettingsForm(initial=NotificationSettingsForm.initial_for(config))
    return _page(request, org, form, config, new_secret=config.webhook_secret)


@login_required
@require_POST
def send_test_ping(request: HttpRequest) -> HttpResponse:
    """Send a signed `ping` event to the webhook; it shows up in the deliveries."""
    org = require_organization(request)
    require_write(request)
    try:
        notification_services.webhook_ping(organization=org)
    except InputError as exc:
        messages.error(request, error_text(exc))
    else:
        # Sent by a worker, or without one by a background thread: never while this page waits.
        messages.success(request, _("Test ping queued; its delivery is listed below."))
    return redirect(reverse("frontend:alert_settings") + "#deliveries")
