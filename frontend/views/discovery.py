"""Discovery: filter the catalogue (the API's CreatorFilterSet), search by keyword, or by the
look of mood-board images / a prompt. Results render as an htmx fragment."""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import InputError, VettedError

# One count policy for API and UI: exact up to 1,000 matches, "1,000+" beyond.
from core.pagination import COUNT_CAP
from core.pagination import CountCappedPaginator as Paginator
from core.services.media import inspect_image_bytes, read_image_upload
from frontend.looks import Look, look_recall, look_remember, look_search, mood_board_look, text_search_available
from frontend.views import presenters
from frontend.views.common import error_text, htmx_aware_redirect, organization_for, render_page
from influencers.metrics.freshness import stale_after_days
from influencers.selectors.creators import creator_head, creator_list, creator_page_queryset, creators_by_ids
from influencers.selectors.discovery_columns import discovery_page_queryset
from vetting.selectors.brands import brand_list
from vetting.selectors.reports import rank_by_audience_fit
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
# Not a sort of the filter set: the chosen brand's audience fit ranks the first COUNT_CAP matches
# (vetting.selectors.reports.rank_by_audience_fit), bounded like the count.
AUDIENCE_FIT = "audience_fit"


MULTI_VALUE_FIELDS = ("platform", "risk_level", "audience_age", "audience_gender")
# Comma-separated filters: repeated parameters (one per chip of a brief) are joined.
COMMA_LIST_FIELDS = ("country", "worked_with", "not_worked_with", "audience_country", "audience_language")


def filters_from_query(query: QueryDict) -> tuple[dict[str, Any], list[str]]:
    """The FilterSet's parameters from the page's query string (a plain dict, lists only for
    the multi-value filters); percentages become fractions. Returns the parameters and the
    names of percentage fields that were not numbers."""
    params: dict[str, Any] = {}
    for key in query:
        # Not filters: paging, the brand for audience fit, and the search by look itself (a look
        # alone must rank the whole catalogue, not only the creators the filter set lists).
        if key in ("page", "brand", "no_competitor_partners", "look", "look_brand") or key.endswith("_pct"):
            continue
        if key == "sort" and query.get(key) == AUDIENCE_FIT:  # ranked here, not by the filter set
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
        "sort_labels": {**SORT_LABELS, AUDIENCE_FIT: _audience_fit_label(brand)},
        "current_sort": request.GET.get("sort") or ("relevance" if params.get("q") else "-followers"),
        "percent_values": {f: request.GET.get(f"{f}_pct", "") for f in PERCENT_FIELDS},
        "active_filter_count": presenters.active_filter_count(request.GET),
        "stale_after_days": stale_after_days(),
        "keyword": (request.GET.get("q") or "").strip(),
        "error": None,
        "rows": [],
        "page": None,
    }
    look = _look_of(request, brands)
    if look is not None:
        context["look"] = look
    inverted = _min_above_max(params)
    if bad_percent:
        context["error"] = _("%(field)s must be a number.") % {"field": bad_percent[0]}
    elif inverted:
        context["error"] = inverted
    elif request.GET.get("look") and look is None:
        context["error"] = _("This search by look has expired. Drop the images again.")
    elif look is not None:
        _look_results(request, context, look, params, brand)
    elif request.GET.get("sort") == AUDIENCE_FIT:
        _audience_fit_results(request, context, params, brand)
    else:
        try:
            queryset = creator_page_queryset(creator_list(filters=params))
            if filterset.is_valid():  # else creator_list has raised, naming the field
                queryset = discovery_page_queryset(queryset, filterset.form.cleaned_data)
            page = Paginator(queryset, PAGE_SIZE).page(_page_number(request))
        except InputError as exc:
            context["error"] = error_text(exc)
        except EmptyPage:
            page = Paginator(queryset, PAGE_SIZE).page(1)
            context["page"] = page
        else:
            context["page"] = page
        if context["page"] is not None:
            context["rows"] = presenters.creator_rows(list(context["page"].object_list), brand=brand)
    context["text_search"], context["embedder_label"] = text_search_available()
    status = 422 if context["error"] else 200
    return render_page(request, "frontend/discovery.html", context, partial="frontend/_results.html", status=status)


def _audience_fit_label(brand: Any) -> str:
    if brand is None:
        return _("Best audience fit (pick a brand)")
    return _("Best audience fit for %(brand)s") % {"brand": brand.name}


def _audience_fit_results(request: HttpRequest, context: dict[str, Any], params: dict[str, Any], brand: Any) -> None:
    """Discovery's rows sorted by the chosen brand's audience fit: the first COUNT_CAP creators
    passing the filters (most followers first) ranked by fit, paged."""
    if brand is None:
        context["error"] = _("Pick a brand to sort by its audience fit.")
        return
    try:
        head = creator_head(creator_list(filters=params), limit=COUNT_CAP)
    except InputError as exc:
        context["error"] = error_text(exc)
        return
    paginator = Paginator(rank_by_audience_fit(brand=brand, rows=head), PAGE_SIZE)
    try:
        page = paginator.page(_page_number(request))
    except EmptyPage:
        page = paginator.page(1)
    ids = list(page.object_list)
    creators = {c.pk: c for c in creator_list(filters=params).filter(pk__in=ids)}
    context["page"] = page
    context["rows"] = presenters.creator_rows([creators[i] for i in ids if i in creators], brand=brand)


