"""`CreatorFilterSet`: the one set of discovery filters behind the API (`GET /api/creators/`)
and the web UI's discovery page.

Creator-level filters (country, language, category, contact email, the fake-follower risk
filters, and the brands a creator published paid posts for: `worked_with`, `not_worked_with`)
filter creators directly. Account-level filters (platform, followers, engagement, growth,
audience, keyword) are collected and applied together to one account of the creator (see
`influencers.selectors.creators.creator_search_queryset`), so "TikTok, ≥ 100k followers,
ER ≥ 3%" means one TikTok account meeting all three.

Risk is a creator-level verdict (`influencers/risk.py`): `risk_level=low` lists a creator only
when no account of it is medium or high, `max_fake_risk=0.3` only when it has a verdict and no
account with a verdict is above 0.3 (accounts without enough evidence are never read as clean);
`risk_level=insufficient` lists the creators none of whose accounts has a verdict.

Rates are fractions: `min_engagement_rate=0.03` is 3%, `audience_country_min=0.2` is 20%.
The engagement rate is the stored headline ER, one definition per platform (docs/metrics.md).
Data age: `stale=true|false` (the newest post/snapshot older than METRICS_STALE_AFTER_DAYS, or
no dated data: stale), `max_data_age_days=N` (newest data at most N days old); both are judged
on today's date.
"""

from __future__ import annotations

import copy
import re
from functools import cached_property
from typing import Any, ClassVar, TypeVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from core.text import MAX_BIGINT
from influencers.metrics.freshness import stale_after_days, stale_cutoff
from influencers.models import AudienceProfile, Creator, Platform
from influencers.models.audience import AGE_BANDS, GENDERS
from influencers.selectors.creators import (
    CREATOR_SORTS,
    DEFAULT_SORT,
    AccountTerm,
    creator_max_risk_q,
    creator_risk_level_q,
    creator_search_queryset,
)
from influencers.selectors.keyword import keyword_own_text_has, keyword_rank, keyword_ranks, keyword_term
from influencers.selectors.partners import worked_with
from influencers.vocabulary import code_for

# Audience keys become JSON paths: only plain codes are accepted.
# Messages people read next to the field, in their language (Django formats the params).
_COUNTRY_CODE = RegexValidator(r"^[A-Za-z]{2}$", gettext_lazy("expected a two-letter ISO country code, e.g. CN"))
_LANGUAGE_CODE = RegexValidator(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{2,4})?$", gettext_lazy("expected an ISO language code, e.g. zh")
)
T = TypeVar("T")
RISK_LEVELS = (("low", "low"), ("medium", "medium"), ("high", "high"), ("insufficient", "insufficient"))
_BRAND_SEPARATORS = re.compile(r"[,，;；、]")
MAX_BRANDS = 50
# Ordered by keyword relevance: asked for by name, and the order when a keyword search names no
# sort (the metric sorts stay available beside it).
RELEVANCE = "relevance"


def brand_names(value: str) -> list[str]:
    """Brand names or @handles separated by commas (also ， ; 、), trimmed, without repeats."""
    return list(dict.fromkeys(name.strip() for name in _BRAND_SEPARATORS.split(value or "") if name.strip()))


def _few_brands(value: str) -> None:
    names = brand_names(value)
    if len(names) > MAX_BRANDS:
        raise ValidationError(
            gettext_lazy("at most %(max)s brands, got %(n)s"), params={"max": MAX_BRANDS, "n": len(names)}
        )
    if any(len(name) > 100 for name in names):
        raise ValidationError(gettext_lazy("a brand name is at most 100 characters"))


