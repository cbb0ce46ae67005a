"""The admin of account histories: each listed with its length and newest point, its points
shown read-only on its page, never added or edited there."""

from __future__ import annotations

import datetime as dt

import pytest

from influencers.models import AccountHistory
from influencers.services.history import record_points
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 4)


@pytest.fixture
def history_account():
    account = AccountFactory(handle="glowwithmei")
    record_points(account.pk, [(DAY, 54_321, None, 7), (DAY - dt.timedelta(days=2), 50_123, 12, None)])
    return account


def test_the_list_shows_days_newest_date_and_followers(admin_client, history_account):
    response = admin_client.get("/admin/influencers/accounthistory/")
    assert response.status_code == 200
    row = response.content.decode()
    assert "glowwithmei" in row
    assert '<td class="field-days">2</td>' in row
    assert '<td class="field-newest_date nowrap">May 4, 2026</td>' in row
    assert '<td class="field-newest_followers">54321</td>' in row


def test_the_change_page_shows_the_points_newest_first_and_no_bytes_field(admin_client, history_account):
    response = admin_client.get(f"/admin/influencers/accounthistory/{history_account.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    newest = page.index("<td>2026-05-04</td><td>54321</td><td></td><td>7</td>")
    older = page.index("<td>2026-05-02</td><td>50123</td><td>12</td><td></td>")
    assert newest < older
    assert 'name="dates"' not in page and 'name="followers"' not in page


def test_a_history_cannot_be_added_or_its_points_edited(admin_client, history_account):
    assert admin_client.get("/admin/influencers/accounthistory/add/").status_code == 403
    stored = bytes(AccountHistory.objects.get(pk=history_account.pk).dates)
    admin_client.post(f"/admin/influencers/accounthistory/{history_account.pk}/change/", {"dates": b"\x00" * 8})
    assert bytes(AccountHistory.objects.get(pk=history_account.pk).dates) == stored
