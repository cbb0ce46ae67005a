"""Watch pages: the organisation's watches (what monitoring looks at), one watch with its rules,
forms to create, edit and delete both, and "evaluate now". Reads through
`vetting.monitoring.selectors`, writes through `vetting.monitoring`; the rule
validator's InputError is shown next to the parameter it names."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import InputError, VettedError
from frontend.forms import attach_input_error
from frontend.forms_monitoring import RULE_KIND_HELP, RuleForm, WatchForm, param_summary
from frontend.views.common import (
    error_text,
    htmx_aware_redirect,
    is_htmx,
    render_page,
    require_organization,
    require_write,
    safe_next,
)
from vetting import monitoring as monitoring_services
from vetting.models import RuleKind
from vetting.monitoring import selectors as monitoring_selectors
from vetting.selectors.brands import brand_list
from vetting.selectors.shortlists import shortlist_list

# Service field names → WatchForm field names.
WATCH_FIELD_ALIASES = {"creator_ids": "creators", "rules.kind": "start_rules"}


def _rule_kinds() -> list[tuple[str, str, Any]]:
    """(kind, label, what it looks for) of every rule kind, for the "add a rule" buttons."""
    return [(kind.value, kind.label, RULE_KIND_HELP[kind]) for kind in RuleKind]


def _rule_row(rule: Any) -> dict[str, Any]:
    return {"rule": rule, "params": param_summary(rule.kind, rule.params)}


@login_required
def watch_list(request: HttpRequest) -> HttpResponse:
    """The organisation's watches: brand, what they watch, active, rules and open alerts."""
    org = require_organization(request)
    watches = []  # (watch, its active rules, all its rules)
    for watch in monitoring_selectors.watch_list(organization=org):
        rules = list(watch.rules.all())
        watches.append((watch, sum(1 for rule in rules if rule.is_active), len(rules)))
    return render_page(request, "frontend/watches.html", {"watches": watches})


def _watch_form(request: HttpRequest, org: Any, *, watch: Any = None) -> WatchForm:
    """The watch form with the organisation's choices. A new watch opened from a creator's page
    (?creator=ID) starts on picked creators with that one ticked."""
    initial: dict[str, Any] | None
    if watch is not None:
        initial = WatchForm.initial_for(watch)
        picked = initial["creators"]
    else:
        from_page = request.GET.get("creator", "")
        picked = [int(from_page)] if from_page.isdecimal() and len(from_page) <= 18 else []
        initial = {"target": "creators", "creators": picked} if picked else None
    return WatchForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        brands=brand_list(organization=org),
        shortlists=shortlist_list(organization=org),
        creator_choices=monitoring_selectors.watch_creator_choices(organization=org, include_ids=picked),
        creating=watch is None,
    )


@login_required
def watch_create(request: HttpRequest) -> HttpResponse:
    """A new watch (GET: the form; POST: create it with the chosen starting rules and open it)."""
    org = require_organization(request)
    require_write(request)
    return _watch_form_page(request, org, watch=None)


@login_required
def watch_edit(request: HttpRequest, watch_id: int) -> HttpResponse:
    """Change a watch's name, brand, what it watches and whether it is active."""
    org = require_organization(request)
    watch = monitoring_selectors.watch_get(organization=org, watch_id=watch_id)
    require_write(request)
    return _watch_form_page(request, org, watch=watch)


def _watch_form_page(request: HttpRequest, org: Any, *, watch: Any) -> HttpResponse:
    """The watch form; a valid POST creates (`watch` None) or updates the watch through the
    service, whose InputError is shown at the field it names."""
    form = _watch_form(request, org, watch=watch)
    if request.method == "POST" and form.is_valid():
        data = form.to_service_data()
        try:
            if watch is None:
                saved = monitoring_services.watch_create(
                    organization=org, user=request.user, rules=form.starting_rules(), **data
                )
                message = _("Watch created. It is evaluated after every import and refresh.")
            else:
                saved = monitoring_services.watch_update(watch=watch, **data)
                message = _("Watch saved.")
        except InputError as exc:
            attach_input_error(form, exc, WATCH_FIELD_ALIASES)
        else:
            messages.success(request, message)
            return redirect("frontend:alert_watch", watch_id=saved.pk)
    context = {"form": form, "watch": watch}
    return render_page(request, "frontend/watch_form.html", context, status=422 if form.errors else 200)


@login_required
def watch_detail(request: HttpRequest, watch_id: int) -> HttpResponse:
    """One watch: what it covers, its rules (toggle, edit, delete) and buttons to add one."""
    org = require_organization(request)
    watch = monitoring_selectors.watch_get(organization=org, watch_id=watch_id)
    context = {
        "watch": watch,
        "rule_rows": [_rule_row(rule) for rule in watch.rules.all()],
        "picked": list(watch.creators.all()),
        "rule_kinds": _rule_kinds(),
    }
    return render_page(request, "frontend/watch.html", context)


