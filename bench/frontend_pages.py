"""Server time of every web UI page on the demo data (Django test client, no browser, no network).

Usage (against a database holding the demo catalogue, e.g. after `scripts/run.sh` or
`manage.py seed_demo --creators 40 && manage.py demo_login && manage.py embed_images`):

    python bench/frontend_pages.py [--repeat 5] [--username demo]

Prints, per page, the median and worst server time over the repeats (after one warm-up
request that fills caches and loads the vision index), the median CPU time of this process,
the response size and the number of SQL queries. The target is < 300 ms per page; this
script reports, it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from core.selectors.tenancy import organization_for_user
    from influencers.models import Account, Creator
    from vetting.models import Brand, Shortlist, Watch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--username", default="demo")
    args = parser.parse_args()

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        print(f"no user {args.username!r}: run `manage.py demo_login` first", file=sys.stderr)
        return 2
    org = organization_for_user(user)
    client = Client()
    client.force_login(user)

    biggest = Account.objects.filter(metrics__isnull=False).order_by("-metrics__followers").first()
    risky = Account.objects.filter(metrics__risk_level="high").first() or biggest
    brand = Brand.objects.filter(organization=org).first()
    shortlist = Shortlist.objects.filter(organization=org).first()
    pages: list[tuple[str, str]] = [
        ("login (anonymous)", reverse("frontend:login")),
        ("discovery", reverse("frontend:discovery")),
        ("discovery, filtered (htmx)", reverse("frontend:discovery") + "?platform=instagram&min_engagement_rate_pct=1"),
        ("discovery, keyword", reverse("frontend:discovery") + "?q=beauty"),
        ("discovery, page 2", reverse("frontend:discovery") + "?page=2"),
    ]
    if biggest:
        pages.append(("creator (biggest)", reverse("frontend:creator", args=[biggest.creator_id])))
        pages.append(("creator lookalikes (htmx)", reverse("frontend:creator_lookalikes", args=[biggest.creator_id])))
    if risky:
        pages.append(
            ("creator (high risk)", reverse("frontend:creator", args=[risky.creator_id]) + f"?account={risky.pk}")
        )
    pages.append(("brands", reverse("frontend:brands")))
    if brand:
        pages += [
            ("brand", reverse("frontend:brand", args=[brand.pk])),
            ("brand matches", reverse("frontend:brand_matches", args=[brand.pk])),
            (
                "brand matches, re-weighted (htmx)",
                reverse("frontend:brand_matches", args=[brand.pk]) + "?w_audience_fit=80",
            ),
            ("discovery with audience fit", reverse("frontend:discovery") + f"?brand={brand.pk}"),
        ]
    pages.append(("shortlists", reverse("frontend:shortlists")))
    if shortlist:
        pages.append(("shortlist", reverse("frontend:shortlist", args=[shortlist.pk])))
    pages.append(("jobs", reverse("frontend:jobs")))
    pages.append(("alerts", reverse("frontend:alerts")))
    pages.append(("watches", reverse("frontend:alert_watches")))
    watch = Watch.objects.filter(organization=org).first()
    if watch:
        pages.append(("watch", reverse("frontend:alert_watch", args=[watch.pk])))
    pages.append(("notification settings", reverse("frontend:alert_settings")))

    print(f"{Creator.objects.count()} creators, {Account.objects.count()} accounts; {args.repeat} runs per page")
    # cpu ms: this process's CPU time (database included for SQLite), less sensitive than wall
    # time to other load on a shared machine.
    print(f"{'page':<38} {'median ms':>9} {'max ms':>7} {'cpu ms':>7} {'KB':>6} {'queries':>8}  status")
    worst = 0.0
    for label, url in pages:
        anonymous = label.endswith("(anonymous)")
        htmx = {"HTTP_HX_REQUEST": "true"} if "(htmx)" in label else {}
        browser = Client() if anonymous else client
        browser.get(url, **htmx)  # warm-up
        times, cpu = [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = browser.get(url, **htmx)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
        median = statistics.median(times)
        worst = max(worst, median)
        print(
            f"{label:<38} {median:9.1f} {max(times):7.1f} {statistics.median(cpu):7.1f} "
            f"{len(response.content) / 1024:6.1f} {len(queries.captured_queries):8d}  {response.status_code}"
        )
    print(f"slowest page median: {worst:.1f} ms (target < 300 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
