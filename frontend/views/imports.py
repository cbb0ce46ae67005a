"""Import pages: upload a creators file, choose how its columns are read (a shipped mapping, or
column by column with the file's first rows shown), check it in a dry run that lists every refused
row, then import it as a job with live progress. Who may import is the import service's rule."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.errors import VettedError
from core.selectors.jobs import job_get
from frontend.forms_imports import CUSTOM, OWN_FORMAT, ColumnMappingForm, ImportUploadForm
from frontend.views.common import error_text, render_page, require_organization, require_write
from influencers.services.imports.columns import FIXED_COLUMNS
from influencers.services.imports.jobs import (
    MAPPABLE_KINDS,
    StoredUpload,
    import_confirm,
    import_submit,
    import_upload_store,
)
from influencers.services.imports.preview import import_preview, mapping_from_choices
from influencers.services.imports.shipped import SHIPPED_MAPPINGS, shipped_mapping

SESSION_KEY = "vetted_import_uploads"
KEEP_UPLOADS = 5  # uploads a session remembers for the mapping step


def _remember(request: HttpRequest, stored: StoredUpload, mapping: str) -> str:
    uploads: dict[str, Any] = request.session.get(SESSION_KEY, {})
    token = secrets.token_urlsafe(12)
    uploads[token] = {"path": stored.path, "name": stored.name, "kind": stored.kind, "mapping": mapping}
    request.session[SESSION_KEY] = dict(list(uploads.items())[-KEEP_UPLOADS:])
    return token


def _recall(request: HttpRequest, token: str) -> tuple[StoredUpload, str]:
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry:
        raise Http404("no such upload in this session")
    return StoredUpload(path=entry["path"], name=entry["name"], kind=entry["kind"]), entry["mapping"]


def _target_suggestions() -> list[str]:
    from influencers.models.audience import AGE_BANDS, GENDERS

    audience = [f"audience_age.{band}" for band in AGE_BANDS] + [f"audience_gender.{g}" for g in GENDERS]
    examples = ["audience_countries.CN", "audience_languages.zh", "audience_interests.beauty"]
    return sorted(FIXED_COLUMNS) + audience + examples


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    """The upload form; a JSON file or Vetted's own columns go straight to the dry run, a tool's
    export or a custom mapping to the column-mapping step."""
    org = require_organization(request)
    require_write(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        mapping = form.cleaned_data["mapping"] or OWN_FORMAT
        try:
            stored = import_upload_store(upload=form.cleaned_data["file"])
            if stored.kind not in MAPPABLE_KINDS or mapping == OWN_FORMAT:
                job = import_submit(stored=stored, dry_run=True, organization=org, user=request.user)
                return redirect("frontend:job", job.pk)
        except VettedError as exc:
            form.add_error("mapping" if getattr(exc, "field", "") == "mapping" else "file", error_text(exc))
        else:
            return redirect("frontend:import_mapping", _remember(request, stored, mapping))
    status = 422 if form.errors else 200
    context = {"form": form, "shipped": SHIPPED_MAPPINGS}
    return render_page(request, "frontend/import_start.html", context, status=status)


@login_required
def import_mapping(request: HttpRequest, token: str) -> HttpResponse:
    """The file's first rows with where each column goes; submitting starts the dry run."""
    org = require_organization(request)
    require_write(request)
    stored, mapping = _recall(request, token)
    if request.GET.get("mode") == CUSTOM:
        mapping = CUSTOM
    shipped = shipped_mapping(mapping) if mapping != CUSTOM else None
    context: dict[str, Any] = {"stored": stored, "token": token, "shipped": shipped}
    context["suggestions"] = _target_suggestions()
    try:
        preview = import_preview(
            path=stored.path, kind=stored.kind, name=stored.name, mapping=shipped.data() if shipped else None
        )
    except VettedError as exc:
        context["error"] = error_text(exc)
        return render_page(request, "frontend/import_mapping.html", context, status=422)
    form = ColumnMappingForm(
        request.POST if request.method == "POST" else None,
        header=preview.header,
        rows=preview.rows,
        targets=preview.targets,
        transforms=preview.transforms,
    )
    context.update(preview=preview, form=form)
    if request.method == "POST" and form.is_valid():
        chosen: str | dict[str, Any] = shipped.name if shipped else mapping_from_choices(form.choices())
        try:
            job = import_submit(stored=stored, dry_run=True, organization=org, user=request.user, mapping=chosen)
        except VettedError as exc:
            context["error"] = error_text(exc)
        else:
            return redirect("frontend:job", job.pk)
    return render_page(request, "frontend/import_mapping.html", context, status=422 if context.get("error") else 200)


@login_required
@require_POST
def import_run(request: HttpRequest, job_id: int) -> HttpResponse:
    """Import for real what a dry run found valid; on to the new job's page."""
    org = require_organization(request)
    require_write(request)
    dry_run = job_get(organization=org, job_id=job_id)
    try:
        job = import_confirm(job=dry_run, user=request.user)
    except VettedError as exc:
        return render_page(request, "frontend/job_detail.html", {"job": dry_run, "error": error_text(exc)}, status=422)
    return redirect("frontend:job", job.pk)
