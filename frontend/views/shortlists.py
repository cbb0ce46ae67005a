"""Shortlists: the organisation's lists, one list with statuses, notes and bulk actions, and
exports (CSV / XLSX / PDF) that run as jobs with progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotFound, VettedError
from core.selectors.jobs import job_list
from frontend.views import presenters
from frontend.views.common import can_write, error_text, is_htmx, render_page, require_organization, safe_next
from vetting.models import EntryStatus
from vetting.selectors.brands import brand_get, brand_list
from vetting.selectors.campaigns import campaign_list
from vetting.selectors.shortlists import entry_get, entry_list, shortlist_get
from vetting.selectors.shortlists import shortlist_list as select_shortlists
from vetting.services.overlap import overlap_matrix, shortlist_overlap

EXPORT_FORMATS = ("csv", "xlsx", "pdf")


@login_required
def shortlist_list(request: HttpRequest) -> HttpResponse:
    org = require_organization(request)
    context = {
        "shortlists": list(select_shortlists(organization=org)),
        "brands": list(brand_list(organization=org)),
    }
    return render_page(request, "frontend/shortlists.html", context)


@login_required
@require_POST
def shortlist_create(request: HttpRequest) -> HttpResponse:
    from vetting.services.shortlists import shortlist_create as create

    org = require_organization(request)
    if not can_write(request):
        messages.error(request, _("Your role (viewer) cannot create shortlists."))
        return redirect("frontend:shortlists")
    brand = None
    if request.POST.get("brand"):
        brand = brand_get(organization=org, brand_id=request.POST["brand"])
    try:
        shortlist = create(
            organization=org,
            user=request.user,
            name=request.POST.get("name", ""),
            brand=brand,
            campaign=request.POST.get("campaign", ""),
        )
    except VettedError as exc:
        messages.error(request, error_text(exc))
        return redirect("frontend:shortlists")
    return redirect("frontend:shortlist", shortlist_id=shortlist.pk)


@login_required
def shortlist_detail(request: HttpRequest, shortlist_id: int) -> HttpResponse:
    """One shortlist: entries with status and notes, bulk actions, exports and their jobs."""
    org = require_organization(request)
    shortlist = shortlist_get(organization=org, shortlist_id=shortlist_id)
    context = _detail_context(request, org, shortlist)
    context["overlap"] = overlap_view(shortlist_overlap(shortlist=shortlist))
    context["campaigns"] = list(campaign_list(organization=org, shortlist_id=shortlist.pk))
    return render_page(request, "frontend/shortlist.html", context)


def overlap_view(result: dict[str, Any]) -> dict[str, Any]:
    """The overlap matrix with each cell's shading: the estimated share as the strength of the
    colour; samples too small to see overlap hatched, the rest blank."""
    matrix = overlap_matrix(result)
    for row in matrix["rows"]:
        for cell in row["cells"]:
            if cell["kind"] == "estimate":
                alpha = 0.06 + 0.84 * min(max(float(cell["share"] or 0.0), 0.0), 1.0)
                colour = "#fff" if alpha > 0.55 else "inherit"
                cell["style"] = f"background:rgba(37,99,235,{alpha:.2f});color:{colour}"
            elif cell["kind"] == "too_small":
                cell["style"] = "background:repeating-linear-gradient(45deg,#f2f4f7,#f2f4f7 4px,#fff 4px,#fff 8px)"
            else:
                cell["style"] = ""
    return matrix


@login_required
@require_POST
def entry_update(request: HttpRequest, shortlist_id: int, entry_id: int) -> HttpResponse:
    """Change one entry's status or notes inline; htmx gets the refreshed row."""
    from vetting.services.shortlists import entry_update as update

    org = require_organization(request)
    shortlist = shortlist_get(organization=org, shortlist_id=shortlist_id)
    entry = entry_get(shortlist=shortlist, entry_id=entry_id)
    error = None
    if not can_write(request):
        error = _("Your role (viewer) cannot change shortlists.")
    else:
        try:
            update(
                entry=entry,
                user=request.user,
                status=request.POST.get("status") or None,
                notes=request.POST["notes"] if "notes" in request.POST else None,
            )
        except VettedError as exc:
            error = error_text(exc)
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("frontend:shortlist", shortlist_id=shortlist.pk)
    entry = entry_get(shortlist=shortlist, entry_id=entry_id)
    row = presenters.entry_rows([entry])[0]
    context = {
        "shortlist": shortlist,
        "row": row,
        "statuses": EntryStatus.choices,
        "row_error": error,
        "saved": not error,
    }
    response = render_page(request, "frontend/_entry_row.html", context, status=422 if error else 200)
    if not error and "status" in request.POST:
        # The status tabs count entries per status: app.js refreshes them on this event.
        response["HX-Trigger"] = "entry-status-changed"
    return response


