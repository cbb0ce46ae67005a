"""Brute-force protection for password sign-in (web UI and admin) and password-reset requests.

Every attempt is a `LoginAttempt` row (the audit trail) and a log line on the `vetted.security`
logger (`event=login_failed username=... ip=...`). Before a password is checked:

- an account name with LOGIN_FAILURES_PER_ACCOUNT (5) failures in the last
  LOGIN_FAILURE_WINDOW_SECONDS (15 min), since its last successful sign-in, is locked;
- an address with LOGIN_FAILURES_PER_IP (20) failures in the window is locked, whatever names
  it tries (a success does not clear it: an attacker could sign in to their own account between
  guesses).

A locked attempt is refused without checking the password (and is recorded, not counted), so
guessing stops; the lock lifts when the oldest counted failure leaves the window. Counting in the
database works across processes and hosts, and through a Redis outage. Account names are
compared case-folded.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from core.models import LoginAttempt, LoginOutcome

logger = logging.getLogger("vetted.security")

USERNAME_CHARS = 150


@dataclass(frozen=True)
class LoginLock:
    """Why sign-in is refused for now, and until when."""

    scope: str  # "account" or "address"
    until: dt.datetime

    @property
    def seconds_left(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds()) + 1)

    @property
    def minutes_left(self) -> int:
        return max(1, -(-self.seconds_left // 60))


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def username_key(username: str) -> str:
    return (username or "").strip().casefold()[:USERNAME_CHARS]


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=_setting("LOGIN_FAILURE_WINDOW_SECONDS", 900))


def _lock_from(failures: list[dt.datetime], limit: int, scope: str) -> LoginLock | None:
    """Locked when at least `limit` failures (newest first) are in the window; it lifts when the
    limit-th newest leaves it."""
    if limit <= 0 or len(failures) < limit:
        return None
    window = dt.timedelta(seconds=_setting("LOGIN_FAILURE_WINDOW_SECONDS", 900))
    return LoginLock(scope=scope, until=failures[limit - 1] + window)


def login_lock(*, username: str, ip: str | None) -> LoginLock | None:
    """The lock that refuses a sign-in as `username` from `ip` now, or None."""
    start = _window_start()
    key = username_key(username)
    if key:
        since = start
        last_success = LoginAttempt.objects.filter(
            username_key=key, outcome__in=(LoginOutcome.SUCCEEDED, LoginOutcome.RESET_DONE), at__gte=start
        ).aggregate(last=Max("at"))["last"]
        if last_success is not None:
            since = max(since, last_success)
        limit = _setting("LOGIN_FAILURES_PER_ACCOUNT", 5)
        failures = list(
            LoginAttempt.objects.filter(username_key=key, outcome=LoginOutcome.FAILED, at__gte=since)
            .order_by("-at")
            .values_list("at", flat=True)[: max(limit, 1)]
        )
        lock = _lock_from(failures, limit, "account")
        if lock is not None:
            return lock
    if ip:
        limit = _setting("LOGIN_FAILURES_PER_IP", 20)
        failures = list(
            LoginAttempt.objects.filter(ip=ip, outcome=LoginOutcome.FAILED, at__gte=start)
            .order_by("-at")
            .values_list("at", flat=True)[: max(limit, 1)]
        )
        return _lock_from(failures, limit, "address")
    return None


def login_record(
    *, username: str, ip: str | None, outcome: LoginOutcome | str, path: str = "", user_agent: str = ""
) -> LoginAttempt:
    """Record an attempt (the audit row and a log line)."""
    clean_name = (username or "").replace("\x00", "")[:USERNAME_CHARS]
    attempt = LoginAttempt.objects.create(
        username=clean_name,
        username_key=username_key(clean_name),
        ip=ip or None,
        outcome=outcome,
        path=path[:100],
        user_agent=(user_agent or "").replace("\x00", "")[:200],
    )
    level = logging.INFO if outcome in (LoginOutcome.SUCCEEDED, LoginOutcome.RESET_DONE) else logging.WARNING
    logger.log(level, "event=login_%s username=%r ip=%s path=%s", outcome, clean_name, ip or "-", path)
    if outcome == LoginOutcome.SUCCEEDED:
        _forget_old_attempts()
    return attempt


def reset_request_allowed(*, ip: str | None) -> bool:
    """Whether `ip` may ask for another password-reset email (PASSWORD_RESETS_PER_IP in the
    window): each request sends a message, so a flood of them is refused quietly."""
    if not ip:
        return True
    limit = _setting("PASSWORD_RESETS_PER_IP", 5)
    recent = LoginAttempt.objects.filter(ip=ip, outcome=LoginOutcome.RESET_REQUESTED, at__gte=_window_start())
    return recent.count() < limit


def _forget_old_attempts() -> None:
    """Drop rows older than LOGIN_AUDIT_DAYS (an indexed range delete, usually of nothing)."""
    cutoff = timezone.now() - dt.timedelta(days=_setting("LOGIN_AUDIT_DAYS", 90))
    LoginAttempt.objects.filter(at__lt=cutoff).delete()
