"""How old an account's data is, and when it counts as stale (pure, plus the setting).

Every metric is measured back from the account's own newest data (`data_as_of`: the newer of
its newest post's and newest snapshot's dates), so a catalogue collected years ago still has
figures. Those figures describe the account as it was then; the product says so:

    stale ⇔ data_as_of is unknown, or older than `METRICS_STALE_AFTER_DAYS` (default 90) days.

Why 90 days: it is the engagement and cadence window. Once the newest data is older than one
window, not one post or snapshot behind the figures falls in the last quarter, so none of them
describes the account now; follower counts and engagement of active creators move by tens of
percent a quarter, and audience data of the trade is refreshed at least that often. An account
without any dated data has no figures to trust and counts as stale.
"""

from __future__ import annotations

import datetime as dt

DEFAULT_STALE_AFTER_DAYS = 90


def stale_after_days() -> int:
    """The configured staleness threshold in days (`settings.METRICS_STALE_AFTER_DAYS`)."""
    from django.conf import settings

    return int(getattr(settings, "METRICS_STALE_AFTER_DAYS", DEFAULT_STALE_AFTER_DAYS))


def stale_cutoff(today: dt.date, max_age_days: int) -> dt.date:
    """The oldest `data_as_of` that is still fresh on `today`."""
    return today - dt.timedelta(days=max_age_days)


def data_age_days(data_as_of: dt.date | None, today: dt.date) -> int | None:
    """Days from `data_as_of` to `today` (None when unknown)."""
    return None if data_as_of is None else (today - data_as_of).days


def is_stale(data_as_of: dt.date | None, today: dt.date, max_age_days: int) -> bool:
    """Whether data dated `data_as_of` is stale on `today` (older than `max_age_days`, or undated)."""
    return data_as_of is None or data_as_of < stale_cutoff(today, max_age_days)
