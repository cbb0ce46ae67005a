"""HTML forms of the web UI. They only turn what a person types (comma lists, "key: percent"
lines) into the data the services take; the services validate and save."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from core.text import MAX_BIGINT
from influencers.models import Platform
from influencers.models.audience import DISTRIBUTION_FIELDS
from influencers.vocabulary import audience_choices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_SPLIT = re.compile(r"[,\n;，、]+")  # Chinese commas too: people type 环保，天然
_PERCENT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*%?\s*$")
BLANK_PICKER_ROWS = 2  # empty rows under the chosen ones, so a brief grows without JavaScript too
_SHARE_LINE = re.compile(r"^\s*([^:：=]+?)\s*[:：=]\s*([0-9]+(?:\.[0-9]+)?)\s*%?\s*$")

DIMENSION_LABELS = {
    "age": _("Age bands"),
    "gender": _("Gender"),
    "countries": _("Countries"),
    "languages": _("Languages"),
    "interests": _("Interests"),
}
DIMENSION_HINTS = {
    "age": "18-24: 50\n25-34: 50",
    "gender": "female: 80\nmale: 20",
    "countries": "CN: 70\nTW: 30",
    "languages": "zh: 90\nen: 10",
    "interests": "beauty: 60\nwellness: 40",
}


def _posted_list(data: Mapping[str, Any], key: str) -> list[Any]:
    """Every value bound under `key`: a QueryDict's list (what a browser posts), else what a plain
    dict holds, one value or a list (Django's multi-value widgets read bound data the same way)."""
    if isinstance(data, MultiValueDict):
        return data.getlist(key)
    value = data.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def split_list(text: str) -> list[str]:
    """ "a, b\nc" → ["a", "b", "c"] (empty items dropped)."""
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def join_list(values: Any) -> str:
    return ", ".join(str(v) for v in values or [])


def parse_shares(text: str, *, field: str) -> dict[str, float]:
    """Lines of "key: percent" → {key: share}; raises ValidationError naming the bad line."""
    shares: dict[str, float] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _SHARE_LINE.match(line)
        if not match:
            raise forms.ValidationError(
                _("line %(n)s: write it as “key: percent”, e.g. “CN: 70”"), params={"n": number}, code=field
            )
        shares[match.group(1).strip()] = float(match.group(2)) / 100
    return shares


def format_shares(values: dict[str, float] | None) -> str:
    return "\n".join(f"{key}: {round(share * 100, 1):g}" for key, share in (values or {}).items())


def _rows_from_text(text: str) -> list[tuple[str, str]]:
    """(key, percent) rows of "key: percent" lines, best effort (the picker shows what it can)."""
    rows = []
    for line in (text or "").splitlines():
        match = _SHARE_LINE.match(line)
        if match:
            rows.append((match.group(1).strip(), f"{float(match.group(2)):g}"))
    return rows


def parse_picker_rows(keys: list[str], percents: list[str]) -> dict[str, float]:
    """The picker's (key, percent) rows → {key: share}; raises ValidationError listing every bad
    row at once. Empty rows are skipped."""
    shares: dict[str, float] = {}
    errors = []
    for number, (key, percent) in enumerate(zip(keys, percents), start=1):
        key, percent = (key or "").strip(), (percent or "").strip()
        if not key and not percent:
            continue
        match = _PERCENT.match(percent)
        if not key:
            errors.append(forms.ValidationError(_("row %(n)s: choose what the share is of"), params={"n": number}))
        elif not match or float(match.group(1)) > 100:
            errors.append(
                forms.ValidationError(_("row %(n)s: the share must be a percent from 0 to 100"), params={"n": number})
            )
        else:
            shares[key] = shares.get(key, 0.0) + float(match.group(1)) / 100
    if errors:
        raise forms.ValidationError(errors)
    return shares


class BrandForm(forms.Form):
    """A brand brief as a person edits it; `to_service_data()` gives the brand service's input."""

    name = forms.CharField(label=_("Brand name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    values = forms.CharField(
        label=_("Values"), required=False, help_text=_("Comma-separated, any language: sustainable, 环保, playful")
    )
    excluded_topics = forms.CharField(label=_("Excluded topics"), required=False, help_text=_("Comma-separated"))
    excluded_keywords = forms.CharField(
        label=_("Excluded keywords"), required=False, help_text=_("Brand-safety words to flag in recent posts")
    )
    competitors = forms.CharField(label=_("Competitors"), required=False, help_text=_("Brand names, comma-separated"))
    preferred_platforms = forms.MultipleChoiceField(
        label=_("Preferred platforms"),
        required=False,
        # The platforms' names in the page's language (小红书 in Chinese), as everywhere else.
        choices=[(value, _(name)) for value, name in Platform.choices],
        widget=forms.CheckboxSelectMultiple,
    )
    # Follower counts are 64-bit columns: a larger number is a form error, not a database error.
    min_followers = forms.IntegerField(label=_("Minimum followers"), required=False, min_value=0, max_value=MAX_BIGINT)
    max_followers = forms.IntegerField(label=_("Maximum followers"), required=False, min_value=0, max_value=MAX_BIGINT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dimension in DISTRIBUTION_FIELDS:
            self.fields[f"ta_{dimension}"] = forms.CharField(
                label=DIMENSION_LABELS[dimension],
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "placeholder": DIMENSION_HINTS[dimension]}),
                help_text=_("One “key: percent” per line; should add up to 100"),
            )
            self.fields[f"ta_{dimension}_weight"] = forms.FloatField(
                label=_("Importance"), required=False, min_value=0, max_value=10, initial=1.0
            )

    @classmethod
    def initial_for(cls, brand: Any) -> dict[str, Any]:
        """Form values of an existing brand."""
        initial: dict[str, Any] = {
            "name": brand.name,
            "description": brand.description,
            "values": join_list(brand.values),
            "excluded_topics": join_list(brand.excluded_topics),
            "excluded_keywords": join_list(brand.excluded_keywords),
            "competitors": join_list(brand.competitors),
            "preferred_platforms": list(brand.preferred_platforms or []),
            "min_followers": brand.min_followers,
            "max_followers": brand.max_followers,
        }
        for dimension in DISTRIBUTION_FIELDS:
            spec = (brand.target_audience or {}).get(dimension) or {}
            initial[f"ta_{dimension}"] = format_shares(spec.get("values"))
            initial[f"ta_{dimension}_weight"] = spec.get("weight", 1.0)
        return initial

    @classmethod
    def initial_from_brief(cls, query: Any) -> dict[str, Any]:
        """Form values from the chips of a brief read on the discovery page (a QueryDict: one
        `ta_<dimension>` "key: percent" line per chip, rescaled to 100 for the chips kept)."""
        initial: dict[str, Any] = {
            "description": (query.get("description") or "")[:2000],
            "preferred_platforms": [p for p in query.getlist("preferred_platforms") if p in Platform.values],
            "competitors": join_list(dict.fromkeys(query.getlist("competitors"))),
            "excluded_topics": join_list(dict.fromkeys(query.getlist("excluded_topics"))),
        }
        for field in ("min_followers", "max_followers"):
            raw = (query.get(field) or "").strip()
            if raw.isdigit():
                initial[field] = int(raw)
        for dimension in DISTRIBUTION_FIELDS:
            try:
                shares = parse_shares("\n".join(query.getlist(f"ta_{dimension}")), field=f"ta_{dimension}")
            except forms.ValidationError:
                shares = {}  # a hand-edited URL: start the box empty rather than fail
            total = sum(shares.values())
            if total > 0:
                initial[f"ta_{dimension}"] = format_shares({key: share / total for key, share in shares.items()})
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for dimension in DISTRIBUTION_FIELDS:
            key = f"ta_{dimension}"
            keys, percents = _posted_list(self.data, f"{key}_key"), _posted_list(self.data, f"{key}_pct")
            try:
                if keys or percents:  # the pickers (the page); else "key: percent" lines
                    cleaned[key] = parse_picker_rows(keys, percents)
                elif key in cleaned:
                    cleaned[key] = parse_shares(cleaned.get(key, ""), field=key)
            except forms.ValidationError as exc:
                self.add_error(key, exc)
        return cleaned

    def picker_rows(self, dimension: str) -> list[tuple[str, str]]:
        """(key, percent) rows the picker of `dimension` shows: what was posted, else the brief's,
        then a few empty rows."""
        key = f"ta_{dimension}"
        keys, percents = _posted_list(self.data, f"{key}_key"), _posted_list(self.data, f"{key}_pct")
        if self.is_bound and (keys or percents):
            rows = list(zip(keys, percents))
        else:
            source = self.data.get(key, "") if self.is_bound else self.initial.get(key, "")
            rows = _rows_from_text(source if isinstance(source, str) else format_shares(source))
        rows = [(k, p) for k, p in rows if (k or "").strip() or (p or "").strip()]
        return rows + [("", "")] * BLANK_PICKER_ROWS

    def pickers(self) -> list[dict[str, Any]]:
        """Per audience dimension what the template draws: label, vocabulary, rows, weight, errors."""
        out = []
        for dimension in DISTRIBUTION_FIELDS:
            choices = audience_choices(dimension)
            known = {code for code, _label in choices}
            rows = self.picker_rows(dimension)
            # A key outside the vocabulary (an old brief) stays visible, so its error can be read.
            extra = [k for k, _p in rows if k and k not in known]
            out.append(
                {
                    "dimension": dimension,
                    "label": DIMENSION_LABELS[dimension],
                    "choices": choices + [(k, k) for k in dict.fromkeys(extra)],
                    "rows": rows,
                    "weight": self[f"ta_{dimension}_weight"],
                    "field": self[f"ta_{dimension}"],
                }
            )
        return out

    def partial_service_data(self) -> dict[str, Any]:
        """The brand service's `data` from whatever fields cleaned, so the service can name
        every other problem while the form shows its own (all errors at once)."""
        data = getattr(self, "cleaned_data", {})
        keep = {
            name: value
            for name, value in self._service_data(data).items()
            if name != "target_audience" and not self.errors.get(name)
        }
        keep["target_audience"] = self._target(data, skip_errors=True)
        keep.setdefault("name", "")
        return keep

    def to_service_data(self) -> dict[str, Any]:
        """The brand service's `data` (lists, numbers, target audience) from the cleaned form."""
        return self._service_data(self.cleaned_data)

    def _target(self, data: dict[str, Any], *, skip_errors: bool = False) -> dict[str, Any]:
        target: dict[str, Any] = {}
        for dimension in DISTRIBUTION_FIELDS:
            if skip_errors and self.errors.get(f"ta_{dimension}"):
                continue
            values = data.get(f"ta_{dimension}") or {}
            if isinstance(values, dict) and values:
                weight = data.get(f"ta_{dimension}_weight")
                target[dimension] = {"weight": 1.0 if weight is None else weight, "values": values}
        return target

    def _service_data(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": data.get("name", ""),
            "description": data.get("description", ""),
            "values": split_list(data.get("values", "")),
            "excluded_topics": split_list(data.get("excluded_topics", "")),
            "excluded_keywords": split_list(data.get("excluded_keywords", "")),
            "competitors": split_list(data.get("competitors", "")),
            "preferred_platforms": list(data.get("preferred_platforms") or []),
            "min_followers": data.get("min_followers"),
            "max_followers": data.get("max_followers"),
            "target_audience": self._target(data),
        }

    def identity_fields(self) -> list[Any]:
        """The brief's text fields, in the order the form shows them."""
        names = ("name", "competitors", "description", "values", "excluded_topics", "excluded_keywords")
        return [self[name] for name in names]

    def dimension_rows(self) -> list[tuple[StrOrPromise, forms.BoundField, forms.BoundField]]:
        """(label, shares field, weight field) per audience dimension, for the template."""
        return [(DIMENSION_LABELS[d], self[f"ta_{d}"], self[f"ta_{d}_weight"]) for d in DISTRIBUTION_FIELDS]


def attach_input_error(form: forms.Form, exc: Any, aliases: dict[str, str] | None = None) -> None:
    """Show a service's InputError next to the field it names: "params.window_days" → the
    window_days box, "email_recipients[2]" → the recipients box, `aliases` for fields the form
    calls differently; anything else goes above the form with the full message."""
    from core.messages import render_message
    from frontend.views.common import error_text

    field = re.sub(r"\[\d+\]", "", getattr(exc, "field", None) or "").removeprefix("params.")
    name = (aliases or {}).get(field, field)
    if name in form.fields:  # next to the field: its reason alone, in the reader's language
        message = getattr(exc, "message", None)
        form.add_error(name, render_message(message) if message is not None else getattr(exc, "reason", str(exc)))
    else:
        form.add_error(None, error_text(exc))
