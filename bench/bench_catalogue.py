"""The synthetic catalogue the API and ranking benches share, loaded in bulk into PostgreSQL.

N creators (one account each, every tenth with a second platform), each account with
AccountMetrics (including the cached text terms and ranking inputs of a vetting report, as a
vetted catalogue has), an AudienceProfile and `posts` recent posts (a few of them sponsored or
naming a brand's excluded keyword), so brand safety and keyword search read real rows.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ["instagram", "tiktok", "youtube", "xiaohongshu", "douyin", "bilibili", "weibo"]
COUNTRIES = ["CN", "TW", "HK", "SG", "US", "GB", "JP", "KR", "MY", "TH"]
CATEGORIES = ["beauty", "travel", "food", "tech", "fashion", "fitness", "gaming", "parenting"]
BIOS = ["skincare 护肤", "travel vlog 旅行", "street food", "tech reviews"]
CAPTIONS = [
    "Morning skincare routine with natural ingredients 天然护肤",
    "Weekend trip to the mountains, sustainable travel tips",
    "Trying the new noodle place downtown 美食",
    "Unboxing the latest phone, honest review",
    "OOTD: thrifted and sustainable 穿搭",
    "Leg day at the gym, 30 minute workout",
    "Late night gaming stream highlights",
    "Our toddler's first beach day 亲子",
    "Poker night with friends, gambling tips",
    "Partnered with a new serum brand #ad",
]
SPONSORS = ["GlowLab", "Rival Cosmetics", "TravelCo", "SnackCorp"]


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` when it does not exist."""
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _term_vectors(rng: random.Random) -> list[dict[str, float]]:
    """A few dozen distinct text-term vectors (what a vetting report caches from captions and bio)."""
    from vetting.scoring.text_similarity import term_vector

    return [term_vector([" ".join(rng.sample(CAPTIONS, k=3)), rng.choice(BIOS)]) for _ in range(48)]


