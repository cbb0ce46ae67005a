"""Django's SQLite backend with one change: a transaction waits for the write lock in short
steps.

Why: transactions begin IMMEDIATE (config.settings.base), taking the database's write lock at
their start, and while another connection holds it SQLite's default busy handler sleeps 1, 2, 5,
10, 15, 20, 25, 25, 25, 50, 50, then 100 ms between tries, so a waiter wakes up to 100 ms after
the lock is free. The split import follow-up's two workers wait for each other's writes 25-30
times per 5,000 accounts, and their waits fell on those steps (`bench/import_followup_check.py
--lock-waits`). Here the BEGIN is tried with the busy timeout off and retried every
`LOCK_RETRY_SECONDS` until the connection's own timeout has passed; statements outside a
transaction keep SQLite's handler.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

LOCK_RETRY_SECONDS = 0.001


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self) -> None:
        # (django-stubs know neither this method nor the transaction mode of Django 5.1.)
        if getattr(self, "transaction_mode", None) != "IMMEDIATE":
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
            return
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        raw: Any = self.connection
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    # Through the cursor, as Django's own BEGIN: logged, its errors wrapped.
                    self.cursor().execute("BEGIN IMMEDIATE")
                    return
                except OperationalError as exc:
                    if not _locked(exc) or time.monotonic() >= deadline:
                        raise
                time.sleep(LOCK_RETRY_SECONDS)
        finally:
            raw.execute(f"PRAGMA busy_timeout = {round(timeout * 1000)}")


def _locked(error: OperationalError) -> bool:
    """Whether `error` is SQLite's "another connection holds the lock" (SQLITE_BUSY)."""
    cause = error.__cause__
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == sqlite3.SQLITE_BUSY)
    return "database is locked" in str(error)
