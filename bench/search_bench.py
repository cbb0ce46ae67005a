"""Benchmark of keyword search (discovery's `q=`) at 100k creators.

    python bench/search_bench.py                         # 100,000 creators, throwaway SQLite
    python bench/search_bench.py --database-url postgres://postgres@127.0.0.1:5432/vetted_search_bench
    python bench/search_bench.py --creators 20000 --repeats 9
    python bench/search_bench.py --sqlite-path /tmp/search-bench.sqlite3   # SQLite file kept between runs

Loads N creators (one account each, every tenth with a second platform) with metrics and
--posts posts per account whose captions and bios are drawn from English and Chinese word pools
(Zipf-like: a few common words, many rare ones), writes their search text (`index_all`, timed:
the follow-up's cost per account), then times what the API does for `GET /api/creators/?q=...`:
the capped head of the discovery query (COUNT_CAP + 1 rows, relevance order) and the first page's
rows. Each query runs --repeats times; p50, p95 and max are printed with the number of accounts the
keyword matches and of creators listed (capped at COUNT_CAP + 1). Captions draw from 20,000
English and 2,000 Chinese words with Zipf frequencies, so the commonest word is in about half the
accounts (the worst case) and most words in a few percent. PostgreSQL: the database is created
if needed and loaded once (kept; --reload starts over).

Target: ≤ 100 ms per search at 100k creators (issue 20).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ["instagram", "tiktok", "youtube", "xiaohongshu", "douyin", "bilibili", "weibo"]
CATEGORIES = ["beauty", "travel", "food", "tech", "fashion", "fitness", "gaming", "parenting", "skincare", "pets"]
REAL_EN = (
    "vlog review unboxing recipe travel street food coffee skincare routine makeup tutorial outfit "
    "workout hiking camping night market family gadget camera music art fashion haul serum matcha"
).split()
REAL_ZH = "日常 分享 探店 美食 夜市 护肤 彩妆 穿搭 旅行 露营 徒步 健身 咖啡 奶茶 火锅 宠物 猫咪 数码 开箱 测评".split()
SYLLABLES = "ka lo mi ra te su no vi pe da zu ri on el an ba co fi gu he".split()
HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "小雨晓明佳怡子涵梓萱浩然雨桐欣怡思远一诺"


def vocabulary(real: list[str], make: Callable[[int], str], size: int) -> list[str]:
    """`real` words first (the common ones), then made-up ones up to `size` (the long tail)."""
    words = list(real)
    seen = set(words)
    index = 0
    while len(words) < size:
        word = make(index)
        index += 1
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


EN = vocabulary(REAL_EN, lambda i: "".join(SYLLABLES[(i // 20**k) % 20] for k in range(3)) + str(i % 7), 20_000)
ZH = vocabulary(REAL_ZH, lambda i: HANZI[i % len(HANZI)] + HANZI[(i // len(HANZI) + 7 * i) % len(HANZI)], 2_000)
# Zipf: the word of rank r is drawn with weight 1 / (r + 10), as in natural text.
EN_WEIGHTS = list(itertools.accumulate(1 / (r + 10) for r in range(len(EN))))
ZH_WEIGHTS = list(itertools.accumulate(1 / (r + 10) for r in range(len(ZH))))
QUERIES = [
    EN[0],  # the commonest word (in about half of the accounts): the worst case
    EN[20],  # a common word
    EN[500],  # a rarer word
    f"{EN[3]} {EN[30]}",  # two words
    "h12345",  # partial handle, one match
    "nomatchword",  # nothing
    ZH[0],  # the commonest two-character Chinese word (bigram index)
    ZH[40],
    "林小雨",  # three Chinese characters (trigram index)
    "美妆",  # a category by its Chinese label
    "美妆博主",  # a category named inside a phrase
    "林",  # one character: the scan path
]


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_pg_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def words(rng: random.Random, pool: list[str], k: int) -> list[str]:
    return rng.choices(pool, cum_weights=EN_WEIGHTS if pool is EN else ZH_WEIGHTS, k=k)


def load(n: int, posts_per_account: int, reload: bool) -> bool:
    """Load the catalogue unless it is there; True when it was loaded now."""
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from influencers.models import Account, AccountMetrics, AccountSearchText, Creator, Post

    call_command("migrate", verbosity=0)
    if reload and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE influencers_creator RESTART IDENTITY CASCADE")
    have = Creator.objects.count()
    if have >= n and AccountSearchText.objects.exists():
        print(f"catalogue already holds {have:,} creators")
        return False
    if have:
        raise SystemExit(f"the bench database holds {have:,} creators; run with --reload")
    rng = random.Random(42)
    started = time.perf_counter()
    now = timezone.now()
    batch = 10_000
    for offset in range(0, n, batch):
        size = min(batch, n - offset)
        with transaction.atomic():
            creators = Creator.objects.bulk_create(
                [
                    Creator(
                        display_name=f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)} {offset + i}",
                        categories=rng.sample(CATEGORIES, k=rng.randint(1, 2)),
                    )
                    for i in range(size)
                ],
                batch_size=2000,
            )
            accounts = []
            for creator in creators:
                for platform in rng.sample(PLATFORMS, k=2 if rng.random() < 0.1 else 1):
                    bio = " ".join(words(rng, EN, 4) + words(rng, ZH, 3))
                    handle = f"{words(rng, EN, 1)[0]}_h{creator.pk}_{platform[:2]}"
                    accounts.append(Account(creator=creator, platform=platform, handle=handle, bio=bio))
            accounts = Account.objects.bulk_create(accounts, batch_size=2000)
            AccountMetrics.objects.bulk_create(
                [
                    AccountMetrics(account=a, followers=int(10 ** rng.uniform(3, 7)), engagement_rate=0.03)
                    for a in accounts
                ],
                batch_size=2000,
            )
            posts = [
                Post(
                    account=a,
                    platform_post_id=f"{a.pk}-{p}",
                    posted_at=now - dt.timedelta(days=p * 3),
                    caption=" ".join(words(rng, EN, 8) + words(rng, ZH, 6)),
                    hashtags=words(rng, EN, 2),
                )
                for a in accounts
                for p in range(posts_per_account)
            ]
            Post.objects.bulk_create(posts, batch_size=2000)
        print(f"  loaded {offset + size:,}/{n:,} creators ({time.perf_counter() - started:.0f} s)", flush=True)
    return True


def index(loaded: bool) -> None:
    from django.db import connection

    from influencers.models import Account
    from influencers.services.search_index import index_all

    if not loaded:
        return
    started = time.perf_counter()
    count = index_all()
    seconds = time.perf_counter() - started
    print(f"search text of {count:,} accounts written in {seconds:.1f} s ({count / seconds:,.0f} accounts/s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert Account.objects.count() == count


def time_queries(repeats: int) -> None:
    from core.pagination import COUNT_CAP
    from influencers.models import AccountSearchText
    from influencers.selectors.creators import creator_head, creator_list, creator_rows
    from influencers.selectors.keyword import keyword_match

    print(f"{'query':<22} {'accounts':>9} {'listed':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for q in QUERIES:
        laps = []
        for _ in range(repeats):
            started = time.perf_counter()
            head = creator_head(creator_list(filters={"q": q}), limit=COUNT_CAP + 1)
            creator_rows(head[:25])
            laps.append((time.perf_counter() - started) * 1000)
        accounts = AccountSearchText.objects.filter(account_id__in=keyword_match(q)).count()
        listed = f"{len(head)}{'+' if len(head) > COUNT_CAP else ''}"
        p95 = statistics.quantiles(laps, n=20, method="inclusive")[-1] if len(laps) > 1 else laps[0]
        print(
            f"{q:<22} {accounts:>9} {listed:>7} {statistics.median(laps):8.1f} {p95:8.1f} {max(laps):8.1f}", flush=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=5, help="posts per account")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: a throwaway SQLite file)")
    parser.add_argument(
        "--sqlite-path", default="", help="SQLite file kept between runs (loaded once; default: a throwaway file)"
    )
    parser.add_argument("--reload", action="store_true", help="PostgreSQL: drop the bench catalogue and load again")
    args = parser.parse_args()
    workdir = None
    url = args.database_url
    if url:
        ensure_pg_database(url)
    elif args.sqlite_path:
        url = f"sqlite:///{Path(args.sqlite_path).resolve()}"
    else:
        workdir = Path(tempfile.mkdtemp(prefix="vetted-search-bench-"))
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    try:
        setup_django(url)
        from django.db import connection

        what = f"{connection.vendor}, {args.creators:,} creators, {args.posts} posts per account"
        print(f"{what}, load average {os.getloadavg()}")
        index(load(args.creators, args.posts, args.reload))
        time_queries(args.repeats)
        print(f"load average after: {os.getloadavg()}")
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
