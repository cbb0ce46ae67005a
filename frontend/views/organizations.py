"""The organisation switcher: a user in several organisations (an agency working for many clients)
picks the one the pages act for; it is remembered in the session."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.selectors.tenancy import membership_for_user
from frontend.views.common import SESSION_ORGANIZATION, safe_next


@login_required
@require_POST
def organization_switch(request: HttpRequest) -> HttpResponse:
    """Act for the organisation posted (404 when the user is not a member of it)."""
    membership = membership_for_user(request.user, organization_id=request.POST.get("organization"))
    if membership is None:
        raise Http404("You are not a member of that organisation.")
    request.session[SESSION_ORGANIZATION] = membership.organization_id
    return redirect(safe_next(request, request.POST.get("next"), "frontend:discovery"))