@login_required
@require_POST
def watch_delete(request: HttpRequest, watch_id: int) -> HttpResponse:
    """Delete a watch and its rules (its alerts stay in the inbox)."""
    org = require_organization(request)
    watch = monitoring_selectors.watch_get(organization=org, watch_id=watch_id)
    require_write(request)
    monitoring_services.watch_delete(watch=watch)
    messages.success(request, _("Watch “%(name)s” deleted; its alerts stay in the inbox.") % {"name": watch.name})
    return redirect("frontend:alert_watches")


@login_required
@require_POST
def evaluate_now(request: HttpRequest) -> HttpResponse:
    """Queue a watch evaluation job for the organisation; back to the page it was asked from
    (`next`: the watch stays in view, the message says where the job is), else its job page."""
    org = require_organization(request)
    require_write(request)
    try:
        job = monitoring_services.watch_evaluation_enqueue(organization=org, user=request.user)
    except VettedError as exc:  # e.g. the broker is down
        messages.error(request, error_text(exc))
        return redirect("frontend:alert_watches")
    messages.success(request, _("Evaluation queued; new alerts appear in the inbox when it finishes."))
    back = request.POST.get("next")
    if back:
        return redirect(safe_next(request, back, "frontend:alert_watches"))
    return redirect("frontend:job", job_id=job.pk)


@login_required
def rule_create(request: HttpRequest, watch_id: int) -> HttpResponse:
    """Add a rule of the kind in ?kind= (or the posted kind) to a watch; htmx loads the form
    into the watch page and gets it back with the field errors, or is sent to the watch."""
    org = require_organization(request)
    watch = monitoring_selectors.watch_get(organization=org, watch_id=watch_id)
    require_write(request)
    kind = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    if kind not in RuleKind.values:
        raise Http404("Unknown rule kind.")
    form = RuleForm(request.POST if request.method == "POST" else None, kind=kind)
    return _rule_form_page(request, form, watch=watch, rule=None)


@login_required
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Change a rule's thresholds, name or active flag (404 for another organisation's rule)."""
    org = require_organization(request)
    rule = monitoring_selectors.rule_get(organization=org, rule_id=rule_id)
    require_write(request)
    data = request.POST if request.method == "POST" else None
    form = RuleForm(data, kind=rule.kind, initial=RuleForm.initial_for(rule))
    return _rule_form_page(request, form, watch=rule.watch, rule=rule)


def _rule_form_page(request: HttpRequest, form: RuleForm, *, watch: Any, rule: Any) -> HttpResponse:
    """The rule form (a page, or the fragment htmx loads into the watch page); a valid POST
    creates (`rule` None) or updates the rule through the service, whose InputError (e.g.
    params.window_days) is shown at the field it names."""
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                monitoring_services.watch_rule_create(watch=watch, kind=form.kind, **form.to_service_data())
                message = _("Rule added.")
            else:
                monitoring_services.watch_rule_update(rule=rule, **form.to_service_data())
                message = _("Rule saved.")
        except InputError as exc:
            attach_input_error(form, exc)
        else:
            messages.success(request, message)
            return htmx_aware_redirect(request, reverse("frontend:alert_watch", args=[watch.pk]))
    context = {
        "form": form,
        "watch": watch,
        "rule": rule,
        "kind_label": RuleKind(form.kind).label,
        "kind_help": RULE_KIND_HELP[RuleKind(form.kind)],
    }
    status = 422 if form.errors else 200
    return render_page(request, "frontend/rule_form.html", context, partial="frontend/_rule_form.html", status=status)


@login_required
@require_POST
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Switch a rule on or off; htmx gets the refreshed table row."""
    org = require_organization(request)
    rule = monitoring_selectors.rule_get(organization=org, rule_id=rule_id)
    require_write(request)
    rule = monitoring_services.watch_rule_update(rule=rule, is_active=not rule.is_active)
    context = {"row": _rule_row(rule)}
    return render_page(request, "frontend/_rule_row.html", context) if is_htmx(request) else _back_to(rule.watch_id)


@login_required
@require_POST
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Delete one rule of a watch (its alerts stay)."""
    org = require_organization(request)
    rule = monitoring_selectors.rule_get(organization=org, rule_id=rule_id)
    require_write(request)
    monitoring_services.watch_rule_delete(rule=rule)
    messages.success(request, _("Rule deleted."))
    return _back_to(rule.watch_id)


def _back_to(watch_id: int) -> HttpResponse:
    return redirect("frontend:alert_watch", watch_id=watch_id)
