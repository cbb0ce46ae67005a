"""The per-process memo of brands (vetting/selectors/brands.py `brand_get`): a brand asked for
again at the same "brands" version costs no query, and it is never stale nor leaks across
organisations: an edited, moved or deleted brand, a mood-board change, any brands version bump,
another organisation's request (a 404, memoised or not), a caller changing its instance, and a
transaction that wrote brands and rolled back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import transaction

from core.caching.versions import data_version_bump
from core.errors import NotFound
from tests.factories import BrandFactory, MoodBoardImageFactory, OrganizationFactory
from vetting.models import Brand
from vetting.selectors.brands import brand_get, forget_brands

# Rows the tests create must be committed: the memo never serves what a transaction that wrote
# brands has not committed (see test_a_rolled_back_edit_is_never_served).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def memo_on(settings) -> Iterator[None]:
    settings.DATA_MEMO = True  # as with a shared cache (CACHE_URL)
    cache.clear()
    forget_brands()
    yield
    forget_brands()
    cache.clear()


def test_a_brand_asked_again_costs_no_query(django_assert_num_queries):
    brand = BrandFactory(name="Glow", values=["natural"])
    with django_assert_num_queries(1):
        first = brand_get(organization=brand.organization, brand_id=brand.pk)
    with django_assert_num_queries(0):
        again = brand_get(organization=brand.organization, brand_id=str(brand.pk))
    for got in (first, again):
        assert (got.pk, got.name, got.values) == (brand.pk, "Glow", ["natural"])
        assert got.organization_id == brand.organization_id
        assert got.mood_board_count == 0
        assert not got._state.adding


def test_another_organisations_brand_stays_a_404():
    brand = BrandFactory()
    other = OrganizationFactory()
    brand_get(organization=brand.organization, brand_id=brand.pk)  # memoised for its own organisation
    for _ in range(2):
        with pytest.raises(NotFound):
            brand_get(organization=other, brand_id=brand.pk)


def test_an_edited_brand_is_read_again():
    brand = BrandFactory(name="Before", target_audience={})
    brand_get(organization=brand.organization, brand_id=brand.pk)
    brand.name, brand.target_audience = "After", {"countries": {"values": {"TW": 1.0}}}
    brand.save()
    got = brand_get(organization=brand.organization, brand_id=brand.pk)
    assert (got.name, got.target_audience) == ("After", {"countries": {"values": {"TW": 1.0}}})
    Brand.objects.filter(pk=brand.pk).update(excluded_keywords=["gambling"])
    assert brand_get(organization=brand.organization, brand_id=brand.pk).excluded_keywords == ["gambling"]


def test_a_mood_board_change_is_counted():
    brand = BrandFactory()
    assert brand_get(organization=brand.organization, brand_id=brand.pk).mood_board_count == 0
    image = MoodBoardImageFactory(brand=brand)
    assert brand_get(organization=brand.organization, brand_id=brand.pk).mood_board_count == 1
    image.delete()
    assert brand_get(organization=brand.organization, brand_id=brand.pk).mood_board_count == 0


def test_a_moved_or_deleted_brand_is_a_404():
    brand = BrandFactory()
    home, elsewhere = brand.organization, OrganizationFactory()
    brand_get(organization=home, brand_id=brand.pk)
    Brand.objects.filter(pk=brand.pk).update(organization=elsewhere)
    with pytest.raises(NotFound):
        brand_get(organization=home, brand_id=brand.pk)
    assert brand_get(organization=elsewhere, brand_id=brand.pk).organization_id == elsewhere.pk
    Brand.objects.filter(pk=brand.pk).delete()
    with pytest.raises(NotFound):
        brand_get(organization=elsewhere, brand_id=brand.pk)


def test_a_version_bump_reads_the_brand_again(django_assert_num_queries):
    brand = BrandFactory()
    brand_get(organization=brand.organization, brand_id=brand.pk)
    data_version_bump("brands")
    with django_assert_num_queries(1):
        brand_get(organization=brand.organization, brand_id=brand.pk)


def test_a_caller_changing_its_brand_changes_no_other_callers():
    brand = BrandFactory(values=["natural"], target_audience={"age": {"values": {"18-24": 1.0}}})
    mine = brand_get(organization=brand.organization, brand_id=brand.pk)
    mine.values.append("cheap")
    mine.target_audience["age"]["values"]["65+"] = 1.0
    mine.name = "Scribbled"
    theirs = brand_get(organization=brand.organization, brand_id=brand.pk)
    assert (theirs.values, theirs.target_audience, theirs.name) == (
        ["natural"],
        {"age": {"values": {"18-24": 1.0}}},
        brand.name,
    )


class Rollback(Exception):
    pass


def test_a_rolled_back_edit_is_never_served():
    brand = BrandFactory(name="Committed")
    brand_get(organization=brand.organization, brand_id=brand.pk)
    with pytest.raises(Rollback), transaction.atomic():
        Brand.objects.filter(pk=brand.pk).update(name="Draft")
        # The transaction reads its own write...
        assert brand_get(organization=brand.organization, brand_id=brand.pk).name == "Draft"
        raise Rollback
    # ...which no one reads after the rollback (no commit bumped the version again).
    assert brand_get(organization=brand.organization, brand_id=brand.pk).name == "Committed"


def test_without_the_memo_every_call_reads_the_database(settings, django_assert_num_queries):
    settings.DATA_MEMO = False
    brand = BrandFactory()
    for _ in range(2):
        with django_assert_num_queries(1):
            brand_get(organization=brand.organization, brand_id=brand.pk)


def test_a_malformed_id_is_a_404():
    brand = BrandFactory()
    for wrong in ("abc", "0", "-3", str(2**70), None):
        with pytest.raises(NotFound):
            brand_get(organization=brand.organization, brand_id=wrong)
