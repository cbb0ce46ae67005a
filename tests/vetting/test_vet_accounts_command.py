"""`manage.py vet_accounts`: re-run vetting for accounts, creators or everything as a SCORE job;
ids that do not exist are named and nothing runs."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from core.models import Job, JobKind, JobStatus
from influencers.models import AccountMetrics
from tests.factories import AccountFactory, AccountMetricsFactory, CreatorFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("vet_accounts", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_vetting_a_creator_replaces_a_stale_verdict_and_records_a_job():
    creator = CreatorFactory()
    account = AccountFactory(creator=creator)
    # A stale "low" from before the evidence rule, on an account with no data at all.
    AccountMetricsFactory(account=account, fake_risk=0.0, risk_level="low", risk_confidence=0.1)
    other = AccountFactory()
    out = run("--creator", str(creator.pk))
    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.risk_level == "insufficient" and metrics.risk_missing
    assert not AccountMetrics.objects.filter(account=other).exists()
    job = Job.objects.get(kind=JobKind.SCORE)
    assert job.status == JobStatus.SUCCEEDED and job.params["creator_ids"] == [creator.pk]
    assert f"vetting job {job.pk}: 1 account(s) vetted; levels: insufficient 1" in out


def test_all_and_accounts():
    accounts = [AccountFactory() for _ in range(3)]
    assert "3 account(s) vetted" in run("--all")
    assert "1 account(s) vetted" in run("--account", str(accounts[1].pk))
    assert Job.objects.filter(kind=JobKind.SCORE, status=JobStatus.SUCCEEDED).count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--account", "999999"), "--account: no account with id 999999"),
        (("--creator", "999999"), "--creator: no creator with id 999999"),
        ((), "give exactly one of"),
        (("--all", "--account", "1"), "give exactly one of"),
    ],
)
def test_errors_name_the_id_and_run_nothing(args, message):
    AccountFactory()
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Job.objects.filter(kind=JobKind.SCORE).exists()
    assert not AccountMetrics.objects.exists()
