"""`influencers.services.changes.touch_accounts`, as vetting and metrics call it after their writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from core.caching.versions import written_in_transaction
from influencers.models import Account, Creator
from influencers.services.changes import touch_accounts
from tests.factories import AccountFactory, CreatorFactory

pytestmark = pytest.mark.django_db

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _age_everything() -> None:
    Account.objects.update(updated_at=LONG_AGO)
    Creator.objects.update(updated_at=LONG_AGO)


def test_touches_the_named_accounts_and_their_creators_only():
    shared = CreatorFactory()
    first, second = AccountFactory(creator=shared), AccountFactory(creator=shared)
    other = AccountFactory()
    alone = AccountFactory()
    _age_everything()
    before = timezone.now()
    assert touch_accounts([first.pk, other.pk, other.pk, 999_999]) == 2
    accounts = dict(Account.objects.values_list("pk", "updated_at"))
    creators = dict(Creator.objects.values_list("pk", "updated_at"))
    assert accounts[first.pk] >= before and accounts[other.pk] == accounts[first.pk]
    assert accounts[second.pk] == LONG_AGO and accounts[alone.pk] == LONG_AGO
    assert creators[shared.pk] == accounts[first.pk] and creators[other.creator_id] == accounts[first.pk]
    assert creators[alone.creator_id] == LONG_AGO


def test_no_ids_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert touch_accounts([]) == 0


@pytest.mark.django_db(transaction=True)  # the factory's writes committed before the block
def test_the_cache_write_watcher_sees_the_touch():
    # Sync and the discovery cache read updated_at: the catalogue's data version must move (after
    # the commit too), as it did when the ORM wrote these UPDATEs.
    account = AccountFactory()
    with transaction.atomic():
        assert not written_in_transaction("catalogue")
        touch_accounts([account.pk])
        assert written_in_transaction("catalogue")
