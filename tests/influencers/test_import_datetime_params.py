"""The importer's own datetime parameters (influencers.services.imports.sql) are what Django would
send for the same moments: on SQLite the moment in the connection's zone as naive text."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from influencers.models import Post
from influencers.services.imports.sql import BulkTable

pytestmark = pytest.mark.django_db

MOMENTS = [
    dt.datetime(2026, 1, 3, 10, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 1, 3, 10, 0, 0, 120, tzinfo=dt.UTC),
    dt.datetime(2026, 1, 3, 1, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    dt.datetime(2024, 3, 31, 2, 30, 59, 999999, tzinfo=ZoneInfo("Europe/Berlin")),
    dt.datetime(999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(minutes=-30))),
    dt.datetime(2026, 1, 3, 10, 0),
    None,
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_datetime_parameters_are_djangos(moment):
    adapted = BulkTable(Post, ["posted_at"]).adapt("posted_at", moment)
    expected = None if moment is None else connection.ops.adapt_datetimefield_value(moment)
    assert adapted == expected