@login_required
@require_POST
def add_creators(request: HttpRequest) -> HttpResponse:
    """Add the creators selected in discovery or in a brand's matches to a shortlist (one of the
    organisation's, or a new one named in the form); htmx gets a one-line status."""
    from vetting.services.shortlists import entries_add
    from vetting.services.shortlists import shortlist_create as create

    org = require_organization(request)
    ids = [int(v) for v in request.POST.getlist("creator") if v.isdigit() and len(v) <= 18]
    message, ok, shortlist = "", False, None
    try:
        if not can_write(request):
            raise VettedError(_("Your role (viewer) cannot change shortlists."))
        if not ids:
            raise VettedError(_("Select at least one creator first."))
        new_name = (request.POST.get("new_shortlist") or "").strip()
        if new_name:
            brand = None
            if request.POST.get("brand"):
                brand = brand_get(organization=org, brand_id=request.POST["brand"])
            shortlist = create(organization=org, user=request.user, name=new_name, brand=brand)
        else:
            shortlist = shortlist_get(organization=org, shortlist_id=request.POST.get("shortlist"))
        added, present = entries_add(shortlist=shortlist, creator_ids=ids, user=request.user)
    except NotFound:
        message = _("Choose one of your shortlists.")
    except VettedError as exc:
        message = error_text(exc)
    else:
        ok = True
        message = _("%(added)s added to %(name)s, %(present)s already on it.") % {
            "added": len(added),
            "name": shortlist.name,
            "present": len(present),
        }
    if not is_htmx(request):
        (messages.success if ok else messages.error)(request, message)
        return HttpResponseRedirect(safe_next(request, request.POST.get("next"), "frontend:shortlists"))
    context = {"message": message, "ok": ok, "shortlist": shortlist if ok else None}
    return render_page(request, "frontend/_add_status.html", context, status=200 if ok else 422)


@login_required
@require_POST
def bulk_action(request: HttpRequest, shortlist_id: int) -> HttpResponse:
    """Set the status of, or remove, the selected entries."""
    from vetting.services.shortlists import entries_remove, entries_set_status

    org = require_organization(request)
    shortlist = shortlist_get(organization=org, shortlist_id=shortlist_id)
    ids = [int(v) for v in request.POST.getlist("entry") if v.isdigit() and len(v) <= 18]
    action = request.POST.get("action", "")
    try:
        if not can_write(request):
            raise VettedError(_("Your role (viewer) cannot change shortlists."))
        if not ids:
            raise VettedError(_("Select at least one creator first."))
        if action == "remove":
            count = entries_remove(shortlist=shortlist, entry_ids=ids)
            messages.success(request, _("%(n)s removed.") % {"n": count})
        elif action.startswith("status:"):
            count = entries_set_status(shortlist=shortlist, entry_ids=ids, status=action[7:], user=request.user)
            messages.success(request, _("%(n)s updated.") % {"n": count})
        else:
            raise VettedError(_("Choose an action."))
    except NotFound:
        messages.error(request, _("Some selected creators are no longer on this shortlist."))
    except VettedError as exc:
        messages.error(request, error_text(exc))
    if is_htmx(request):
        return render_page(request, "frontend/_shortlist_body.html", _detail_context(request, org, shortlist))
    return redirect("frontend:shortlist", shortlist_id=shortlist.pk)


@login_required
@require_POST
def export_start(request: HttpRequest, shortlist_id: int) -> HttpResponse:
    """Start an export job (CSV, XLSX or PDF); htmx gets the job card that follows its progress."""
    org = require_organization(request)
    shortlist = shortlist_get(organization=org, shortlist_id=shortlist_id)
    from vetting.services.exports import export_create

    fmt = request.POST.get("format", "")
    error, job = None, None
    if fmt not in EXPORT_FORMATS:
        error = _("Unknown export format.")
    else:
        try:
            # In the language of the page it was asked from: a Chinese page exports Chinese files.
            job = export_create(
                organization=org, user=request.user, fmt=fmt, shortlist=shortlist, language=get_language()
            )
        except VettedError as exc:
            error = error_text(exc)
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("frontend:shortlist", shortlist_id=shortlist.pk)
    if job is None:
        return render_page(request, "frontend/_export_error.html", {"error": error}, status=422)
    job.refresh_from_db()
    return render_page(request, "frontend/_job_card.html", {"job": job})


def _detail_context(request: HttpRequest, org: Any, shortlist: Any) -> dict[str, Any]:
    entries = list(entry_list(shortlist=shortlist))
    rows = presenters.entry_rows(entries)
    status_filter = request.GET.get("status") or ""
    if status_filter:
        rows = [row for row in rows if row["entry"].status == status_filter]
    jobs = [
        job
        for job in job_list(organization=org).filter(kind="export")[:30]
        if str(job.params.get("shortlist_id")) == str(shortlist.pk)
    ][:5]
    counts = {value: 0 for value, _label in EntryStatus.choices}
    for entry in entries:
        counts[entry.status] = counts.get(entry.status, 0) + 1
    return {
        "shortlist": shortlist,
        "rows": rows,
        "total": len(entries),
        "statuses": EntryStatus.choices,
        "status_counts": [(value, label, counts.get(value, 0)) for value, label in EntryStatus.choices],
        "status_filter": status_filter,
        "export_jobs": jobs,
        "export_formats": EXPORT_FORMATS,
    }