RANGES = (
    ("min_followers", "max_followers", gettext_lazy("Followers")),
    ("min_engagement_rate", "max_engagement_rate", gettext_lazy("Engagement rate")),
    ("min_growth_30d", "max_growth_30d", gettext_lazy("30-day growth")),
)


def _min_above_max(params: dict[str, Any]) -> str | None:
    """A sentence naming the first range whose minimum is above its maximum (nothing could
    match it), or None."""
    for low, high, label in RANGES:
        try:
            if low in params and high in params and float(params[low]) > float(params[high]):
                return _("%(field)s: the minimum is above the maximum.") % {"field": label}
        except ValueError:
            continue  # the filter set names a value that is not a number
    return None


def _look_of(request: HttpRequest, brands: list[Any]) -> Look | None:
    """The search by look the page shows: a session's uploaded images (`look=<token>`) or a
    brand's mood board (`look_brand=<id>`, one of the organisation's brands)."""
    token = request.GET.get("look")
    if token:
        return look_recall(request, token)
    brand = presenters.selected_brand(brands, request.GET.get("look_brand"))
    return mood_board_look(brand) if brand is not None else None


def _look_results(
    request: HttpRequest, context: dict[str, Any], look: Look, params: dict[str, Any], brand: Any
) -> None:
    """Discovery's rows for a search by look: vision's ranking over the creators passing the
    filters, paged like any result list, each row with its similarity and evidence images."""
    filtered = any(key != "sort" for key in params)
    try:
        ids = list(creator_list(filters=params).values_list("pk", flat=True)) if filtered else None
        outcome = look_search(look, creator_ids=ids)
    except VettedError as exc:
        context["error"] = error_text(exc)
        return
    context["look_state"] = outcome.index_state
    context["look_embedder"] = (outcome.embedder or {}).get("label", "")
    # Image queries may be searched again widened by the closest creator's feed: say whose.
    context["look_widened_by"] = next(
        (m.display_name for m in outcome.results if m.creator_id == outcome.expanded_with), ""
    )
    # Images not yet embedded are not searched: the results say how many (_pending_images.html).
    context["pending_images"] = int(getattr(outcome, "pending_images", 0) or 0)
    context["switching_to"] = getattr(outcome, "switching_to", None)
    paginator = Paginator(outcome.results, PAGE_SIZE)
    try:
        page = paginator.page(_page_number(request))
    except EmptyPage:
        page = paginator.page(1)
    matches = {m.creator_id: m for m in page.object_list}
    # Through the filters again when there are any: each row then shows the account that met them.
    if filtered:
        creators = {c.pk: c for c in creator_list(filters=params).filter(pk__in=list(matches))}
    else:
        creators = creators_by_ids(matches)
    ordered = [creators[cid] for cid in matches if cid in creators]
    rows = presenters.creator_rows(ordered, brand=brand)
    for row in rows:
        row["look"] = presenters.look_match(matches[row["creator"].pk])
    context["page"], context["rows"] = page, rows


@login_required
@require_POST
def aesthetic_search(request: HttpRequest) -> HttpResponse:
    """Start a search by look: the uploaded images (and a prompt, where the embedder reads text)
    are checked and kept for the session, then discovery shows the creators that look alike,
    with the page's filters, paged, selectable for a shortlist. Problems render in place."""
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
    if not request.user.is_authenticated:  # login_required's promise, spelt out: the allowance is per user id
        raise PermissionDenied
    wait = aesthetic_search_count(request.user.pk)  # the API's allowance, shared
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        context["error"] = _("Too many searches by look for now. Try again in %(seconds)s s.") % {"seconds": seconds}
        response = render_page(request, "frontend/_aesthetic_results.html", context, status=429)
        response["Retry-After"] = str(seconds)
        return response
    try:
        data = [
            inspect_image_bytes(
                read_image_upload(upload, field=f"images[{index}]"), source=upload.name or "", field=f"images[{index}]"
            ).data
            for index, upload in enumerate(images)
        ]
        if prompt and not text_search_available()[0]:
            from vision.errors import TextSearchUnavailable

            raise TextSearchUnavailable(_("Describing a look needs a text-capable embedder (CLIP)."), field="text")
    except VettedError as exc:  # bad image, text without a text encoder
        context["error"] = error_text(exc)
        return render_page(request, "frontend/_aesthetic_results.html", context, status=422)
    token = look_remember(request, images=data, prompt=prompt)
    # On to discovery with the search by look and the filters the page had (hx-include).
    query = request.POST.copy()
    for key in ("csrfmiddlewaretoken", "prompt", "images", "page", "look", "look_brand"):
        query.pop(key, None)
    query["look"] = token
    return htmx_aware_redirect(request, f"{reverse('frontend:discovery')}?{query.urlencode()}")


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
