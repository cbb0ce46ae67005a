"""The whole demo: the synthetic catalogue (influencers.services.demo), the demo tenant written
in the same transaction (organisation "Demo Agency" with three brand briefs, mood boards, a
shortlist and a finished campaign on it), vetting of every demo account, and the demo login.

Everything in it is invented by code; the product labels it as synthetic wherever it shows it.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from core.errors import InputError
from core.models import Job, Organization, Role
from core.services.jobs import job_log, job_progress, job_set_total
from core.services.media import inspect_image_bytes
from core.services.tenancy import member_add
from influencers.models import Account, Creator
from influencers.services.demo import content as c
from influencers.services.demo.images import draw_style_image
from influencers.services.demo.plan import CreatorPlan, DemoPlan
from influencers.services.demo.seed import DemoSummary, jpeg_bytes, seed_demo_catalogue, store_image_file
from vetting import messages as m
from vetting.models import (
    Brand,
    Campaign,
    CampaignCreator,
    CampaignPost,
    EntryStatus,
    MoodBoardImage,
    PostSource,
    Shortlist,
    ShortlistEntry,
)
from vetting.services.reports import vet_accounts

DEMO_ORGANIZATION = "Demo Agency"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-pass-2026"  # a published demo credential, for local demo deployments only

DEMO_BRANDS: tuple[dict[str, Any], ...] = (
    {
        "name": "Verdant Skin 青植",
        "description": "Clean-beauty skincare for sensitive skin: short ingredient lists, refillable packaging. "
        "青植：为敏感肌打造的纯净护肤。",
        "values": ["clean beauty", "sustainable", "gentle on sensitive skin", "天然", "环保", "温和", "成分透明"],
        "target_audience": {
            "age": {"weight": 1.0, "values": {"18-24": 0.45, "25-34": 0.55}},
            "gender": {"weight": 1.0, "values": {"female": 1.0}},
            "countries": {"weight": 0.8, "values": {"CN": 0.7, "TW": 0.3}},
            "languages": {"weight": 0.5, "values": {"zh": 1.0}},
            "interests": {"weight": 0.6, "values": {"beauty": 0.7, "fashion": 0.3}},
        },
        "excluded_topics": ["gambling", "vaping", "alcohol"],
        "excluded_keywords": ["赌博", "博彩", "casino", "betting", "vape", "电子烟", "喝酒", "whisky"],
        "competitors": list(c.SPONSORS_BEAUTY),
        "preferred_platforms": ["xiaohongshu", "douyin", "instagram"],
        "min_followers": 10_000,
        "max_followers": 2_000_000,
        "mood_board_style": "pastel-minimal",
    },
    {
        "name": "Northridge Outfitters",
        "description": "Durable outdoor gear for hikers and campers, repaired not replaced.",
        "values": ["durability", "outdoors", "leave no trace", "adventure", "repairable"],
        "target_audience": {
            "age": {"weight": 1.0, "values": {"25-34": 0.55, "35-44": 0.45}},
            "languages": {"weight": 1.0, "values": {"en": 1.0}},
            "countries": {"weight": 0.6, "values": {"US": 0.5, "GB": 0.25, "CA": 0.15, "AU": 0.1}},
            "interests": {"weight": 0.8, "values": {"outdoor": 0.6, "travel": 0.25, "fitness": 0.15}},
        },
        "excluded_topics": ["gambling", "vaping"],
        "excluded_keywords": ["casino", "betting", "vape"],
        "competitors": list(c.SPONSORS_OUTDOOR),
        "preferred_platforms": ["instagram", "youtube"],
        "min_followers": 5_000,
        "max_followers": None,
        "mood_board_style": "earthy-film",
    },
    {
        "name": "Pulse Arena Gear",
        "description": "Gaming peripherals (mice, keyboards, headsets) for competitive players. 电竞外设。",
        "values": ["performance", "esports", "competitive", "电竞", "高性能"],
        "target_audience": {
            "age": {"weight": 1.0, "values": {"18-24": 0.6, "25-34": 0.4}},
            "gender": {"weight": 1.0, "values": {"male": 1.0}},
            "interests": {"weight": 1.0, "values": {"gaming": 0.8, "tech": 0.2}},
            "countries": {"weight": 0.3, "values": {"CN": 0.4, "US": 0.3, "KR": 0.15, "JP": 0.15}},
        },
        "excluded_topics": ["gambling"],
        "excluded_keywords": ["赌博", "博彩", "casino", "betting"],
        "competitors": list(c.SPONSORS_GAMING),
        "preferred_platforms": ["bilibili", "youtube", "douyin", "tiktok"],
        "min_followers": 10_000,
        "max_followers": None,
        "mood_board_style": "neon-night",
    },
)


def demo_tenant_write(
    plan: DemoPlan, creators: list[Creator], accounts: list[list[Account]], image_size: int
) -> dict[str, int]:
    """Demo Agency with its brands (mood boards included) and a shortlist; the admin org."""
    Organization.objects.get_or_create(name=settings.ADMIN_ORGANIZATION_NAME)
    org, _ = Organization.objects.get_or_create(name=DEMO_ORGANIZATION)
    brands = []
    for spec in DEMO_BRANDS:
        values = {k: v for k, v in spec.items() if k not in ("name", "mood_board_style")}
        brand, _ = Brand.objects.update_or_create(organization=org, name=spec["name"], defaults=values)
        brands.append(brand)
        if not brand.mood_board.exists():
            for k in range(3):
                info = inspect_image_bytes(
                    jpeg_bytes(draw_style_image(spec["mood_board_style"], 9_000 + 10 * k + len(brands), image_size)),
                    source=f"mood board of {brand.name}",
                )
                board = MoodBoardImage(brand=brand, sha256=info.sha256, width=info.width, height=info.height)
                store_image_file(board, info)
                board.save()

    # Shortlist for the skincare brand: CN/TW beauty creators, one of them with a fraud mark so
    # the vetting report has something to flag.
    shortlist, _ = Shortlist.objects.get_or_create(
        organization=org, name="Spring skincare launch 2026", defaults={"brand": brands[0], "campaign": "Spring 2026"}
    )
    beauty = [
        (cr, creator)
        for cr, creator in zip(plan.creators, creators)
        if cr.categories[0] == "beauty" and cr.country in ("CN", "TW", "HK")
    ]
    flagged = [creator for cr, creator in beauty if any(a.fraud for a in cr.accounts)]
    clean = [(cr, creator) for cr, creator in beauty if not any(a.fraud for a in cr.accounts)]
    picks = _overlapping(clean) + flagged[:1]
    if len(picks) < 3:  # a tiny catalogue: take any beauty/fashion creators
        picks += [cr for cr, p in zip(creators, plan.creators) if p.categories[0] in ("beauty", "fashion")][
            : 3 - len(picks)
        ]
    statuses = [
        EntryStatus.APPROVED,
        EntryStatus.CONTACTED,
        EntryStatus.CANDIDATE,
        EntryStatus.CANDIDATE,
        EntryStatus.CANDIDATE,
    ]
    ShortlistEntry.objects.bulk_create(
        [
            ShortlistEntry(shortlist=shortlist, creator=creator, status=statuses[k % len(statuses)], notes="")
            for k, creator in enumerate(dict.fromkeys(picks))
        ],
        ignore_conflicts=True,
    )
    by_creator = {creator.pk: cr for cr, creator in zip(plan.creators, creators)}
    booked = list(dict.fromkeys(picks))[:4]
    campaign_posts = _demo_campaign(plan, shortlist, [by_creator[c.pk] for c in booked], booked)
    return {
        "brands": len(brands),
        "mood_board_images": MoodBoardImage.objects.filter(brand__in=brands).count(),
        "shortlist_entries": ShortlistEntry.objects.filter(shortlist=shortlist).count(),
        "campaign_posts": campaign_posts,
    }


def _demo_campaign(plan: DemoPlan, shortlist: Shortlist, plans: list[CreatorPlan], creators: list[Creator]) -> int:
    """A finished campaign on the demo shortlist, so its report (and the track record beside the
    estimates) has something to show: the first four creators booked at invented fees, each with
    its two newest posts as campaign posts, their reach as the creator's insights would give it
    (views on video platforms, else 12–40% of the followers). Returns the number of posts."""
    rng = random.Random(plan.seed)
    campaign, _ = Campaign.objects.get_or_create(
        organization=shortlist.organization,
        shortlist=shortlist,
        name="Spring seeding 2026",
        defaults={
            "brand": shortlist.brand,
            "starts_on": plan.end_date - dt.timedelta(days=30),
            "ends_on": plan.end_date,
        },
    )
    entries = {e.creator_id: e for e in ShortlistEntry.objects.filter(shortlist=shortlist)}
    rows = []
    for cr, creator in zip(plans, creators):
        account = next((a for a in cr.accounts if a.follower_samples), cr.accounts[0])
        followers = account.snapshots[-1][1]
        fee = round(followers * rng.uniform(0.006, 0.03) / 50) * 50 + 100  # US$, invented
        booking, _ = CampaignCreator.objects.update_or_create(
            campaign=campaign, creator=creator, defaults={"entry": entries[creator.pk], "fee_usd": fee}
        )
        for post in account.posts[-2:]:
            reach = post.views if post.views else int(followers * rng.uniform(0.12, 0.4))
            rows.append(
                CampaignPost(
                    booking=booking,
                    source=PostSource.IMPORTED,
                    platform=account.platform,
                    url=post.url,
                    posted_at=post.posted_at,
                    reach=reach,
                    views=post.views,
                    likes=post.likes,
                    comments=post.comments,
                    shares=post.shares,
                    saves=post.saves,
                )
            )
    CampaignPost.objects.bulk_create(rows, ignore_conflicts=True)
    return CampaignPost.objects.filter(booking__campaign=campaign).count()


def _overlapping(clean: list[tuple[CreatorPlan, Creator]]) -> list[Creator]:
    """Four creators whose audience overlap the shortlist page can show: the three smallest with
    a follower sample on the platform where most of them have one (smaller accounts have samples
    covering more of their audience), and one without a sample (an "unknown" row)."""
    sampled: dict[str, list[tuple[int, Creator]]] = {}
    for cr, creator in clean:
        for account in cr.accounts:
            if account.follower_samples:
                sampled.setdefault(account.platform, []).append((account.snapshots[-1][1], creator))
    if not sampled:
        return [creator for _, creator in clean[:4]]
    platform = max(sampled, key=lambda name: (len(sampled[name]), name))
    picks = [creator for _, creator in sorted(sampled[platform], key=lambda row: row[0])[:3]]
    without = [creator for cr, creator in clean if not any(a.follower_samples for a in cr.accounts)]
    return picks + without[:1]


def seed_demo(
    *,
    creators: int = 300,
    seed: int = 20261123,
    progress: Callable[[int, int], None] | None = None,
    end_date: dt.date | None = None,
    image_size: int = 256,
    replace: bool = False,
    vet: bool = True,
) -> DemoSummary:
    """Seed the synthetic catalogue with the demo tenant (see `seed_demo_catalogue` for the
    arguments), then vet every demo account (`vet`). Deterministic for a (creators, seed)."""
    summary = seed_demo_catalogue(
        creators=creators,
        seed=seed,
        progress=progress,
        end_date=end_date,
        image_size=image_size,
        replace=replace,
        also_write=demo_tenant_write,
    )
    if vet:
        started = time.perf_counter()
        summary.counts["vetted"] = vet_accounts(summary.account_ids)
        summary.timings["vetting"] = round(time.perf_counter() - started, 2)
    return summary


def run_seed_job(job: Job) -> dict[str, Any]:
    """JobKind.SEED handler: `job.params` may set creators, seed and replace."""
    params = job.params or {}
    for name in ("creators", "seed"):
        value = params.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise InputError("must be an integer", source=f"job {job.pk}", field=name)
    creators = params.get("creators") or 300
    job_set_total(job=job, total=creators + 2)
    summary = seed_demo(
        creators=creators,
        seed=params.get("seed") or 20261123,
        replace=bool(params.get("replace", False)),
        progress=lambda done, total: job_progress(job=job, done=done) if done % 10 == 0 or done >= total else None,
    )
    job_progress(job=job, done=creators + 2, counts=summary.counts)
    job_log(
        job=job,
        message=m.DEMO_SEEDED(
            counts=[m.COUNT_OF(what=k, n=v) for k, v in summary.counts.items() if isinstance(v, (int, float))]
        ),
    )
    return {"counts": summary.counts, "fraud_accounts": len(summary.fraud_accounts)}


def demo_user_ensure(*, username: str = DEMO_USERNAME, password: str = DEMO_PASSWORD) -> AbstractBaseUser:
    """Create or update the demo user: its password, and the editor role in Demo Agency (its
    default organisation, added first) and in the admin organisation (so it can also edit the
    shared catalogue). Returns the user."""
    with transaction.atomic():
        member_add(org_name=DEMO_ORGANIZATION, username=username, role=Role.EDITOR, email=f"{username}@example.com")
        member_add(org_name=settings.ADMIN_ORGANIZATION_NAME, username=username, role=Role.EDITOR)
        user = get_user_model().objects.get(username=username)
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
    return user
