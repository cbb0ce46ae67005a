"""HTML forms of the monitoring pages: a watch, one rule's parameters, the notification settings.

They only turn what a person types (comma lists, number boxes, creator page links) into the
monitoring services' input. The services validate (`vetting.monitoring.rules.parse_params`
for rule parameters, `notification_settings_update` for addresses and URLs) and the views put
their InputError next to the field it names (`frontend.forms.attach_input_error`)."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from frontend.forms import join_list, split_list
from vetting.models import RuleKind, Severity
from vetting.monitoring.rules import PARAM_TYPES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What each rule kind looks for, shown on the "add a rule" buttons and above its form.
RULE_KIND_HELP = {
    RuleKind.KEYWORD: _("Posts that mention an excluded keyword or topic, e.g. 2 posts within 7 days."),
    RuleKind.SENTIMENT: _("A spike of negative comments against the creator's own baseline."),
    RuleKind.GROWTH_ANOMALY: _("Bought followers, purges and other anomalies in the follower history."),
    RuleKind.ENGAGEMENT_ANOMALY: _("Engagement spikes and dips, and rates far from the tier benchmark."),
    RuleKind.COMPETITOR: _("A paid post for a competitor of the brand."),
}

# (label, help) of every rule parameter, by its name in the rule's params.
PARAM_TEXT: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "keywords": (_("Keywords"), _("Comma-separated, any language: casino, 赌博")),
    "topics": (_("Topics"), _("Expanded to their words in Chinese and English, e.g. gambling, alcohol")),
    "use_brand_exclusions": (_("Also the brand's excluded keywords and topics"), ""),
    "min_count": (_("Posts needed"), _("Matching posts inside one window")),
    "window_days": (_("Window (days)"), ""),
    "lookback_days": (_("Look back (days)"), ""),
    "margin": (_("Margin over baseline"), _("Negative share above the creator's own baseline, 0–1 (0.2 = 20 points)")),
    "z_threshold": (_("Robust z at least"), ""),
    "history_days": (_("Baseline history (days)"), _("Days before the window the baseline is taken from")),
    "min_comments": (_("Minimum recent comments"), ""),
    "min_history_days": (_("Minimum days of history"), ""),
    "min_severity": (_("Minimum severity"), ""),
    "competitors": (_("Competitors"), _("Brand names, comma-separated; a bilingual name matches either part")),
    "use_brand_competitors": (_("Also the brand's competitors"), ""),
}

# The models' choice labels are plain strings; frontend/labels.py puts them in the catalogue.
SEVERITY_CHOICES = [(value, _(label)) for value, label in Severity.choices]
RULE_KIND_CHOICES = [(value, _(label)) for value, label in RuleKind.choices]

_CREATOR_REF = re.compile(r"^(?:.*/creators/)?#?(\d{1,18})/?$")
_ID = re.compile(r"[0-9]{1,18}")  # like the id path converter: never beyond a 64-bit column


def _is_id(value: Any) -> bool:
    return isinstance(value, int | str) and not isinstance(value, bool) and bool(_ID.fullmatch(str(value).strip()))


class IdModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses a value that is not an id before querying (a 20-digit
    number would overflow the database's integer and fail with a 500 instead of a form error)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """The multiple-choice counterpart of IdModelChoiceField."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if not _is_id(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        # django-stubs leave out this private method, which Django's clean() and to_python() call.
        return super()._check_values(value)  # type: ignore[misc]


def _split_words(text: str | None) -> list[str]:
    """`split_list` where spaces and line breaks separate too: "a b,c\nd" → ["a", "b", "c", "d"]."""
    return split_list(re.sub(r"\s+", ",", text or ""))


def rule_defaults(kind: str) -> list[tuple[str, Any]]:
    """(parameter name, default) of a rule kind, in the order the rules module declares them."""
    defaults = PARAM_TYPES[kind]()
    return [(f.name, getattr(defaults, f.name)) for f in dataclasses.fields(defaults)]


