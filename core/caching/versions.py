"""Response caching that is never stale: a *data version* that changes whenever catalogue,
metrics, vetting, audience, brand or vision data change, and a get-or-compute helper keyed on it.

Why a version and not invalidation by key: a discovery page depends on thousands of rows, so no
write can know which cached pages it affects. Instead every cached value carries the data
version it was computed at; a write replaces the version with a fresh random token, and no entry
computed before it is accepted again.

Entries are stored under a key without the version, stamped with the version they were computed
at; a request reads the version and the entry in one round trip and accepts only an entry of
the current version (a new version simply overwrites old entries).

There is one version per data scope (`SCOPES`): "catalogue" (creators, accounts, posts,
metrics, audiences, ...), "brands" (brands and mood boards) and "vision" (embeddings, aesthetic
profiles). Discovery depends on the catalogue only, so a brand edit or a running embedding job
keeps it cached; matching depends on all three. A fourth, "access" (tokens, users, memberships,
organisations), keys no response: it keys the API's per-process memo of who a token is and what
organisation a request acts for (core/caching/access.py).

How writes are noticed: every Django database connection gets an execute wrapper that looks at
each statement's first words. An INSERT/UPDATE/DELETE/TRUNCATE/COPY on a table that feeds
discovery or matching (the tables each app declares with `watch_writes` in its AppConfig.ready:
the catalogue's and vision's, brands and mood boards, and for "access" tokens, users,
memberships and organisations; never jobs, shortlists, notes or alerts) bumps the version right after the
statement and once more when its transaction commits. So bulk_create/update()/raw SQL through
Django in any process (web, Celery worker, management command) are all seen, and no read inside
the write's transaction can cache the old data under the new version. Statements run on a raw
DB-API connection bypass Django and are not seen: call `data_version_bump()` after them (the
import service's background writer is one; its transaction also runs refresh_metrics, which is
seen). Writes made outside the application (psql) are bounded by the TTL.

The version lives in the default cache, so it is shared by all processes only when the cache is
(Redis via CACHE_URL). Response caching is therefore on by default only with CACHE_URL; with the
per-process locmem cache a write in another process (a CLI import) could not reach this one.
Setting `API_RESPONSE_CACHE_SECONDS` forces it either way (0 turns it off).

If the cache cannot be reached the version reads None and callers compute without caching.

Within one HTTP request the versions are read from the cache once (every scope in one round
trip, on the first read) and shared by every caller of the request: the access memo, the
response cache, the discovery columns, the feature snapshot and the per-process memos each
asked again, several round trips per request (~5 % of a matching request's CPU). Serving the
request the versions read at its first read is as safe as reading them anew: a version only
labels data read *after* it, so an older one at worst makes an entry no later request accepts.
A bump in the request (a write through Django, `data_version_bump`) forgets the request's
version of its scope, so the request's later reads see the new one. Outside a request (Celery
tasks, management commands, threads a request starts) every read goes to the cache, as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

VERSION_KEY = "vetted:data-version"
LOCK_SUFFIX = ":computing"

# Data scopes, each with its own version: a brand edit must not empty every organisation's
# discovery cache, nor an embedding job (vision tables, written continuously while it runs).
# Discovery depends on "catalogue"; matching on "catalogue", "brands" and "vision". "access"
# (tokens, users, memberships, organisations) keys the API's memo of who a request is
# (core/caching/access.py), so a revoked token or membership is refused on the very next request.
SCOPES = ("catalogue", "brands", "vision", "access")

# What each app declared in its AppConfig.ready (`watch_writes`): a model label ("vetting.brand")
# or a whole app ("influencers") → the scope its writes change. Tables nobody declared (jobs,
# shortlists, alerts, ...) never throw a cached answer away: jobs write progress every few
# seconds during an import.
_declared: dict[str, str] = {}


def watch_writes(scope: str, *labels: str) -> None:
    """Declare that writes to these models ("app_label.model") or to every model of these apps
    ("app_label") change `scope`'s data version. Called from AppConfig.ready."""
    global _watched_tables
    if scope not in SCOPES:
        raise ValueError(f"unknown data scope {scope!r} (choose from {', '.join(SCOPES)})")
    for label in labels:
        _declared[label.lower()] = scope
    _watched_tables = None


_WRITE_START = ("INSERT", "UPDATE", "DELETE", "TRUNCA", "COPY", "REPLAC", "WITH", "MERGE")
_TABLE = re.compile(
    r"""^\s*(?:WITH\b.*?\)\s*)?(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|
    DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY|MERGE\s+INTO)\s+(?:ONLY\s+)?
    (?P<tables>{name}(?:\s*,\s*{name})*)""".format(name=r'(?:"[^"]+"|\w+)(?:\.(?:"[^"]+"|\w+))?'),
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)

