"""Jobs page: the organisation's imports, embedding runs and exports with live progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase

from core.errors import InvalidState
from core.http import private_file_response
from core.selectors.jobs import job_get
from core.selectors.jobs import job_list as select_jobs
from frontend.views.common import render_page, require_organization


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """All jobs of the user's organisation, newest first; the list refreshes itself while any
    job is still running."""
    org = require_organization(request)
    jobs = list(select_jobs(organization=org)[:100])
    context = {"jobs": jobs, "any_running": any(not job.is_finished for job in jobs)}
    return render_page(request, "frontend/jobs.html", context, partial="frontend/_jobs_list.html")


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job with its counts, log and error (404 for another organisation's job)."""
    org = require_organization(request)
    job = job_get(organization=org, job_id=job_id)
    return render_page(request, "frontend/job_detail.html", {"job": job}, partial="frontend/_job_card.html")


@login_required
def job_download(request: HttpRequest, job_id: int) -> HttpResponseBase:
    """The file an export job produced (404 for another organisation's job or a missing file).
    Exports are organisation-private: this view is the only way to them."""
    org = require_organization(request)
    job = job_get(organization=org, job_id=job_id)
    from vetting.services.exports import export_file

    try:
        path, filename, content_type = export_file(job=job)
    except InvalidState as exc:
        raise Http404(str(exc)) from exc
    return private_file_response(path=path, filename=filename, content_type=content_type, as_attachment=True)
