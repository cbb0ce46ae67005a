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
from pathlib import Path

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


def load_catalogue(n: int, reload: bool, *, posts: int = 5) -> None:
    """Bulk-load `n` creators with accounts, metrics, audiences and `posts` posts per account
    (idempotent unless reload)."""
    from django.core.management import call_command
    from django.db import connection, transaction

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
    terms = _term_vectors(rng)
    started = time.perf_counter()
    batch = 10_000
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    for offset in range(0, n, batch):
        size = min(batch, n - offset)
        with transaction.atomic():
            creators = Creator.objects.bulk_create(
                [
                    Creator(
                        display_name=f"Creator {offset + i} 博主",
                        country=rng.choice(COUNTRIES),
                        languages=rng.sample(["zh", "en", "ja", "ko"], k=rng.randint(1, 2)),
                        categories=rng.sample(CATEGORIES, k=rng.randint(1, 2)),
                        contact_email=f"c{offset + i}@example.com" if rng.random() < 0.6 else "",
                    )
                    for i in range(size)
                ],
                batch_size=2000,
            )
            accounts = []
            for creator in creators:
                for platform in rng.sample(PLATFORMS, k=2 if rng.random() < 0.1 else 1):
                    accounts.append(
                        Account(
                            creator=creator,
                            platform=platform,
                            handle=f"h{creator.pk}_{platform}",
                            bio=rng.choice(BIOS),
                        )
                    )
            accounts = Account.objects.bulk_create(accounts, batch_size=2000)
            metrics, audiences, post_rows = [], [], []
            for account in accounts:
                followers = int(10 ** rng.uniform(3, 7))
                metrics.append(
                    AccountMetrics(
                        account=account,
                        followers=followers,
                        engagement_rate=rng.uniform(0.002, 0.12),
                        er_formula="(likes+comments)/followers",
                        growth_7d=rng.uniform(-0.01, 0.03),
                        growth_30d=rng.uniform(-0.05, 0.15),
                        growth_90d=rng.uniform(-0.1, 0.4),
                        posts_per_week=rng.uniform(0.2, 10),
                        fake_risk=rng.random() ** 2,
                        risk_confidence=rng.uniform(0.3, 1.0),
                        risk_level=rng.choice(["low", "low", "medium", "high"]),
                        data_as_of=today - dt.timedelta(days=rng.randint(0, 120)),
                        vetting={
                            "text": {"terms": rng.choice(terms)},
                            "rank": {"engagement_quality": round(rng.random(), 3)} if rng.random() < 0.5 else {},
                        },
                    )
                )
                home = rng.choice(COUNTRIES)
                other = rng.choice([c for c in COUNTRIES if c != home])
                share = round(rng.uniform(0.3, 0.9), 2)
                young = round(rng.uniform(0.2, 0.7), 2)
                female = round(rng.uniform(0.2, 0.9), 2)
                audiences.append(
                    AudienceProfile(
                        account=account,
                        source="bench",
                        as_of=today,
                        countries={home: share, other: round(1 - share, 2)},
                        age={"18-24": young, "25-34": round(1 - young, 2)},
                        gender={"female": female, "male": round(1 - female, 2)},
                        languages={"zh": 0.7, "en": 0.3},
                        interests={rng.choice(CATEGORIES): 1.0},
                    )
                )
                for p in range(posts):
                    caption = rng.choice(CAPTIONS)
                    sponsored = rng.random() < 0.08
                    post_rows.append(
                        Post(
                            account=account,
                            platform_post_id=f"{account.pk}-{p}",
                            posted_at=now - dt.timedelta(days=rng.uniform(0, 365)),
                            caption=caption,
                            hashtags=[w.strip("#") for w in caption.split() if w.startswith("#")],
                            likes=int(followers * rng.uniform(0.005, 0.08)),
                            comments=int(followers * rng.uniform(0.0005, 0.004)),
                            is_sponsored=sponsored,
                            sponsor=rng.choice(SPONSORS) if sponsored else "",
                        )
                    )
            AccountMetrics.objects.bulk_create(metrics, batch_size=2000)
            AudienceProfile.objects.bulk_create(audiences, batch_size=2000)
            Post.objects.bulk_create(post_rows, batch_size=5000)
        print(f"  loaded {offset + size:,}/{n:,} creators ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
