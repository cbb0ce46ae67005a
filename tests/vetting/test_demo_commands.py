"""Demo commands and jobs on an empty database: seed_demo, demo_login, the SEED job, and
the determinism of two database seeds."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from core.errors import InputError
from core.models import JobKind, JobStatus, Membership
from influencers.models import (
    Account,
    AccountMetrics,
    CommentSample,
    Creator,
    FollowerSample,
    MediaAsset,
    Post,
)
from influencers.selectors.history import account_histories
from vetting.services.demo import seed_demo

END = dt.date(2026, 3, 1)


@pytest.mark.django_db
def test_two_database_seeds_write_the_same_catalogue():
    def fingerprint() -> tuple:
        return (
            sorted(Account.objects.values_list("platform", "handle")),
            sorted(MediaAsset.objects.values_list("sha256", flat=True)),
            Post.objects.count(),
            sum(map(len, account_histories(Account.objects.values_list("pk", flat=True)).values())),
            CommentSample.objects.count(),
            FollowerSample.objects.count(),
        )

    first = seed_demo(creators=5, seed=3, end_date=END, image_size=32, vet=False)
    before = fingerprint()
    second = seed_demo(creators=5, seed=3, end_date=END, image_size=32, replace=True, vet=False)
    assert fingerprint() == before
    assert first.counts == second.counts and Creator.objects.count() == 5


@pytest.mark.django_db
def test_seed_demo_command_prints_counts_and_says_synthetic():
    out = io.StringIO()
    call_command("seed_demo", "--creators", "2", "--image-size", "32", "--if-empty", stdout=out, verbosity=0)
    text = out.getvalue()
    assert "SYNTHETIC" in text and "creators: 2" in text.replace("  ", "")
    assert Creator.objects.count() == 2


@pytest.mark.django_db
def test_demo_login_creates_the_editor_of_both_organisations():
    out = io.StringIO()
    call_command("demo_login", stdout=out)
    assert "username demo" in out.getvalue() and "password demo-pass-2026" in out.getvalue()
    from django.contrib.auth import authenticate

    user = authenticate(username="demo", password="demo-pass-2026")
    assert user is not None
    orgs = dict(Membership.objects.filter(user=user).values_list("organization__name", "role"))
    assert orgs == {"Demo Agency": "editor", settings.ADMIN_ORGANIZATION_NAME: "editor"}
    call_command("demo_login", stdout=io.StringIO())  # idempotent
    assert Membership.objects.filter(user=user).count() == 2


@pytest.mark.django_db
def test_seed_job_runs_and_reports_counts():
    from core.services.jobs import job_create, run_job

    job = run_job(job_id=job_create(kind=JobKind.SEED, params={"creators": 2}).pk)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["counts"]["creators"] == 2 and Creator.objects.count() == 2
    job = job_create(kind=JobKind.SEED, params={"creators": "many"})
    with pytest.raises(InputError, match="creators"):
        run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "creators" in job.error


@pytest.mark.django_db
def test_seeding_computes_metrics_and_runs_vetting_when_installed():
    summary = seed_demo(creators=2, image_size=32)  # ends today, so every window has data
    accounts = Account.objects.count()
    assert summary.counts["metrics"] == accounts and summary.counts.get("vetted") == accounts
    metrics = AccountMetrics.objects.all()
    assert all(m.engagement_rate is not None and m.er_formula for m in metrics)
    assert all(m.fake_risk is not None for m in metrics)


@pytest.mark.django_db
def test_bad_arguments_are_refused_before_anything_is_written():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="creators"):
        call_command("seed_demo", "--creators", "0", stdout=io.StringIO(), verbosity=0)
    with pytest.raises(CommandError, match="image_size"):
        call_command("seed_demo", "--creators", "1", "--image-size", "8", stdout=io.StringIO(), verbosity=0)
    assert not Creator.objects.exists()