def _number_or_text(text: str) -> int | float | str:
    """ "7" → 7, "0.2" → 0.2; anything else stays text so the rule validator names the field."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _format_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return join_list(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def param_summary(kind: str, params: dict[str, Any]) -> list[tuple[Any, Any]]:
    """A rule's parameters as (label, shown value) pairs; booleans stay booleans for the template."""
    rows: list[tuple[Any, Any]] = []
    for name, default in rule_defaults(kind):
        value = (params or {}).get(name, default)
        label = PARAM_TEXT.get(name, (name, ""))[0]
        if isinstance(default, tuple) and not value:
            continue
        rows.append((label, value if isinstance(value, bool) else _format_value(value)))
    return rows


class RuleForm(forms.Form):
    """A watch rule of one kind: its name, active flag and the kind's parameters, one field each
    (built from the parameter types in `vetting.monitoring.rules`, so a new parameter shows
    up here without a change). Empty number boxes take the default."""

    name = forms.CharField(label=_("Name"), required=False, help_text=_("Optional, e.g. “Gambling, strict”"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name, default in rule_defaults(kind):
            self.fields[name] = self._param_field(name, default)

    @staticmethod
    def _param_field(name: str, default: Any) -> forms.Field:
        label, help_text = PARAM_TEXT.get(name, (name, ""))
        if isinstance(default, tuple):
            return forms.CharField(label=label, required=False, help_text=help_text)
        if isinstance(default, bool):
            return forms.BooleanField(label=label, required=False, initial=default, help_text=help_text)
        if name == "min_severity":
            return forms.ChoiceField(label=label, choices=SEVERITY_CHOICES, initial=default, help_text=help_text)
        step = "1" if isinstance(default, int) else "any"
        widget = forms.NumberInput(attrs={"step": step, "placeholder": _format_value(default)})
        hint = _("Default %(value)s") % {"value": _format_value(default)}
        help_text = f"{help_text} · {hint}" if help_text else hint
        return forms.CharField(label=label, required=False, initial=default, widget=widget, help_text=help_text)

    @classmethod
    def initial_for(cls, rule: Any) -> dict[str, Any]:
        """Form values of an existing rule."""
        initial: dict[str, Any] = {"name": rule.name, "is_active": rule.is_active}
        for name, default in rule_defaults(rule.kind):
            value = (rule.params or {}).get(name, default)
            initial[name] = value if isinstance(default, bool) or name == "min_severity" else _format_value(value)
        return initial

    def param_fields(self) -> list[Any]:
        return [self[name] for name, _default in rule_defaults(self.kind)]

    def to_service_data(self) -> dict[str, Any]:
        """The rule service's `params`, `name` and `is_active`."""
        data = self.cleaned_data
        return {"params": self.to_params(), "name": data["name"], "is_active": data["is_active"]}

    def to_params(self) -> dict[str, Any]:
        """The rule service's `params` (lists, booleans, numbers; empty number boxes left out)."""
        data = self.cleaned_data
        params: dict[str, Any] = {}
        for name, default in rule_defaults(self.kind):
            value = data.get(name)
            if isinstance(default, tuple):
                params[name] = split_list(value or "")
            elif isinstance(default, bool):
                params[name] = bool(value)
            elif name == "min_severity":
                params[name] = value
            elif text := (value or "").strip():
                params[name] = _number_or_text(text)
        return params


class WatchForm(forms.Form):
    """A watch as a person edits it: a name, an optional brand, and either one of the
    organisation's shortlists or creators picked from its shortlists (or given by id or page link).
    The choices are the querysets the view passes, so another organisation's brand or shortlist is
    not a valid choice."""

    TARGETS = (
        ("shortlist", _("A shortlist (creators added later are watched too)")),
        ("creators", _("Picked creators")),
    )

    name = forms.CharField(label=_("Name"), max_length=200)
    brand = IdModelChoiceField(
        label=_("Brand"),
        queryset=None,
        required=False,
        empty_label=_("No brand (the shortlist's brand, if any)"),
        help_text=_("Rules can use the brand's excluded keywords, topics and competitors."),
    )
    target = forms.ChoiceField(label=_("Watch"), choices=TARGETS, initial="shortlist", widget=forms.RadioSelect)
    shortlist = IdModelChoiceField(label=_("Shortlist"), queryset=None, required=False, empty_label="—")
    creators = IdModelMultipleChoiceField(
        label=_("Creators on your shortlists"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_creators = forms.CharField(
        label=_("Other creators"),
        required=False,
        help_text=_("Creator ids or creator page links, comma-separated"),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    start_rules = forms.MultipleChoiceField(
        label=_("Start with these rules (default thresholds; change them afterwards)"),
        choices=RULE_KIND_CHOICES,
        required=False,
        initial=list(RuleKind.values),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        brands: QuerySet,
        shortlists: QuerySet,
        creator_choices: QuerySet,
        creating: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The fields declared above as IdModelChoiceField and IdModelMultipleChoiceField.
        for name, queryset in (("brand", brands), ("shortlist", shortlists), ("creators", creator_choices)):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset
        if not creating:
            del self.fields["start_rules"]

    @classmethod
    def initial_for(cls, watch: Any) -> dict[str, Any]:
        """Form values of an existing watch."""
        return {
            "name": watch.name,
            "brand": watch.brand_id,
            "target": "shortlist" if watch.shortlist_id else "creators",
            "shortlist": watch.shortlist_id,
            "creators": [c.pk for c in watch.creators.all()],
            "is_active": watch.is_active,
        }

    def clean_other_creators(self) -> list[int]:
        ids: list[int] = []
        for token in _split_words(self.cleaned_data.get("other_creators")):
            match = _CREATOR_REF.match(token)
            if not match:
                raise forms.ValidationError(
                    _("“%(token)s” is not a creator id or creator page link"), params={"token": token}
                )
            ids.append(int(match.group(1)))
        return ids

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("target") == "shortlist" and not cleaned.get("shortlist") and "shortlist" not in self.errors:
            self.add_error("shortlist", _("Choose a shortlist, or watch picked creators instead."))
        return cleaned

    def to_service_data(self) -> dict[str, Any]:
        """The watch service's keyword arguments: name, brand, shortlist or creator ids, active."""
        data = self.cleaned_data
        watching_shortlist = data["target"] == "shortlist"
        picked = [c.pk for c in data.get("creators") or []] + list(data.get("other_creators") or [])
        return {
            "name": data["name"],
            "brand": data.get("brand"),
            "shortlist": data.get("shortlist") if watching_shortlist else None,
            "creator_ids": [] if watching_shortlist else list(dict.fromkeys(picked)),
            "is_active": bool(data.get("is_active")),
        }

    def starting_rules(self) -> list[dict[str, Any]]:
        """Rules to create with a new watch: each chosen kind with its default parameters."""
        return [{"kind": kind} for kind in self.cleaned_data.get("start_rules") or []]


class NotificationSettingsForm(forms.Form):
    """An organisation's notification settings; `make_read_only()` for viewers."""

    email_enabled = forms.BooleanField(label=_("Send new alerts by email"), required=False)
    email_recipients = forms.CharField(
        label=_("Email recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "alerts@example.com"}),
        help_text=_("One address per line or comma-separated. Empty: the organisation's owners and editors."),
    )
    webhook_enabled = forms.BooleanField(label=_("Send new alerts to a webhook"), required=False)
    webhook_url = forms.CharField(
        label=_("Webhook URL"),
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.example.com/vetted"}),
        help_text=_("A JSON POST per new alert, signed with HMAC-SHA256 (X-Vetted-Signature)."),
    )
    min_severity = forms.ChoiceField(
        label=_("Minimum severity"),
        choices=SEVERITY_CHOICES,
        help_text=_("Alerts below it stay in the inbox without an email or webhook."),
    )

    @classmethod
    def initial_for(cls, config: Any) -> dict[str, Any]:
        return {
            "email_enabled": config.email_enabled,
            "email_recipients": "\n".join(config.email_recipients or []),
            "webhook_enabled": config.webhook_enabled,
            "webhook_url": config.webhook_url,
            "min_severity": config.min_severity,
        }

    def make_read_only(self) -> None:
        for field in self.fields.values():
            field.disabled = True

    def to_service_data(self) -> dict[str, Any]:
        """`notification_settings_update`'s keyword arguments."""
        data = self.cleaned_data
        recipients = _split_words(data.get("email_recipients"))
        return {
            "email_enabled": bool(data.get("email_enabled")),
            "email_recipients": recipients,
            "webhook_enabled": bool(data.get("webhook_enabled")),
            "webhook_url": data.get("webhook_url") or "",
            "min_severity": data["min_severity"],
        }
