"""Campaigns: create one from a shortlist, book its creators with the fee paid, add posts (a
CSV/JSON file or a catalogued post's URL), and read the report against our predictions; the
report downloads as PDF or XLSX in the page's language."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ImportValidationError, VettedError
from core.services.uploads import read_upload
from frontend.views.common import error_text, render_page, require_organization, require_write
from vetting.models import Campaign
from vetting.selectors.campaigns import campaign_get
from vetting.selectors.shortlists import entry_list, shortlist_get
from vetting.services import campaigns as campaign_services
from vetting.services.campaign_report import campaign_report
from vetting.services.exports.campaign import campaign_report_file, report_view

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _writable_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    """The organisation's campaign, for a member who may change it (else 403/404)."""
    org = require_organization(request)
    require_write(request)
    return campaign_get(organization=org, campaign_id=campaign_id)


@login_required
@require_POST
def campaign_create(request: HttpRequest, shortlist_id: int) -> HttpResponse:
    org = require_organization(request)
    require_write(request)
    shortlist = shortlist_get(organization=org, shortlist_id=shortlist_id)
    try:
        campaign = campaign_services.campaign_create(
            shortlist=shortlist,
            name=request.POST.get("name", ""),
            starts_on=request.POST.get("starts_on", ""),
            ends_on=request.POST.get("ends_on") or None,
            user=request.user,
        )
    except VettedError as exc:
        messages.error(request, error_text(exc))
        return redirect("frontend:shortlist", shortlist_id=shortlist.pk)
    return redirect("frontend:campaign", campaign_id=campaign.pk)


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's report (per creator and in total, against the predictions), with forms to
    book creators and add posts."""
    org = require_organization(request)
    campaign = campaign_get(organization=org, campaign_id=campaign_id)
    report = report_view(campaign_report(campaign=campaign))
    booked = {c["id"] for c in report["creators"]}
    context = {
        "campaign": campaign,
        "report": report,
        "bookable": [e.creator for e in entry_list(shortlist=campaign.shortlist, with_events=False)],
        "booked": booked,
    }
    return render_page(request, "frontend/campaign.html", context)


@login_required
@require_POST
def campaign_book(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _writable_campaign(request, campaign_id)
    try:
        campaign_services.campaign_book(
            campaign=campaign, creator_id=request.POST.get("creator", ""), fee_usd=request.POST.get("fee_usd", "")
        )
    except VettedError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Booked."))
    return redirect("frontend:campaign", campaign_id=campaign.pk)


@login_required
@require_POST
def campaign_import(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Posts from an uploaded CSV or JSON file: all or nothing, every error listed."""
    campaign = _writable_campaign(request, campaign_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a CSV or JSON file first."))
        return redirect("frontend:campaign", campaign_id=campaign.pk)
    try:
        posts = campaign_services.campaign_posts_import(
            campaign=campaign,
            content=read_upload(upload, max_bytes=campaign_services.MAX_FILE_BYTES, field="file"),
            source=upload.name or "upload",
        )
    except ImportValidationError as exc:
        messages.error(request, error_text(exc))
        for line in exc.errors[:20]:
            # located as the file is written: its row and column (the column name is the user's own)
            where = ", ".join(p for p in (line.location, getattr(line, "field", None) or "") if p)
            messages.error(request, f"{where}: {error_text(line)}" if where else error_text(line))
    except VettedError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(n)s posts added.") % {"n": len(posts)})
    return redirect("frontend:campaign", campaign_id=campaign.pk)


@login_required
@require_POST
def campaign_link(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _writable_campaign(request, campaign_id)
    try:
        campaign_services.campaign_post_link(campaign=campaign, url=request.POST.get("url", ""))
    except VettedError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Post linked."))
    return redirect("frontend:campaign", campaign_id=campaign.pk)


@login_required
def campaign_download(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponseBase:
    """The report as PDF or XLSX, in the page's language (written on the fly: it is small)."""
    org = require_organization(request)
    campaign = campaign_get(organization=org, campaign_id=campaign_id)
    if fmt not in CONTENT_TYPES:
        messages.error(request, _("Unknown export format."))
        return redirect("frontend:campaign", campaign_id=campaign.pk)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"campaign.{fmt}"
        campaign_report_file(campaign_report(campaign=campaign), fmt_name=fmt, language=get_language(), path=path)
        content = path.read_bytes()
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in campaign.name)[:60].strip("-") or "campaign"
    response = FileResponse(iter([content]), content_type=CONTENT_TYPES[fmt], as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
