"""api.serializers.shared_fields: a query serializer's fields are made once per class, and
validations through them stay apart (values and errors belong to each serializer instance)."""

from __future__ import annotations

from django.http import QueryDict

from api.views.brands import MatchesQuerySerializer


def test_the_matching_query_fields_are_made_once_per_class():
    first, second = MatchesQuerySerializer(data={}), MatchesQuerySerializer(data={})
    assert first.fields is second.fields
    assert first.fields["platform"].child is second.fields["platform"].child


def test_validations_through_shared_fields_keep_their_own_values_and_errors():
    bad = MatchesQuerySerializer(data=QueryDict("limit=1000&platform=myspace&country=C1"))
    good = MatchesQuerySerializer(data=QueryDict("limit=10&platform=tiktok&platform=instagram&country=cn"))
    assert not bad.is_valid()
    assert good.is_valid(), good.errors
    assert set(bad.errors) == {"limit", "platform", "country"}
    assert good.validated_data == {
        "limit": 10,
        "offset": 0,
        "platform": ["tiktok", "instagram"],
        "country": ["cn"],
        "include_unvetted": False,
    }
    again = MatchesQuerySerializer(data=QueryDict(""))
    assert again.is_valid() and again.validated_data == {"limit": 50, "offset": 0, "include_unvetted": False}
    assert set(bad.errors) == {"limit", "platform", "country"}  # unchanged by the later validations
