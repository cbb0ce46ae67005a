"""What every page view needs: the user's organisation, htmx detection, page-or-fragment
rendering. No business logic: organisations come from the tenancy selectors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core.messages import error_message, render_message
from core.models import Membership
from core.selectors.tenancy import membership_for_user


def is_htmx(request: HttpRequest) -> bool:
    """True for requests htmx sent (they get a fragment, not the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    """Render the full page, or only `partial` when htmx asked for a fragment."""
    chosen = partial if partial and is_htmx(request) else template
    return render(request, chosen, context, status=status)


SESSION_ORGANIZATION = "vetted_organization_id"  # the organisation picked in the switcher
_MEMBERSHIP_ATTR = "_vetted_membership"  # the request's membership (None included), once looked up


def membership_for(request: HttpRequest) -> Membership | None:
    """The signed-in user's membership (organisation and role), or None; looked up once per
    request. Like the API, an X-Organization header names one of several organisations; else the
    one picked in the switcher (the first membership when the user has since left it)."""
    if hasattr(request, _MEMBERSHIP_ATTR):
        cached: Membership | None = getattr(request, _MEMBERSHIP_ATTR)
        return cached
    membership = None
    if request.user.is_authenticated:
        header = request.headers.get("X-Organization")
        picked = request.session.get(SESSION_ORGANIZATION) if hasattr(request, "session") else None
        membership = membership_for_user(request.user, organization_id=header or picked)
        if membership is None and not header and picked:
            membership = membership_for_user(request.user)
    setattr(request, _MEMBERSHIP_ATTR, membership)
    return membership


def organization_for(request: HttpRequest):  # noqa: ANN201 (Organization | None)
    """The organisation the signed-in user works in, or None."""
    membership = membership_for(request)
    return membership.organization if membership else None


def require_organization(request: HttpRequest):  # noqa: ANN201 (Organization)
    """The user's organisation; 404 when they belong to none (nothing of any tenant to show)."""
    org = organization_for(request)
    if org is None:
        raise Http404("You are not a member of any organisation.")
    return org


def can_write(request: HttpRequest) -> bool:
    """Whether the user's role lets them change their organisation's brands and shortlists."""
    membership = membership_for(request)
    return bool(membership and membership.can_write)


def memberships_of(request: HttpRequest) -> list[Membership]:
    """Every organisation the signed-in user belongs to (the switcher lists them)."""
    if not request.user.is_authenticated:
        return []
    memberships = Membership.objects.select_related("organization").filter(user=request.user)
    return list(memberships.order_by("organization__name"))


def require_write(request: HttpRequest) -> None:
    """Refuse (403) a change asked for by a member whose role cannot write (viewers). The pages
    hide their write controls from viewers, so only a crafted request gets here."""
    if not can_write(request):
        raise PermissionDenied("Your role in this organisation (viewer) cannot change this.")


def safe_next(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """Where to go after a form: `candidate` (a `next` field) when it is a path on this site,
    otherwise the URL of the view named `fallback`. Never another site (`https://evil.example`,
    `//evil.example`, `/\\evil.example`) and never a name to reverse (`next=view_name` must not
    turn into a lookup that fails with a 500)."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return reverse(fallback)


def htmx_aware_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """Go to `url` after a write: a plain redirect, or for htmx an HX-Redirect (a 302 would be
    followed inside the fragment)."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def catalogue_is_demo() -> bool:
    """Whether the catalogue holds synthetic demo creators (pages then say so in a banner).
    The demo seeder marks each of its creators' notes with NOTE_PREFIX; cached briefly so it
    costs no query on most requests."""
    from django.core.cache import cache

    cached = cache.get("vetted:catalogue_is_demo")
    if cached is None:
        from influencers.models import Creator
        from influencers.services.demo.seed import NOTE_PREFIX

        cached = Creator.objects.filter(notes__startswith=NOTE_PREFIX).exists()
        cache.set("vetted:catalogue_is_demo", cached, 30)
    return cached


def error_text(exc: BaseException) -> str:
    """What a person reads about a domain error, in their language (core.messages.error_message):
    the input named by its label, the uploaded file by its name; never "field 'x'", an exception's
    name or a server path."""
    return render_message(error_message(exc))
