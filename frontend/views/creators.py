"""The creator page: identity, accounts, growth with anomalies, engagement, audience, vetting
signals with evidence, images with lookalike creators, sponsored posts and past brand partners,
notes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import InputError, NotFound, VettedError
from frontend.views import charts, presenters
from frontend.views.common import can_write, error_text, is_htmx, organization_for, render_page, require_organization
from influencers.risk import creator_risk_of
from influencers.selectors.creators import (
    account_recent_post_counters,
    creator_growth_series,
    creator_post,
    creator_sponsored_posts,
    creator_top_posts,
)
from influencers.selectors.creators import (
    creator_detail as select_creator_detail,
)
from influencers.selectors.partners import creator_brand_partners
from vetting import monitoring
from vetting.selectors.brands import brand_and_competitor_names
from vetting.selectors.notes import note_list
from vetting.selectors.shortlists import creator_shortlist_entries, shortlist_get, shortlist_list


@login_required
def creator_detail(request: HttpRequest, creator_id: int) -> HttpResponse:
    """The creator page for one account of the creator (`?account=<id>`, default the biggest)."""
    creator = select_creator_detail(creator_id=creator_id)
    org = organization_for(request)
    accounts = list(creator.accounts.all())
    account = _chosen_account(accounts, request.GET.get("account")) or presenters.representative_account(creator)
    metrics = presenters.account_metrics(account)
    growth = creator_growth_series(creator=creator).get(account.pk, []) if account else []
    report = presenters.vetting_report(account)
    context: dict[str, Any] = {
        "creator": creator,
        "accounts": accounts,
        "account": account,
        "metrics": metrics,
        "benchmark": presenters.er_benchmark(account, metrics),
        "avatar_url": presenters.avatar_url(account),
        "audience": presenters.newest_audience(account),
        "report": report,
        "growth_chart": charts.growth_chart(growth, presenters.growth_anomalies(report)),
        "engagement_chart": charts.engagement_chart(account_recent_post_counters(account=account) if account else []),
        "top_posts": creator_top_posts(creator=creator, per_account=6).get(account.pk, []) if account else [],
        "sponsored_posts": creator_sponsored_posts(creator=creator),
        # A post a brand match or an alert links to (`?post=`), shown at the top of the posts.
        "linked_post": creator_post(creator=creator, post_id=request.GET.get("post")),
        # The creator's verdict: its riskiest vetted account's, named (the KPI is this account's).
        "creator_risk": creator_risk_of(accounts),
        "can_revet": can_write(request),
        "brand_partners": creator_brand_partners(
            creator=creator, known_brands=brand_and_competitor_names(organization=org) if org else ()
        ),
        "images": presenters.creator_images(creator),
        "notes": list(note_list(organization=org, creator_id=creator.pk)) if org else [],
        "shortlists": list(shortlist_list(organization=org)) if org else [],
        "on_shortlists": creator_shortlist_entries(organization=org, creator=creator) if org else [],
    }
    context["audience_charts"] = charts.audience_charts(context["audience"])
    if account:
        table = monitoring.rate_table()
        # The organisation's own campaigns re-size the ranges: how well the estimates did last time.
        context["estimate"] = monitoring.organization_estimate(account, organization=org, table=table)
        context["estimate_table"] = table
        context["estimate_track_record"] = {k: v for k, v in context["estimate"]["track_record"].items() if v}
    return render_page(request, "frontend/creator.html", context)


@login_required
@require_POST
def revet(request: HttpRequest, creator_id: int) -> HttpResponse:
    """Re-run the vetting of the creator's accounts (a SCORE job); editors and owners only."""
    from vetting.services.reports import vetting_run_submit

    org = require_organization(request)
    creator = select_creator_detail(creator_id=creator_id)
    if not can_write(request):
        raise PermissionDenied(_("Your role (viewer) cannot re-run vetting."))
    try:
        job = vetting_run_submit(creator_ids=[creator.pk], organization=org, user=request.user)
    except VettedError as exc:
        messages.error(request, error_text(exc))
        return redirect("frontend:creator", creator_id=creator.pk)
    messages.success(request, _("Vetting re-run as job %(id)s.") % {"id": job.pk})
    return redirect("frontend:job", job_id=job.pk)


@login_required
def lookalikes(request: HttpRequest, creator_id: int) -> HttpResponse:
    """Creators whose feeds look like this one (vision service), loaded by the creator page
    after it renders so the nearest-neighbour search never delays the page."""
    creator = select_creator_detail(creator_id=creator_id)
    return render_page(request, "frontend/_lookalikes.html", {"outcome": presenters.lookalikes(creator)})


@login_required
@require_POST
def note_add(request: HttpRequest, creator_id: int) -> HttpResponse:
    """Add an organisation note on the creator; htmx gets the refreshed notes panel."""
    from vetting.services.notes import note_create

    org = require_organization(request)
    creator = select_creator_detail(creator_id=creator_id)
    error = None
    if not can_write(request):
        error = _("Your role (viewer) cannot add notes.")
    else:
        try:
            note_create(organization=org, creator=creator, text=request.POST.get("text", ""), user=request.user)
        except InputError as exc:
            error = error_text(exc)
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("frontend:creator", creator_id=creator.pk)
    notes = note_list(organization=org, creator_id=creator.pk)
    return render_page(
        request,
        "frontend/_notes.html",
        {"creator": creator, "notes": notes, "note_error": error, "can_write": can_write(request)},
        status=422 if error else 200,
    )


@login_required
@require_POST
def shortlist_add(request: HttpRequest, creator_id: int) -> HttpResponse:
    """Put the creator on one of the organisation's shortlists (or a new one named in the form)."""
    from vetting.services.shortlists import entries_add, shortlist_create

    org = require_organization(request)
    creator = select_creator_detail(creator_id=creator_id)
    message, ok, shortlist = "", False, None
    if not can_write(request):
        message = _("Your role (viewer) cannot change shortlists.")
    else:
        try:
            new_name = (request.POST.get("new_shortlist") or "").strip()
            if new_name:
                shortlist = shortlist_create(organization=org, user=request.user, name=new_name)
            else:
                shortlist = shortlist_get(organization=org, shortlist_id=request.POST.get("shortlist"))
            added, present = entries_add(shortlist=shortlist, creator_ids=[creator.pk], user=request.user)
        except NotFound:
            message = _("Choose one of your shortlists.")
        except VettedError as exc:
            message = error_text(exc)
        else:
            ok = True
            message = (
                _("Added to %(name)s.") % {"name": shortlist.name}
                if added
                else _("Already on %(name)s.") % {"name": shortlist.name}
            )
    if not is_htmx(request):
        (messages.success if ok else messages.error)(request, message)
        return redirect("frontend:creator", creator_id=creator.pk)
    context = {
        "creator": creator,
        "shortlists": list(shortlist_list(organization=org)),
        "on_shortlists": creator_shortlist_entries(organization=org, creator=creator),
        "flash": message,
        "flash_ok": ok,
        "last_shortlist": shortlist,
    }
    return render_page(request, "frontend/_shortlist_add.html", context, status=200 if ok else 422)


def _chosen_account(accounts: list, raw_id: str | None):  # noqa: ANN202
    if not raw_id:
        return None
    for account in accounts:
        if str(account.pk) == raw_id:
            return account
    return None
