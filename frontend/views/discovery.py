"""Discovery: filter the catalogue (the API's CreatorFilterSet), search by keyword, or by the
look of mood-board images / a prompt. Results render as an htmx fragment."""

from __future__ import annotations

import io
import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from PIL import Image

from core.errors import InputError, VettedError

# One count policy for API and UI: exact up to 1,000 matches, "1,000+" beyond.
from core.pagination import CountCappedPaginator as Paginator
from core.services.media import inspect_image_bytes
from frontend.views import presenters
from frontend.views.common import error_text, organization_for, render_page
from influencers.metrics.freshness import stale_after_days
from influencers.selectors.creators import creator_list
from vetting.selectors.brands import brand_list
from vetting.selectors.shortlists import shortlist_list
from vision.limits import aesthetic_search_count

PAGE_SIZE = 25
# The UI shows rates as percentages; the FilterSet takes fractions (0.03 = 3%).
PERCENT_FIELDS = (
    "min_engagement_rate",
    "max_engagement_rate",
    "min_growth_30d",
    "max_growth_30d",
    "audience_country_min",
    "audience_age_min",
    "audience_gender_min",
    "audience_language_min",
)
SORT_LABELS = {
    # Without a keyword the filter set falls back to the default order (most followers).
    "relevance": gettext_lazy("Best keyword match"),
    "-followers": gettext_lazy("Most followers"),
    "followers": gettext_lazy("Fewest followers"),
    "-engagement_rate": gettext_lazy("Highest engagement"),
    "-growth_30d": gettext_lazy("Fastest growth (30 days)"),
    "fake_risk": gettext_lazy("Lowest fake-follower risk"),
    "name": gettext_lazy("Name A–Z"),
}


MULTI_VALUE_FIELDS = ("platform", "risk_level")
# Comma-separated filters: repeated parameters (one per chip of a brief) are joined.
COMMA_LIST_FIELDS = ("country", "worked_with", "not_worked_with")


def filters_from_query(query: QueryDict) -> tuple[dict[str, Any], list[str]]:
    """The FilterSet's parameters from the page's query string (a plain dict, lists only for
    the multi-value filters); percentages become fractions. Returns the parameters and the
    names of percentage fields that were not numbers."""
    params: dict[str, Any] = {}
    for key in query:
        if key in ("page", "brand", "no_competitor_partners") or key.endswith("_pct"):
            continue
        values = [v for v in query.getlist(key) if v.strip()]
        if values:
            if key in MULTI_VALUE_FIELDS:
                params[key] = values
            elif key in COMMA_LIST_FIELDS:
                params[key] = ", ".join(values)
            else:
                params[key] = values[-1]
    bad: list[str] = []
    for field in PERCENT_FIELDS:
        raw = (query.get(f"{field}_pct") or "").strip()
        if not raw:
            continue
        try:
            params[field] = str(float(raw) / 100)
        except ValueError:
            bad.append(field)
    return params, bad


def without_competitor_partners(params: dict[str, Any], competitors: list[str]) -> dict[str, Any]:
    """`params` with the chosen brand's competitors added to `not_worked_with` (the checkbox
    "never worked with the chosen brand's competitors")."""
    from influencers.filters import brand_names

    names = brand_names(params.get("not_worked_with", "")) + [str(c) for c in competitors if str(c).strip()]
    if not names:
        return params
    return {**params, "not_worked_with": ", ".join(dict.fromkeys(names))}


@login_required
def discovery(request: HttpRequest) -> HttpResponse:
    """The discovery page (or, for htmx, just the results) for the current filters."""
    from influencers.filters import CreatorFilterSet

    org = organization_for(request)
    params, bad_percent = filters_from_query(request.GET)
    brands = list(brand_list(organization=org)) if org else []
    brand = presenters.selected_brand(brands, request.GET.get("brand"))
    if request.GET.get("no_competitor_partners") == "true" and brand is not None:
        params = without_competitor_partners(params, brand.competitors or [])
    filterset = CreatorFilterSet(data=params)
    context: dict[str, Any] = {
        "filterset": filterset,
        "form": filterset.form,
        "brands": brands,
        "brand": brand,
        "shortlists": list(shortlist_list(organization=org)) if org else [],
        "sort_labels": SORT_LABELS,
        "current_sort": request.GET.get("sort") or ("relevance" if params.get("q") else "-followers"),
        "percent_values": {f: request.GET.get(f"{f}_pct", "") for f in PERCENT_FIELDS},
        "active_filter_count": presenters.active_filter_count(request.GET),
        "stale_after_days": stale_after_days(),
        "error": None,
        "rows": [],
        "page": None,
    }
    if bad_percent:
        context["error"] = _("%(field)s must be a number.") % {"field": bad_percent[0]}
    else:
        try:
            queryset = creator_list(filters=params)
            page = Paginator(queryset, PAGE_SIZE).page(_page_number(request))
        except InputError as exc:
            context["error"] = error_text(exc)
        except EmptyPage:
            page = Paginator(creator_list(filters=params), PAGE_SIZE).page(1)
            context["page"] = page
        else:
            context["page"] = page
        if context["page"] is not None:
            context["rows"] = presenters.creator_rows(list(context["page"].object_list), brand=brand)
    status = 422 if context["error"] else 200
    return render_page(request, "frontend/discovery.html", context, partial="frontend/_results.html", status=status)


@login_required
@require_POST
def aesthetic_search(request: HttpRequest) -> HttpResponse:
    """Creators whose images look like the uploaded mood-board images and/or a text prompt.
    Renders the results fragment; always names the embedder that produced the ranking."""
    images = request.FILES.getlist("images")
    prompt = (request.POST.get("prompt") or "").strip()
    context: dict[str, Any] = {
        "error": None,
        "results": [],
        "embedder": None,
        "prompt": prompt,
        "image_count": len(images),
    }
    if not images and not prompt:
        context["error"] = _("Drop one or more images, or type a prompt describing the look you want.")
        return render_page(request, "frontend/_aesthetic_results.html", context, status=422)
    if len(images) > 12:
        context["error"] = _("At most 12 images per search.")
        return render_page(request, "frontend/_aesthetic_results.html", context, status=422)
    wait = aesthetic_search_count(request.user.pk)  # the API's allowance, shared
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        context["error"] = _("Too many searches by look for now. Try again in %(seconds)s s.") % {"seconds": seconds}
        response = render_page(request, "frontend/_aesthetic_results.html", context, status=429)
        response["Retry-After"] = str(seconds)
        return response
    from vision.services.search import aesthetic_search as run_search  # lazy: loads FAISS

    try:
        pictures = [
            _open_image(inspect_image_bytes(upload.read(), source=upload.name or "", field=f"images[{index}]").data)
            for index, upload in enumerate(images)
        ]
        outcome = run_search(images=pictures, text=prompt or None, top=24)
    except VettedError as exc:  # bad image, text without a text encoder, no index yet
        context["error"] = error_text(exc)
    else:
        context.update(presenters.aesthetic_results(outcome))
    status = 422 if context["error"] else 200
    return render_page(request, "frontend/_aesthetic_results.html", context, status=status)


def _open_image(data: bytes) -> Image.Image:
    """A checked upload as an RGB picture for the vision service."""
    with Image.open(io.BytesIO(data)) as picture:
        return picture.convert("RGB")


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
