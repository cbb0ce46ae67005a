"""CreatorFilterSet's cheaper per-request steps give what django-filter and Django give: the
form cleans only the filters a query names (the others take the value Django's cleaning gives an
absent key), and the filters are copied only when the filtered query is built."""

from __future__ import annotations

import copy

import pytest
from django import forms
from django.http import QueryDict

from influencers.filters import CreatorFilterSet, _shallow_copy
from influencers.models import Creator

QUERIES = [
    "",
    "platform=tiktok&min_followers=5000",
    "min_followers=&max_followers=",  # present but empty
    "country=CN,tw&audience_country=CN&audience_country_min=0.3&sort=-engagement_rate",
    "min_followers=abc&risk_level=nope&audience_language=123",  # errors
    "has_contact_email=true&stale=false&verified=&q=beauty",
    "worked_with=Nike,Adidas&max_fake_risk=2",
]


def django_cleaning(form_class: type[forms.Form], query: str) -> tuple[list, dict]:
    """Every field cleaned, as Django's Form does."""
    form = form_class(QueryDict(query))
    form._errors = forms.utils.ErrorDict()
    form.cleaned_data = {}
    forms.Form._clean_fields(form)
    return list(form.cleaned_data.items()), form.errors.get_json_data()


@pytest.mark.parametrize("query", QUERIES)
def test_the_form_cleans_as_django_cleans_every_field(db, query):
    filterset = CreatorFilterSet(data=QueryDict(query), queryset=Creator.objects.all())
    form = filterset.form
    form.is_valid()
    assert (list(form.cleaned_data.items()), form.errors.get_json_data()) == django_cleaning(type(form), query)
    # Absent fields included, in the fields' order; a field in error has no cleaned value.
    assert list(form.cleaned_data) == [name for name in form.fields if name not in form.errors]


def test_an_absent_filters_value_changed_by_one_form_is_not_the_next_forms(db):
    first = CreatorFilterSet(data=QueryDict("q=x"), queryset=Creator.objects.all())
    assert first.is_valid()
    first.form.cleaned_data["platform"].append("tiktok")
    second = CreatorFilterSet(data=QueryDict("q=y"), queryset=Creator.objects.all())
    assert second.is_valid()
    assert second.form.cleaned_data["platform"] == []


def test_filters_are_copied_only_when_the_query_is_built(db):
    filterset = CreatorFilterSet(data=QueryDict("platform=tiktok"), queryset=Creator.objects.all())
    assert filterset.is_valid() and filterset.form.cleaned_data["platform"] == ["tiktok"]
    assert "filters" not in filterset.__dict__  # validating the form does not read them
    filterset.qs  # noqa: B018 - builds the filtered query
    assert filterset.filters["platform"].parent is filterset
    assert len(filterset.account_terms) == 1


def test_fields_and_filters_are_copied_as_copy_copies_them(db):
    # The copies skip the copy module: right only for plain classes (no __copy__, __reduce__,
    # __setstate__ or __slots__), which a new filter or field class could break.
    form_class = type(CreatorFilterSet(data=QueryDict(""), queryset=Creator.objects.all()).form)
    for declared in [*form_class.base_fields.values(), *CreatorFilterSet.base_filters.values()]:
        ours, theirs = _shallow_copy(declared), copy.copy(declared)
        assert ours is not declared and type(ours) is type(theirs), declared
        assert vars(ours) == vars(theirs), declared


def test_choice_filters_accept_what_djangos_choice_check_accepts(db):
    form = CreatorFilterSet(data=QueryDict(""), queryset=Creator.objects.all()).form
    choice_fields = {name: f for name, f in form.fields.items() if isinstance(f, forms.ChoiceField)}
    assert {"sort", "platform", "risk_level", "audience_age", "audience_gender"} <= set(choice_fields)
    for name, field in choice_fields.items():
        keys = [key for key, _ in field.choices]
        for value in [*keys, *(k.upper() for k in keys), *(f" {k}" for k in keys), "", "nope", "relevance"]:
            assert field.valid_value(value) == forms.ChoiceField.valid_value(field, value), (name, value)


def test_choices_set_after_the_field_was_made_are_the_ones_checked(db):
    form = CreatorFilterSet(data=QueryDict(""), queryset=Creator.objects.all()).form
    field = form.fields["sort"]
    assert field.valid_value("-followers") and not field.valid_value("shiny")
    field.choices = [("shiny", "shiny")]
    assert field.valid_value("shiny") and not field.valid_value("-followers")