T = TypeVar("T")


def response_cache_seconds() -> int:
    """How long a cached API response lives (0: response caching is off)."""
    configured = getattr(settings, "API_RESPONSE_CACHE_SECONDS", None)
    if configured is not None:
        return max(0, int(configured))
    return 300 if getattr(settings, "CACHE_URL", "") else 0


def data_memo_enabled() -> bool:
    """Whether per-process memos of values computed from the data (`core.caching.memo`) are on:
    only where the data versions they are labelled with are shared by every process (a write in
    a Celery worker must reach the web processes). Setting `DATA_MEMO` forces it either way; by
    default it is on with CACHE_URL, or where response caching is on (which needs the same).
    Unlike response caching it holds no answer to a query: values that queries of other
    filters, weights and pages reuse (a brand's candidate features, the catalogue IDF)."""
    configured = getattr(settings, "DATA_MEMO", None)
    if configured is not None:
        return bool(configured)
    return bool(getattr(settings, "CACHE_URL", "")) or bool(response_cache_seconds())


def version_key(scope: str) -> str:
    """The cache key holding the current version of `scope`."""
    if scope not in SCOPES:
        raise ValueError(f"unknown data scope {scope!r} (choose from {', '.join(SCOPES)})")
    return f"{VERSION_KEY}:{scope}"


def data_version(scope: str = "catalogue") -> str | None:
    """The current version of `scope`, created on first use; None when the cache is unreachable.
    Within a request, the version the request read first (see the module's docstring)."""
    memo = _request_memo()
    if memo is None:
        return _read_version(scope)
    version = memo.get(scope)
    if version is None:
        version_key(scope)  # an unknown scope is an error here too
        _read_into(memo)
        version = memo.get(scope)
    return version


def _read_version(scope: str) -> str | None:
    key = version_key(scope)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return version


def _read_into(memo: dict[str, str]) -> None:
    """Every scope's version into the request's memo, in one round trip (a scope whose key is
    missing is created as `data_version` does; one the cache cannot give is left out)."""
    found = cache.get_many([version_key(scope) for scope in SCOPES])
    for scope in SCOPES:
        version = found.get(version_key(scope)) or _read_version(scope)
        if version is not None:
            memo[scope] = version


def data_version_bump(scope: str | None = None) -> None:
    """Make every cached response that depends on `scope` (every scope when None) unreachable.
    A fresh random token, never a counter: if the key is evicted or Redis restarts, an old
    version can never come back."""
    memo = _request_memo()
    for name in SCOPES if scope is None else (scope,):
        cache.set(version_key(name), uuid.uuid4().hex, timeout=None)
        if memo is not None:
            # Read again by the request's next reader: it must see the version of its own write.
            memo.pop(name, None)


# --- one read of the versions per request ---------------------------------------------------

# The versions the current thread's request read (scope → version); None outside a request.
# A WSGI request runs in one thread from request_started to request_finished.
_request = threading.local()


def _request_memo() -> dict[str, str] | None:
    return getattr(_request, "versions", None)


def _on_request_started(**kwargs: Any) -> None:
    _request.versions = {}


def _on_request_finished(**kwargs: Any) -> None:
    _request.versions = None


def install_request_memo() -> None:
    """Share one read of the versions among the callers of each request (AppConfig.ready)."""
    request_started.connect(_on_request_started, dispatch_uid="vetted-request-versions-start")
    request_finished.connect(_on_request_finished, dispatch_uid="vetted-request-versions-end")