def _shallow_copy(obj: T) -> T:
    """`copy.copy(obj)` for an object of a plain class (no `__copy__`, `__reduce__` or
    `__slots__`: form fields, filters): a new instance with the same attributes, without the copy
    module's generic protocol (three quarters of a copy's time; 28 fields per form)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


class _FieldsCopiedByField(dict):
    """A form class's `base_fields`, which Django's form deep-copies into every form (widgets,
    choices, validators: 28 fields, a tenth of a discovery request's filter-set time). Each form
    gets its own copy of each field, sharing the field's widget, choices and validators: no
    code changes those per form (the discovery forms are cleaned and rendered, never edited)."""

    def __deepcopy__(self, memo: dict) -> dict:
        return {name: _shallow_copy(field) for name, field in self.items()}


def _clean_bound(field: forms.Field, bound: forms.BoundField) -> Any:
    # Django's step of Form._clean_fields (the stubs leave this method out).
    return field._clean_bound_field(bound)  # type: ignore[attr-defined]


class _AbsentFieldsForm(forms.Form):
    """The filter form, cleaning only the fields the query names: a discovery query sets 0-4 of
    its 28 filters, and Django cleans every field (a bound field, the widget's read of the data,
    the field's clean): two thirds of the form's cleaning time went to absent fields. An absent
    field's cleaned value is what Django's cleaning gives it with the field's key absent from the
    data, worked out once per form class (a fresh copy of it per form: a list may be changed)."""

    # field name → its cleaned value when absent and whether it is mutable (copied for each
    # form), per form class (set on first use)
    _absent_values: ClassVar[dict[str, tuple[Any, bool]]]

    @classmethod
    def absent_values(cls) -> dict[str, tuple[Any, bool]]:
        found = cls.__dict__.get("_absent_values")
        if found is None:
            found = {}
            probe = cls(QueryDict())
            for name, field in probe.fields.items():
                # Only widgets that read the field's own key: a MultiWidget reads name_0, name_1...
                if isinstance(field.widget, forms.MultiWidget) or hasattr(cls, f"clean_{name}"):
                    continue
                try:
                    value = _clean_bound(field, probe[name])
                except ValidationError:  # cleaned every time: its error is the form's
                    continue
                found[name] = (value, copy.copy(value) is not value)
            cls._absent_values = found
        return found

    def _clean_fields(self) -> None:
        absent = self.absent_values()
        data, files = self.data, self.files
        for name, field in self.fields.items():
            if name in absent and self.add_prefix(name) not in data and not files:
                value, mutable = absent[name]
                self.cleaned_data[name] = copy.copy(value) if mutable else value
                continue
            bound = self[name]
            try:
                self.cleaned_data[name] = _clean_bound(field, bound)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)


class _ChoiceKeysMixin:
    """A choice field checking a value against its choices' keys, read once: django-filter's
    choice iterator normalises the choices anew on every read, which Django's `valid_value` does
    for each value it checks (the sort's dozen choices on every discovery request). The same
    answer as Django's loop for keys that are all strings (`value == key or str(value) == key`
    is then `str(value) in keys`); choices with groups or other keys, and choices set after the
    field was made, take Django's loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = self._choices_now()
        pairs = list(choices)
        plain = all(type(key) is str and not isinstance(label, list | tuple) for key, label in pairs)
        self._choice_keys = (choices, frozenset(key for key, _ in pairs)) if plain else None

    def _choices_now(self) -> Any:
        return self.__dict__.get("_choices")

    def valid_value(self, value: Any) -> bool:
        kept = self._choice_keys
        if kept is None or kept[0] is not self._choices_now():
            return super().valid_value(value)  # type: ignore[misc]
        return str(value) in kept[1]


class _ChoiceField(_ChoiceKeysMixin, django_filters.fields.ChoiceField):
    pass


class _MultipleChoiceField(_ChoiceKeysMixin, django_filters.fields.MultipleChoiceField):
    pass


class ChoiceFilter(django_filters.ChoiceFilter):
    field_class = _ChoiceField


class MultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = _MultipleChoiceField


class CharInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """Comma-separated values: `?country=CN,TW`."""


class CountryInFilter(CharInFilter):
    """Country codes, comma-separated, in any case: `cn` finds what `CN` finds (codes are stored
    upper-case)."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        codes = [str(v).strip().upper() for v in value or [] if str(v).strip()]
        return super().filter(qs, codes) if codes else qs


def audience_codes(values: Any, case: str) -> list[str]:
    """The (already validated) codes of a comma list in `case` ("upper"/"lower"), without repeats."""
    codes = [str(v).strip() for v in values or [] if str(v).strip()]
    return list(dict.fromkeys(c.upper() if case == "upper" else c.lower() for c in codes))


def _audience_term(dimension: str, keys: list[str], minimum: float) -> AccountTerm | None:
    """Accounts whose newest audience gives the union of `keys` a share ≥ `minimum` (> 0 without
    a minimum): the shares of the chosen values add up, "CN or TW ≥ 30%" is CN + TW ≥ 0.3."""
    if not keys:
        return None
    if len(keys) == 1:  # the JSON key lookup alone (no cast), as before several values existed
        key = keys[0]
        lookup = {f"{dimension}__{key}__gte": minimum} if minimum > 0 else {f"{dimension}__{key}__gt": 0}

        def single(prefix: str, ref: str) -> Q:
            return Q(Exists(AudienceProfile.objects.filter(account_id=OuterRef(ref), **lookup)))

        return single
    share = sum(
        (Coalesce(Cast(KeyTextTransform(key, dimension), FloatField()), Value(0.0)) for key in keys[1:]),
        Coalesce(Cast(KeyTextTransform(keys[0], dimension), FloatField()), Value(0.0)),
    )
    union = {"union_share__gte": minimum} if minimum > 0 else {"union_share__gt": 0}

    def term(prefix: str, ref: str) -> Q:
        profiles = AudienceProfile.objects.filter(account_id=OuterRef(ref)).annotate(union_share=share)
        return Q(Exists(profiles.filter(**union)))

    return term


def _metric_term(path: str, lookup: str, value: Any) -> AccountTerm:
    def term(prefix: str, ref: str) -> Q:
        return Q(**{f"{prefix}{path}__{lookup}": value})

    return term


def _stale_term(stale: bool) -> AccountTerm:
    cutoff = stale_cutoff(timezone.localdate(), stale_after_days())

    def term(prefix: str, ref: str) -> Q:
        if stale:  # undated data cannot be trusted as fresh
            older = Q(**{f"{prefix}metrics__data_as_of__lt": cutoff})
            return older | Q(**{f"{prefix}metrics__data_as_of__isnull": True})
        return Q(**{f"{prefix}metrics__data_as_of__gte": cutoff})

    return term


def _keyword_term(keyword: str) -> AccountTerm:
    # The words are looked up in the accounts' search text (names, handle, bio, the categories'
    # words in both languages, captions and hashtags) through the database's index
    # (influencers.selectors.keyword); a niche named in either language ("美妆", "Beauty", "makeup")
    # also finds the creators filed under it.
    def term(prefix: str, ref: str) -> Q:
        if prefix:  # the outer query: the index's list, or a tier of it (keyword_tier_queryset)
            return Q(keyword_term(keyword, ref))
        # Inside the correlated "better account" subquery: each account's own row.
        return Q(keyword_own_text_has(keyword, ref))

    return term


class CreatorFilterSet(django_filters.FilterSet):
    """Discovery filters and the sort order, shared by API and web UI."""

    # The declared filters by name, set on the class by django-filter's metaclass (untyped).
    base_filters: dict[str, django_filters.Filter]

    q = django_filters.CharFilter(method="filter_account", label="Keyword in name, handle, bio, captions or hashtags")
    platform = MultipleChoiceFilter(choices=Platform.choices, method="filter_account")
    # Bounded like the columns they compare with: a larger number is a filter error, never a 500.
    min_followers = django_filters.NumberFilter(min_value=0, max_value=MAX_BIGINT, method="filter_account")
    max_followers = django_filters.NumberFilter(min_value=0, max_value=MAX_BIGINT, method="filter_account")
    min_engagement_rate = django_filters.NumberFilter(
        min_value=0, method="filter_account", label="Minimum ER (0.03 = 3%)"
    )
    max_engagement_rate = django_filters.NumberFilter(min_value=0, method="filter_account")
    min_growth_30d = django_filters.NumberFilter(
        method="filter_account", label="Minimum 30-day follower growth (0.05 = 5%)"
    )
    max_growth_30d = django_filters.NumberFilter(method="filter_account")
    max_fake_risk = django_filters.NumberFilter(
        min_value=0,
        max_value=1,
        method="filter_creator_risk",
        label="Maximum fake-follower risk of every vetted account (creators without a verdict excluded)",
    )
    risk_level = MultipleChoiceFilter(
        choices=RISK_LEVELS,
        method="filter_creator_risk",
        label="Creator-level risk (its worst account's); insufficient = not enough evidence",
    )
    verified = django_filters.BooleanFilter(method="filter_account")
    stale = django_filters.BooleanFilter(
        method="filter_account", label="Stale data: the newest post or snapshot is older than the staleness limit"
    )
    max_data_age_days = django_filters.NumberFilter(
        min_value=0,
        max_value=36_500,
        method="filter_account",
        label="Newest post or snapshot at most this many days old",
    )
    # Several values each (repeatable, comma-separated): the audience share of their union must
    # reach the minimum (`_audience_term`).
    audience_country = CharInFilter(
        method="filter_account",
        validators=[_COUNTRY_CODE],  # each value (the CSV field cleans them one by one)
        label="Audience countries (ISO codes, comma-separated)",
    )
    audience_country_min = django_filters.NumberFilter(min_value=0, max_value=1, method="filter_noop")
    audience_age = MultipleChoiceFilter(choices=[(a, a) for a in AGE_BANDS], method="filter_account")
    audience_age_min = django_filters.NumberFilter(min_value=0, max_value=1, method="filter_noop")
    audience_gender = MultipleChoiceFilter(choices=[(g, g) for g in GENDERS], method="filter_account")
    audience_gender_min = django_filters.NumberFilter(min_value=0, max_value=1, method="filter_noop")
    audience_language = CharInFilter(
        method="filter_account",
        validators=[_LANGUAGE_CODE],
        label="Audience languages (ISO codes, comma-separated)",
    )
    audience_language_min = django_filters.NumberFilter(min_value=0, max_value=1, method="filter_noop")

    country = CountryInFilter(field_name="country", lookup_expr="in", label="Creator country codes, comma-separated")
    language = django_filters.CharFilter(method="filter_json_list", label="Creator language (ISO code)")
    category = django_filters.CharFilter(method="filter_json_list")
    has_contact_email = django_filters.BooleanFilter(method="filter_has_email")
    worked_with = django_filters.CharFilter(
        method="filter_worked_with",
        validators=[_few_brands],
        label="Published a paid post for any of these brands (names or @handles, comma-separated)",
    )
    not_worked_with = django_filters.CharFilter(
        method="filter_worked_with",
        validators=[_few_brands],
        label="Never published a paid post for these brands, e.g. a brand's competitors (comma-separated)",
    )
    sort = ChoiceFilter(
        choices=[(s, s) for s in [*CREATOR_SORTS, RELEVANCE]],
        method="filter_noop",
        empty_label=None,
        label="Sort order (relevance: best keyword match first; the default with q)",
    )

    class Meta:
        model = Creator
        fields: list[str] = []
        form = _AbsentFieldsForm

    _ACCOUNT_BUILDERS = {
        "platform": lambda v, d: _metric_term("platform", "in", list(v)) if v else None,
        "min_followers": lambda v, d: _metric_term("metrics__followers", "gte", int(v)),
        "max_followers": lambda v, d: _metric_term("metrics__followers", "lte", int(v)),
        "min_engagement_rate": lambda v, d: _metric_term("metrics__engagement_rate", "gte", float(v)),
        "max_engagement_rate": lambda v, d: _metric_term("metrics__engagement_rate", "lte", float(v)),
        "min_growth_30d": lambda v, d: _metric_term("metrics__growth_30d", "gte", float(v)),
        "max_growth_30d": lambda v, d: _metric_term("metrics__growth_30d", "lte", float(v)),
        "verified": lambda v, d: _metric_term("is_verified", "exact", bool(v)),
        "stale": lambda v, d: _stale_term(bool(v)),
        "max_data_age_days": lambda v, d: _metric_term(
            "metrics__data_as_of", "gte", stale_cutoff(timezone.localdate(), int(v))
        ),
        "audience_country": lambda v, d: _audience_term(
            "countries", audience_codes(v, "upper"), float(d.get("audience_country_min") or 0)
        ),
        "audience_age": lambda v, d: _audience_term("age", list(v or []), float(d.get("audience_age_min") or 0)),
        "audience_gender": lambda v, d: _audience_term(
            "gender", list(v or []), float(d.get("audience_gender_min") or 0)
        ),
        "audience_language": lambda v, d: _audience_term(
            "languages", audience_codes(v, "lower"), float(d.get("audience_language_min") or 0)
        ),
        "q": lambda v, d: _keyword_term(v.strip()) if v.strip() else None,
    }

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet | None = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        # django-filter's __init__, without its deep copy of every declared filter: `filters`
        # copies them when first read (below). A request the discovery columns answer only
        # validates the form, whose class is kept (get_form_class), and never reads them.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.account_terms: list[AccountTerm] = []

    @cached_property
    def filters(self) -> dict[str, django_filters.Filter]:
        """This filter set's filters (django-filter deep-copies the declared ones per filter set).
        A shallow copy per filter is enough: the declarations are only read, and what is per
        filter set (`parent`, `model`, and the FilterMethod that finds `filter_*` methods
        through `parent`) is set anew here."""
        model = self.queryset.model
        filters = {}
        for name, declared in self.base_filters.items():
            filter_ = _shallow_copy(declared)
            if getattr(declared, "_method", None) is not None:
                filter_.method = declared._method  # a new FilterMethod bound to this copy
            filter_.model = model
            filter_.parent = self
            filters[name] = filter_
        return filters

    # The form class depends only on the declared filters (and the language of their labels):
    # django-filter builds a new one, with new fields, on every request (a few ms of discovery).
    _form_classes: ClassVar[dict[tuple[type, str | None], type]] = {}

    def get_form_class(self):  # noqa: ANN201
        key = (type(self), translation.get_language())
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = _FieldsCopiedByField(form_class.base_fields)
            self._form_classes[key] = form_class
        return form_class

    def filter_account(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        """Account-level filters are only collected here; `filter_queryset` applies them together."""
        term = self._ACCOUNT_BUILDERS[name](value, self.form.cleaned_data)
        if term is not None:
            self.account_terms.append(term)
        return queryset

    def filter_creator_risk(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        """The risk filters are creator-level: the worst vetted account decides (module docstring)."""
        if name == "max_fake_risk":
            return queryset if value is None else queryset.filter(creator_max_risk_q(float(value)))
        return queryset.filter(creator_risk_level_q(value)) if value else queryset

    def filter_noop(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def filter_json_list(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # A JSON list contains "x": matching on the quoted JSON text works on SQLite and PostgreSQL
        # alike (SQLite has no JSON containment lookup).
        value = value.strip()
        if not value:
            return queryset
        field = {"language": "languages", "category": "categories"}[name]
        if name == "category":  # by code or by its label in either language: 美妆 → beauty
            value = code_for(value)
        return queryset.filter(**{f"{field}__icontains": f'"{value}"'})

    def filter_has_email(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.exclude(contact_email="") if value else queryset.filter(contact_email="")

    def filter_worked_with(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Creator-level: a paid post on any of the creator's accounts counts
        # (influencers.selectors.partners; the sponsorship rule is influencers.sponsorship).
        names = brand_names(value)
        if not names:
            return queryset
        condition = worked_with(names)
        return queryset.filter(condition) if name == "worked_with" else queryset.exclude(condition)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        self.account_terms = []
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or ""
        keyword = (self.form.cleaned_data.get("q") or "").strip()
        by_relevance = bool(keyword) and sort in ("", RELEVANCE) and keyword_ranks(keyword)
        if sort in ("", RELEVANCE):
            sort = DEFAULT_SORT
        queryset = creator_search_queryset(queryset, account_terms=self.account_terms, sort=sort)
        if by_relevance:
            # The representative account's relevance; ties keep the default order.
            queryset = queryset.annotate(keyword_rank=keyword_rank(keyword, "rep_account_id"))
            queryset = queryset.order_by(F("keyword_rank").desc(), *queryset.query.order_by)
        return queryset
