"""Health of the parts the platform needs: database and Celery broker."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection


def database_health() -> dict[str, Any]:
    """Whether the database answers a trivial query, and which engine it is."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "engine": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure means "down", reported, not raised
        return {"ok": False, "engine": connection.vendor, "error": str(exc)}


def broker_health(timeout: float = 1.0) -> dict[str, Any]:
    """Whether the Celery broker accepts a connection; eager mode needs no broker."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager", "detail": "tasks run in-process (no broker configured)"}
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return {"ok": True, "mode": "broker", "transport": app.conf.broker_url.split("://", 1)[0]}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "mode": "broker", "error": str(exc)}


def platform_health() -> dict[str, Any]:
    """The health report served at /api/health/."""
    database = database_health()
    broker = broker_health()
    return {"status": "ok" if database["ok"] and broker["ok"] else "degraded", "database": database, "broker": broker}