def _copy_writer(model: Any, provided: Sequence[str]) -> tuple[str, Callable[[Sequence[Any]], tuple[Any, ...]]]:
    """The COPY statement for `model`'s table and a function turning a row of the `provided`
    fields (attnames, in that order) into the full row: every other column takes its model
    default (Django's defaults live in Python, not in the table), timestamps now; JSON columns are
    given as JSON text."""
    import orjson

    now = dt.datetime.now(dt.UTC)
    fields = list(model._meta.concrete_fields)
    names = [f.attname for f in fields]
    unknown = set(provided) - set(names)
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    slots: list[int | None] = []
    defaults: list[Any] = []
    for f in fields:
        if f.attname in provided:
            slots.append(provided.index(f.attname))
            defaults.append(None)
            continue
        value = now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        if value is None and not f.null:
            raise ValueError(f"{model.__name__}.{f.attname} needs a value")
        slots.append(None)
        defaults.append(orjson.dumps(value).decode() if f.get_internal_type() == "JSONField" else value)

    def full(row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(defaults[i] if slot is None else row[slot] for i, slot in enumerate(slots))

    columns = ", ".join(f'"{f.column}"' for f in fields)
    return f"COPY {model._meta.db_table} ({columns}) FROM STDIN", full


def _copy(cursor: Any, model: Any, provided: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    statement, full = _copy_writer(model, provided)
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(full(row))


def _drop_secondary_indexes(tables: Sequence[str]) -> list[tuple[str, str]]:
    """Drop the indexes of `tables` that back no constraint and are not a foreign key's (the
    worst-risk triggers look accounts up by creator during the load): building them once after
    the load is cheaper than maintaining them row by row. Their definitions, to recreate."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint) AND indexdef !~ '\\(\\w+_id\\)$'",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return indexes


def _recreate_indexes(indexes: Sequence[tuple[str, str]]) -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
    print(f"  {len(indexes)} indexes built in {time.perf_counter() - started:.0f} s", flush=True)


def load_catalogue(n: int, reload: bool, *, posts: int = 5) -> None:
    """Load `n` creators with accounts, metrics, audiences and `posts` posts per account
    (idempotent unless reload), by PostgreSQL COPY with ids given here: the rows never go through
    Django models (bulk_create took 31 s per 10k creators under load, COPY a fraction of it)."""
    import orjson
    from django.core.management import call_command
    from django.db import connection, transaction

    from core.caching.versions import data_version_bump
    from influencers.models import Account, AccountMetrics, AudienceProfile, Creator, Post

    call_command("migrate", verbosity=0)
    if reload:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE influencers_creator, influencers_account, influencers_accountmetrics, "
                "influencers_audienceprofile, influencers_post RESTART IDENTITY CASCADE"
            )
    have = Creator.objects.count()
    if have >= n:
        print(f"catalogue already holds {have:,} creators, {Post.objects.count():,} posts")
        return
    if have:
        raise SystemExit(f"the bench database holds {have:,} creators (< {n:,}); run with --reload")
    rng = random.Random(42)
    terms = [orjson.dumps(t) for t in _term_vectors(rng)]
    started = time.perf_counter()
    batch = 10_000
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    dumps = orjson.dumps
    account_id = post_id = 0
    tables = [m._meta.db_table for m in (Creator, Account, AccountMetrics, AudienceProfile, Post)]
    dropped = _drop_secondary_indexes(tables)
    try:
        for offset in range(0, n, batch):
            size = min(batch, n - offset)
            creators = [
                (
                    offset + i + 1,
                    f"Creator {offset + i} 博主",
                    rng.choice(COUNTRIES),
                    dumps(rng.sample(["zh", "en", "ja", "ko"], k=rng.randint(1, 2))).decode(),
                    dumps(rng.sample(CATEGORIES, k=rng.randint(1, 2))).decode(),
                    f"c{offset + i}@example.com" if rng.random() < 0.6 else "",
                )
                for i in range(size)
            ]
            accounts = []
            for creator in creators:
                for platform in rng.sample(PLATFORMS, k=2 if rng.random() < 0.1 else 1):
                    account_id += 1
                    accounts.append((account_id, creator[0], platform, f"h{creator[0]}_{platform}", rng.choice(BIOS)))
            metrics, audiences, post_rows = [], [], []
            for account in accounts:
                followers = int(10 ** rng.uniform(3, 7))
                metrics.append(
                    (
                        account[0],
                        followers,
                        rng.uniform(0.002, 0.12),
                        "(likes+comments)/followers",
                        rng.uniform(-0.01, 0.03),
                        rng.uniform(-0.05, 0.15),
                        rng.uniform(-0.1, 0.4),
                        rng.uniform(0.2, 10),
                        rng.random() ** 2,
                        rng.uniform(0.3, 1.0),
                        rng.choice(["low", "low", "medium", "high"]),
                        today - dt.timedelta(days=rng.randint(0, 120)),
                        (
                            b'{"text": {"terms": %b}, "rank": %b}'
                            % (
                                rng.choice(terms),
                                dumps({"engagement_quality": round(rng.random(), 3)} if rng.random() < 0.5 else {}),
                            )
                        ).decode(),
                    )
                )
                home = rng.choice(COUNTRIES)
                other = rng.choice([c for c in COUNTRIES if c != home])
                share = round(rng.uniform(0.3, 0.9), 2)
                young = round(rng.uniform(0.2, 0.7), 2)
                female = round(rng.uniform(0.2, 0.9), 2)
                audiences.append(
                    (
                        account[0],
                        account[0],
                        "bench",
                        today,
                        dumps({home: share, other: round(1 - share, 2)}).decode(),
                        dumps({"18-24": young, "25-34": round(1 - young, 2)}).decode(),
                        dumps({"female": female, "male": round(1 - female, 2)}).decode(),
                        '{"zh": 0.7, "en": 0.3}',
                        dumps({rng.choice(CATEGORIES): 1.0}).decode(),
                    )
                )
                for p in range(posts):
                    caption = rng.choice(CAPTIONS)
                    sponsored = rng.random() < 0.08
                    post_id += 1
                    post_rows.append(
                        (
                            post_id,
                            account[0],
                            f"{account[0]}-{p}",
                            now - dt.timedelta(days=rng.uniform(0, 365)),
                            caption,
                            dumps([w.strip("#") for w in caption.split() if w.startswith("#")]).decode(),
                            int(followers * rng.uniform(0.005, 0.08)),
                            int(followers * rng.uniform(0.0005, 0.004)),
                            sponsored,
                            rng.choice(SPONSORS) if sponsored else "",
                        )
                    )
            with transaction.atomic(), connection.cursor() as wrapper:
                cursor = wrapper.cursor  # psycopg's own cursor: COPY
                _copy(cursor, Creator, CREATOR_COPY, creators)
                _copy(cursor, Account, ACCOUNT_COPY, accounts)
                _copy(cursor, AccountMetrics, METRICS_COPY, metrics)
                _copy(cursor, AudienceProfile, AUDIENCE_COPY, audiences)
                _copy(cursor, Post, POST_COPY, post_rows)
            print(f"  loaded {offset + size:,}/{n:,} creators ({time.perf_counter() - started:.0f} s)", flush=True)
    finally:
        _recreate_indexes(dropped)
    with connection.cursor() as cursor:
        for model in (Creator, Account, AudienceProfile, Post):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # VACUUM too: index-only scans (the sponsored-posts index) need the visibility map that
        # autovacuum would set some time later.
        cursor.execute("VACUUM ANALYZE")
    data_version_bump()  # COPY on psycopg's cursor bypasses the write watch
    print(f"loaded {n:,} creators in {time.perf_counter() - started:.0f} s", flush=True)


# The fields each COPY gives, in the order of the tuples above.
CREATOR_COPY = ("id", "display_name", "country", "languages", "categories", "contact_email")
ACCOUNT_COPY = ("id", "creator_id", "platform", "handle", "bio")
METRICS_COPY = (
    "account_id",
    "followers",
    "engagement_rate",
    "er_formula",
    "growth_7d",
    "growth_30d",
    "growth_90d",
    "posts_per_week",
    "fake_risk",
    "risk_confidence",
    "risk_level",
    "data_as_of",
    "vetting",
)
AUDIENCE_COPY = ("id", "account_id", "source", "as_of", "countries", "age", "gender", "languages", "interests")
POST_COPY = (
    "id",
    "account_id",
    "platform_post_id",
    "posted_at",
    "caption",
    "hashtags",
    "likes",
    "comments",
    "is_sponsored",
    "sponsor",
)
