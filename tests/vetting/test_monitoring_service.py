"""Watch evaluation into alerts: one alert per cause, evidence, triage, scoping, hooks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import InputError, InvalidState
from core.models import Job, JobKind, JobStatus
from influencers.models import CommentSample, Post
from tests.factories import (
    AccountFactory,
    AlertFactory,
    BrandFactory,
    CreatorFactory,
    HistoryPointFactory,
    MembershipFactory,
    OrganizationFactory,
    PostFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
    UserFactory,
)
from vetting import monitoring as svc
from vetting.models import Alert, AlertStatus, RuleKind

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _comments(post: Post, texts: list[tuple[str, float]], start: int) -> list[CommentSample]:
    """Comments (text, days ago) on `post`, ids external c<start+i>."""
    return CommentSample.objects.bulk_create(
        [
            CommentSample(
                post=post,
                external_id=f"c{start + i}",
                commenter=f"fan{start + i}",
                text=text,
                posted_at=NOW - dt.timedelta(days=days_ago),
            )
            for i, (text, days_ago) in enumerate(texts)
        ]
    )


def _creator_with_burst():
    """A creator whose comments are calm for 20 days, then turn negative in the last two."""
    account = AccountFactory()
    old_post = PostFactory(account=account, posted_at=NOW - dt.timedelta(days=40), caption="Skincare routine")
    new_post = PostFactory(account=account, posted_at=NOW - dt.timedelta(days=3), caption="New launch")
    calm = [("Love this, so pretty!", d + 0.1 * i) for d in range(10, 30) for i in range(4)]
    calm += [("This is terrible", d + 0.5) for d in range(10, 30, 4)]  # a little usual negativity
    _comments(old_post, calm, 0)
    _comments(new_post, [("Thanks, great tips!", 2.5), ("Love it", 2.6)], 500)
    burst = _comments(
        new_post,
        [
            (text, 1 + 0.05 * i)
            for i, text in enumerate(
                [
                    "This is a scam, unfollowing",
                    "Disgusting, you sold out",
                    "Worst product ever, awful",
                    "So fake. Lost all respect",
                    "Terrible advice, stop lying",
                    "Awful, hate this",
                    "What a scam, disgusting",
                ]
            )
        ],
        900,
    )
    return account.creator, burst


def _watch(org, creators, kind, params=None, brand=None):
    watch = svc.watch_create(
        organization=org, name=f"watch {kind} {org.pk}", brand=brand, creator_ids=[c.pk for c in creators]
    )
    rule = svc.watch_rule_create(watch=watch, kind=kind, params=params or {})
    return watch, rule


def test_negative_burst_raises_exactly_one_alert_citing_those_comments(django_capture_on_commit_callbacks) -> None:
    creator, burst = _creator_with_burst()
    membership = MembershipFactory()
    _watch(membership.organization, [creator], RuleKind.SENTIMENT)

    with django_capture_on_commit_callbacks(execute=True):
        first = svc.evaluate_watches()
    assert first.created == 1
    alert = Alert.objects.get()
    assert alert.kind == RuleKind.SENTIMENT and alert.status == AlertStatus.OPEN
    assert sorted(alert.evidence["comment_ids"]) == sorted(c.pk for c in burst)
    assert {c["text"] for c in alert.evidence["comment_list"]} == {c.text for c in burst}
    # The organisation's editor was emailed once, with the evidence.
    assert len(mail.outbox) == 1 and membership.user.email in mail.outbox[0].to
    assert "scam" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        second = svc.evaluate_watches()
    assert (second.created, second.updated) == (0, 1)
    assert Alert.objects.count() == 1
    assert len(mail.outbox) == 1  # no second notification for the same cause


def test_a_resolved_cause_is_not_raised_again_but_a_new_episode_is() -> None:
    org = OrganizationFactory()
    account = AccountFactory()
    PostFactory(account=account, caption="gambling night", posted_at=NOW - dt.timedelta(days=3))
    PostFactory(account=account, caption="more gambling", posted_at=NOW - dt.timedelta(days=2))
    _watch(org, [account.creator], RuleKind.KEYWORD, {"keywords": ["gambling"], "use_brand_exclusions": False})
    svc.evaluate_watches()
    alert = Alert.objects.get()
    user = UserFactory()
    svc.alert_resolve(alert=alert, user=user, note="talked to the creator")

    assert svc.evaluate_watches().suppressed == 1
    assert Alert.objects.count() == 1

    # Three weeks later a new burst: a new cause, a new alert.
    later = NOW + dt.timedelta(days=21)
    PostFactory(account=account, caption="gambling again", posted_at=later - dt.timedelta(days=2))
    PostFactory(account=account, caption="gambling tips", posted_at=later - dt.timedelta(days=1))
    assert svc.evaluate_watches(as_of=later).created == 1
    assert Alert.objects.filter(status=AlertStatus.OPEN).count() == 1


def test_the_database_refuses_two_live_alerts_with_one_cause() -> None:
    first = AlertFactory(cause_key="r1:c1:keyword:post9")
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertFactory(organization=first.organization, cause_key=first.cause_key)
    Alert.objects.filter(pk=first.pk).update(status=AlertStatus.ACKNOWLEDGED)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertFactory(organization=first.organization, cause_key=first.cause_key)
    Alert.objects.filter(pk=first.pk).update(status=AlertStatus.RESOLVED)
    AlertFactory(organization=first.organization, cause_key=first.cause_key)  # allowed once resolved
    AlertFactory(cause_key=first.cause_key)  # another organisation: its own alert


def test_acknowledge_and_resolve_record_who_and_when() -> None:
    alert = AlertFactory()
    user = UserFactory()
    alert = svc.alert_acknowledge(alert=alert, user=user)
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, user)
    assert alert.acknowledged_at is not None
    resolver = UserFactory()
    alert = svc.alert_resolve(alert=alert, user=resolver, note="false alarm")
    assert (alert.status, alert.resolved_by, alert.resolution_note) == (AlertStatus.RESOLVED, resolver, "false alarm")
    assert alert.acknowledged_by == user  # the acknowledgement is kept
    with pytest.raises(InvalidState):
        svc.alert_resolve(alert=alert, user=resolver)
    with pytest.raises(InvalidState):
        svc.alert_acknowledge(alert=alert, user=resolver)


def test_each_organisation_gets_its_own_alert() -> None:
    account = AccountFactory()
    PostFactory(account=account, caption="casino night gambling", posted_at=NOW - dt.timedelta(days=2))
    PostFactory(account=account, caption="gambling", posted_at=NOW - dt.timedelta(days=1))
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    _watch(org_a, [account.creator], RuleKind.KEYWORD, {"keywords": ["gambling"]})
    _watch(org_b, [account.creator], RuleKind.KEYWORD, {"keywords": ["gambling"]})
    assert svc.evaluate_watches(organization=org_a).created == 1
    assert Alert.objects.filter(organization=org_b).count() == 0
    svc.evaluate_watches()
    assert Alert.objects.filter(organization=org_a).count() == 1
    assert Alert.objects.filter(organization=org_b).count() == 1


def test_a_shortlist_watch_follows_the_shortlist() -> None:
    shortlist = ShortlistFactory()
    watch = svc.watch_create(organization=shortlist.organization, name="launch", shortlist=shortlist)
    svc.watch_rule_create(watch=watch, kind=RuleKind.COMPETITOR)
    assert watch.brand == shortlist.brand  # the shortlist's brand supplies competitors
    creator = CreatorFactory()
    assert svc.watched_creator_ids() == set()
    ShortlistEntryFactory(shortlist=shortlist, creator=creator)
    assert svc.watched_creator_ids() == {creator.pk}


def test_competitor_rule_uses_the_brands_competitors() -> None:
    brand = BrandFactory(competitors=["Lumiskin 璐美肤"])
    account = AccountFactory()
    sponsored = PostFactory(
        account=account, is_sponsored=True, sponsor="Lumiskin", posted_at=NOW - dt.timedelta(days=4)
    )
    PostFactory(account=account, is_sponsored=True, sponsor="Other Co", posted_at=NOW - dt.timedelta(days=2))
    _watch(brand.organization, [account.creator], RuleKind.COMPETITOR, brand=brand)
    svc.evaluate_watches()
    alert = Alert.objects.get()
    assert alert.brand == brand
    assert [p["post_id"] for p in alert.evidence["posts"]] == [sponsored.pk]


def test_watch_validation_names_the_field() -> None:
    org = OrganizationFactory()
    other_brand = BrandFactory()
    creator = CreatorFactory()
    with pytest.raises(InputError) as err:
        svc.watch_create(organization=org, name="x", creator_ids=[])
    assert err.value.field == "creator_ids"
    with pytest.raises(InputError) as err:
        svc.watch_create(organization=org, name="x", brand=other_brand, creator_ids=[creator.pk])
    assert err.value.field == "brand"
    with pytest.raises(InputError) as err:
        svc.watch_create(organization=org, name="x", creator_ids=[creator.pk, 999_999])
    assert "999999" in str(err.value)
    watch = svc.watch_create(organization=org, name="x", creator_ids=[creator.pk])
    with pytest.raises(InputError) as err:
        svc.watch_rule_create(watch=watch, kind="keyword", params={"window_days": 0})
    assert err.value.field == "params.window_days"


def test_data_change_queues_a_watch_job_only_for_watched_creators(django_capture_on_commit_callbacks) -> None:
    unwatched = AccountFactory()
    assert svc.evaluate_after_data_change([unwatched.pk]) is None
    watched = AccountFactory()
    PostFactory(account=watched, caption="gambling", posted_at=NOW - dt.timedelta(days=2))
    PostFactory(account=watched, caption="gambling", posted_at=NOW - dt.timedelta(days=1))
    _watch(OrganizationFactory(), [watched.creator], RuleKind.KEYWORD, {"keywords": ["gambling"]})
    with django_capture_on_commit_callbacks(execute=True):
        job = svc.evaluate_after_data_change([unwatched.pk, watched.pk])
    job.refresh_from_db()
    assert (job.kind, job.status) == (JobKind.WATCH, JobStatus.SUCCEEDED)
    assert job.params["creator_ids"] == [watched.creator_id]
    assert job.counts["alerts_created"] == 1
    assert Job.objects.filter(kind=JobKind.WATCH).count() == 1


def test_growth_anomaly_rule_uses_the_vetting_growth_scorer() -> None:
    account = AccountFactory()
    today = timezone.localdate()
    followers = 50_000
    for d in range(60, -1, -1):
        followers += 100 + (20_000 if d == 10 else 0)  # steady growth, one bought package
        HistoryPointFactory(account=account, date=today - dt.timedelta(days=d), followers=followers)
    _watch(OrganizationFactory(), [account.creator], RuleKind.GROWTH_ANOMALY, {"min_severity": "medium"})
    svc.evaluate_watches()
    alert = Alert.objects.get()
    assert alert.evidence["date"] == (today - dt.timedelta(days=10)).isoformat()
    assert alert.evidence["round_package"] == 20_000
    assert alert.severity == "high"


def test_engagement_anomaly_rule_uses_the_vetting_engagement_scorer() -> None:
    account = AccountFactory()
    HistoryPointFactory(account=account, date=timezone.localdate(), followers=20_000)
    spike = None
    for d in range(20):
        likes = 60_000 if d == 4 else 600 + 7 * (d % 3)
        post = PostFactory(account=account, likes=likes, comments=20, posted_at=NOW - dt.timedelta(days=2 + 3 * d))
        spike = post if d == 4 else spike
    _watch(OrganizationFactory(), [account.creator], RuleKind.ENGAGEMENT_ANOMALY, {"min_severity": "medium"})
    svc.evaluate_watches()
    alerts = list(Alert.objects.all())
    assert [a.evidence.get("post_id") for a in alerts] == [spike.pk]
    assert alerts[0].evidence["anomaly"] == "engagement_spike"


def test_import_and_refresh_hooks_queue_the_watch_evaluation(django_capture_on_commit_callbacks) -> None:
    from influencers.services.imports.service import _after_import
    from influencers.services.refresh import _announce

    account = AccountFactory()
    PostFactory(account=account, caption="gambling", posted_at=NOW - dt.timedelta(days=2))
    PostFactory(account=account, caption="gambling", posted_at=NOW - dt.timedelta(days=1))
    _watch(OrganizationFactory(), [account.creator], RuleKind.KEYWORD, {"keywords": ["gambling"]})
    with django_capture_on_commit_callbacks(execute=True):
        assert _after_import([account.pk], refresh=True, new_images=0) == []
    assert Job.objects.filter(kind=JobKind.WATCH, status=JobStatus.SUCCEEDED).count() == 1
    assert Alert.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        _announce([account.pk], new_images=0, today=timezone.localdate(), log=lambda message: None)
    assert Job.objects.filter(kind=JobKind.WATCH).count() == 2
    assert Alert.objects.count() == 1  # the second evaluation found the same cause