def cache_key(kind: str, *, organization_id: int, parts: Iterable[Any]) -> str:
    """`vetted:<kind>:org<organization_id>:<digest of parts>`; the organisation is part of every
    key, so one organisation's entry can never answer another's request."""
    digest = hashlib.sha256(json.dumps(list(parts), sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"vetted:{kind}:org{int(organization_id)}:{digest}"


def current_versions(scopes: Sequence[str], *, also: str | None = None) -> tuple[tuple[str, ...] | None, dict]:
    """The current versions of `scopes` (None when the cache cannot be reached) and what the
    same round trip found under the key `also` ({also: value} when present)."""
    keys = [version_key(scope) for scope in scopes]
    if _request_memo() is not None:  # the request's versions; the cache only for `also`
        found = cache.get_many([also]) if also else {}
        versions = [data_version(scope) for scope in scopes]
    else:
        found = cache.get_many([*keys, also] if also else keys)
        versions = [found.get(k) or data_version(scope) for k, scope in zip(keys, scopes, strict=True)]
    present = tuple(version for version in versions if version is not None)
    return (present if len(present) == len(versions) else None), found


def get_or_compute(
    kind: str,
    *,
    organization_id: int,
    parts: Iterable[Any],
    compute: Callable[[], T],
    scopes: Sequence[str] = ("catalogue",),
    wait_seconds: float = 30.0,
) -> T:
    """`compute()`'s value for (kind, organisation, parts) at the current versions of the data
    `scopes` it depends on, from the cache when there.

    An entry is stored with the versions it was computed at, and the versions and the entry are
    read together (one cache round trip): an entry of other versions is a miss. The versions are
    read *before* computing, so a write during the computation leaves an entry no one accepts.
    One caller computes a missing value while concurrent callers for the same key wait for it
    (up to `wait_seconds`, then compute themselves): a cold ranking costs the machine once, not
    once per waiting client. Errors raised by `compute` are not cached."""
    seconds = response_cache_seconds()
    if not seconds or written_in_transaction(*scopes):
        return compute()
    key = cache_key(kind, organization_id=organization_id, parts=parts)
    versions, found = current_versions(scopes, also=key)
    if versions is None:  # the cache cannot be reached
        return compute()
    entry = found.get(key)
    if entry is not None and entry[0] == versions:
        return entry[1]
    lock = f"{key}:{':'.join(versions)}{LOCK_SUFFIX}"
    if not cache.add(lock, 1, timeout=max(int(wait_seconds * 2), 10)):
        deadline = time.monotonic() + wait_seconds
        delay = 0.01
        while time.monotonic() < deadline:
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
            entry = cache.get(key)
            if entry is not None and entry[0] == versions:
                return entry[1]
            if cache.get(lock) is None:  # the computing caller failed or finished without storing
                break
    try:
        value = compute()
        cache.set(key, (versions, value), timeout=seconds)
        return value
    finally:
        cache.delete(lock)


# --- noticing writes ------------------------------------------------------------------------

_watched_tables: dict[str, str] | None = None
_tables_lock = threading.Lock()


def watched_tables() -> dict[str, str]:
    """Database tables whose writes change a data version, with the scope each one changes."""
    global _watched_tables
    if _watched_tables is None:
        from django.apps import apps

        with _tables_lock:
            tables = {}
            for label, scope in _declared.items():
                if "." in label:
                    models = [apps.get_model(label)]
                else:
                    models = list(apps.get_app_config(label).get_models(include_auto_created=True))
                for model in models:
                    tables[model._meta.db_table.lower()] = scope
            _watched_tables = tables
    return _watched_tables


def written_tables(sql: str) -> list[str]:
    """The tables a write statement changes ([] for reads and statements it cannot parse)."""
    head = sql.lstrip()[:6].upper()
    if not head.startswith(_WRITE_START):
        return []
    match = _TABLE.match(sql[:2000])
    if not match:
        return []
    return [name.strip().rsplit(".", 1)[-1].strip('"').lower() for name in match["tables"].split(",")]


def _after_commit_bumper(scope: str) -> Callable[[], None]:
    def bump() -> None:
        data_version_bump(scope)

    bump.__name__ = f"bump_{scope}_after_commit"
    return bump


# One function per scope, so a transaction's pending bump can be recognised (and not repeated).
AFTER_COMMIT = {scope: _after_commit_bumper(scope) for scope in SCOPES}


def _watch_writes(execute, sql, params, many, context):  # noqa: ANN001, ANN202
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and sql.lstrip()[:6].upper().startswith(_WRITE_START):
        tables = watched_tables()
        scopes = {tables[name] for name in written_tables(sql) if name in tables}
        for scope in scopes:
            _on_relevant_write(context["connection"], scope)
    return result


def _on_relevant_write(connection: Any, scope: str) -> None:
    try:
        data_version_bump(scope)
        bumper = AFTER_COMMIT[scope]
        if connection.in_atomic_block and not any(entry[1] is bumper for entry in connection.run_on_commit):
            # Readers cannot see the new rows before the commit: bump again once they can.
            connection.on_commit(bumper)
    except Exception:
        logger.warning("could not bump the data version", exc_info=True)


def written_in_transaction(*scopes: str, using: str = "default") -> bool:
    """Whether this thread's transaction on `using` wrote tables of any of `scopes` and has not
    committed yet. Its reads see rows no other connection sees, under a version the rollback of
    the transaction would leave current: no memo or cached answer may keep or serve them."""
    from django.db import connections

    connection = connections[using]
    if not connection.in_atomic_block:
        return False
    bumpers = {AFTER_COMMIT[scope] for scope in scopes}
    return any(entry[1] in bumpers for entry in connection.run_on_commit)


def _install_on(connection: Any) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def _connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    _install_on(connection)


def install_write_watch() -> None:
    """Watch writes on every Django database connection, current and future (AppConfig.ready)."""
    from django.db import connections

    connection_created.connect(_connection_created, dispatch_uid="vetted-data-version")
    for connection in connections.all(initialized_only=True):
        _install_on(connection)
