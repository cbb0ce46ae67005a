"""Brand pages: the organisation's brands, a brief (values, audience, exclusions, mood board,
competitors) and its ranked creator matches with live weight sliders."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import InputError, Throttled, VettedError
from core.http import private_file_response
from core.messages import render_message
from core.services.cpu_share import heavy_request
from core.services.media import read_image_upload
from frontend.forms import BrandForm, attach_input_error
from frontend.views import presenters
from frontend.views.common import can_write, error_text, is_htmx, render_page, require_organization, require_write
from influencers.models import Platform
from influencers.models.audience import DISTRIBUTION_FIELDS
from vetting.scoring.ranking import DEFAULT_WEIGHTS, PARTS
from vetting.selectors.brands import brand_get, mood_board_list
from vetting.selectors.brands import brand_list as select_brands
from vetting.selectors.shortlists import shortlist_list

MATCH_PAGE_SIZE = 25
WEIGHT_KEYS = PARTS  # one slider per part of the composite, named as the ranking names them
# Service field names → BrandForm field names: target_audience.age (and its .weight, .values) → the age box.
BRAND_FIELD_ALIASES = {
    f"target_audience.{dimension}{part}": f"ta_{dimension}"
    for dimension in DISTRIBUTION_FIELDS
    for part in ("", ".weight", ".values")
}


@login_required
def brand_list(request: HttpRequest) -> HttpResponse:
    org = require_organization(request)
    brands = list(select_brands(organization=org))
    return render_page(request, "frontend/brands.html", {"brands": brands})


def _attach_brief_problems(form: BrandForm, brand: Any) -> bool:
    """Every problem the brand service finds in the brief, each at its field (fields that already
    show the form's own error keep it alone); True when there was any."""
    from vetting.services.brands import brand_problems

    data = form.to_service_data() if form.is_valid() else form.partial_service_data()
    found = bool(form.errors)
    for exc in brand_problems(data=data, current=brand):
        field = re.sub(r"\[\d+\]", "", exc.field or "")
        if form.errors.get(BRAND_FIELD_ALIASES.get(field, field)):
            continue
        attach_input_error(form, exc, BRAND_FIELD_ALIASES)
        found = True
    return found


@login_required
def brand_create(request: HttpRequest) -> HttpResponse:
    """A new brand brief (GET: empty form; POST: create and open it)."""
    from vetting.services.brands import brand_create as create

    org = require_organization(request)
    # "Save as a brand brief" on the discovery page opens this form pre-filled from the brief.
    initial = BrandForm.initial_from_brief(request.GET) if request.GET.get("from_brief") else None
    form = BrandForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_write(request):
            form.add_error(None, _("Your role (viewer) cannot create brands."))
        elif not _attach_brief_problems(form, None):
            try:
                brand = create(organization=org, data=form.to_service_data())
            except InputError as exc:
                attach_input_error(form, exc, BRAND_FIELD_ALIASES)
            else:
                messages.success(request, _("Brand created. Add mood-board images to search by look."))
                return redirect("frontend:brand", brand_id=brand.pk)
    status = 422 if form.errors else 200
    return render_page(request, "frontend/brand_form.html", {"form": form, "brand": None}, status=status)


@login_required
def brand_edit(request: HttpRequest, brand_id: int) -> HttpResponse:
    """Edit a brand brief (404 for another organisation's brand)."""
    from vetting.services.brands import brand_update

    org = require_organization(request)
    brand = brand_get(organization=org, brand_id=brand_id)
    form = BrandForm(request.POST or None, initial=BrandForm.initial_for(brand))
    if request.method == "POST":
        if not can_write(request):
            form.add_error(None, _("Your role (viewer) cannot edit brands."))
        elif not _attach_brief_problems(form, brand):
            try:
                brand_update(brand=brand, data=form.to_service_data())
            except InputError as exc:
                attach_input_error(form, exc, BRAND_FIELD_ALIASES)
            else:
                messages.success(request, _("Brand saved."))
                return redirect("frontend:brand", brand_id=brand.pk)
    status = 422 if form.errors else 200
    return render_page(request, "frontend/brand_form.html", {"form": form, "brand": brand}, status=status)


@login_required
def brand_detail(request: HttpRequest, brand_id: int) -> HttpResponse:
    """The brief at a glance with its mood board and shortlists."""
    org = require_organization(request)
    brand = brand_get(organization=org, brand_id=brand_id)
    context = {
        "brand": brand,
        "mood_board": list(mood_board_list(brand=brand)),
        "shortlists": list(shortlist_list(organization=org, brand_id=brand.pk)),
        "target_rows": presenters.target_rows(brand),
        "platforms": [(code, Platform(code).label) for code in brand.preferred_platforms if code in Platform.values],
    }
    return render_page(request, "frontend/brand.html", context)


@login_required
@require_POST
def mood_board_upload(request: HttpRequest, brand_id: int) -> HttpResponse:
    """Add uploaded images to the brand's mood board; each file is checked by the brand service."""
    from vetting.services.brands import mood_board_add

    org = require_organization(request)
    brand = brand_get(organization=org, brand_id=brand_id)
    errors: list[str] = []
    added = 0
    if not can_write(request):
        errors.append(_("Your role (viewer) cannot change the mood board."))
    else:
        files = request.FILES.getlist("images")
        if not files:
            errors.append(_("Choose or drop at least one image."))
        for upload in files:
            try:
                mood_board_add(
                    brand=brand,
                    data=read_image_upload(upload, field="images"),
                    filename=upload.name or "",
                    field="images",
                )
                added += 1
            except InputError as exc:
                errors.append(error_text(exc))
    if not is_htmx(request):
        for error in errors:
            messages.error(request, error)
        if added:
            messages.success(request, _("%(n)s image(s) added to the mood board.") % {"n": added})
        return redirect("frontend:brand", brand_id=brand.pk)
    context = {
        "brand": brand,
        "mood_board": list(mood_board_list(brand=brand)),
        "upload_errors": errors,
        "added": added,
    }
    return render_page(request, "frontend/_mood_board.html", context, status=422 if errors and not added else 200)


@login_required
@require_POST
def mood_board_delete(request: HttpRequest, brand_id: int, image_id: int) -> HttpResponse:
    """Remove one image from the brand's mood board (editors; 404 for another organisation's)."""
    from vetting.services.brands import mood_board_remove

    org = require_organization(request)
    require_write(request)
    brand = brand_get(organization=org, brand_id=brand_id)
    image = mood_board_list(brand=brand).filter(pk=image_id).first()
    if image is None:
        raise Http404("image not found")
    mood_board_remove(image=image)
    if not is_htmx(request):
        messages.success(request, _("Image removed from the mood board."))
        return redirect("frontend:brand", brand_id=brand.pk)
    context = {"brand": brand, "mood_board": list(mood_board_list(brand=brand)), "upload_errors": [], "added": 0}
    return render_page(request, "frontend/_mood_board.html", context)


@login_required
def mood_board_image(request: HttpRequest, brand_id: int, image_id: int) -> HttpResponseBase:
    """One mood-board image, for members of the brand's organisation only (mood boards are
    organisation-private: never under /media/); 404 for anyone else's."""
    org = require_organization(request)
    brand = brand_get(organization=org, brand_id=brand_id)
    image = mood_board_list(brand=brand).filter(pk=image_id).first()
    name = image.image.name if image is not None else None
    if not name:  # no such image, or no file attached
        raise Http404("image not found")
    return private_file_response(name=name, filename=name.rsplit("/", 1)[-1], max_age=3600)


@login_required
def brand_matches(request: HttpRequest, brand_id: int) -> HttpResponse:
    """Creators ranked for the brand, each part of the score as a bar with its explanation.
    The weight sliders re-rank through htmx (the same view returning the table fragment)."""
    org = require_organization(request)
    brand = brand_get(organization=org, brand_id=brand_id)
    weights = _weights_from(request)
    page = _page_number(request)
    shown = {key: round((weights or DEFAULT_WEIGHTS).get(key, DEFAULT_WEIGHTS[key]) * 100) for key in WEIGHT_KEYS}
    context: dict[str, Any] = {
        "brand": brand,
        "weights": weights,
        "slider_values": shown,
        "weight_keys": WEIGHT_KEYS,
        "page_number": page,
        "rows": [],
        "error": None,
        "has_next": False,
        "offset": (page - 1) * MATCH_PAGE_SIZE,
    }
    from vetting.services.matching import rank_creators_for_brand

    status = 200
    try:
        with heavy_request():
            ranked = rank_creators_for_brand(
                brand=brand, weights=weights, limit=MATCH_PAGE_SIZE, offset=context["offset"], user_id=request.user.pk
            )
    except Throttled:  # this user already has rankings running: say so, others are not slowed down
        context["error"] = _("You already have other rankings running. Try again in a moment.")
        status = 429
    except VettedError as exc:  # e.g. every weight at zero
        context["error"] = error_text(exc)
    else:
        context["rows"] = presenters.match_rows(list(ranked))
        context["total"] = ranked.total
        context["notes"] = [render_message(note) for note in ranked.notes]
        context["has_next"] = ranked.total > context["offset"] + len(context["rows"])
    # The brand's own shortlists first in the "add to shortlist" menu.
    shortlists = list(shortlist_list(organization=org))
    context["shortlists"] = sorted(shortlists, key=lambda s: s.brand_id != brand.pk)
    response = render_page(
        request, "frontend/brand_matches.html", context, partial="frontend/_matches.html", status=status
    )
    if status == 429:
        response["Retry-After"] = "2"
    return response


def _weights_from(request: HttpRequest) -> dict[str, float] | None:
    """Slider values (0..100) as the matching service's weights; None when none were moved."""
    weights: dict[str, float] = {}
    for key in WEIGHT_KEYS:
        raw = request.GET.get(f"w_{key}")
        if raw in (None, ""):
            continue
        try:
            weights[key] = max(0.0, min(100.0, float(raw))) / 100
        except ValueError:
            continue
    return weights or None


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
