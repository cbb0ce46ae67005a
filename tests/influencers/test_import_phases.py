"""An import's job goes through phases — writing, then each follow-up step of the committed import
(influencers.follow_ups) — and says which one runs and how far it got, so its bar never stands at
100% while the metrics or the vetting still run."""

from __future__ import annotations

import pytest

from core.models import Job, JobKind, JobStatus
from core.services.jobs import job_create, run_job
from influencers import follow_ups
from influencers.follow_ups import AccountsChanged, accounts_changed
from influencers.models import Account

pytestmark = pytest.mark.django_db


def test_announce_reports_each_step_starting_its_own_progress_and_ending(follow_up_steps):
    for what in follow_ups.follow_ups_of(AccountsChanged):
        follow_up_steps(what)

    def vetting(change: AccountsChanged) -> None:
        assert change.progress is not None
        change.progress(2)
        change.progress(9)  # more than there are accounts: capped at the total

    follow_ups.register_follow_up(AccountsChanged, what="vetting the accounts", step=vetting, order=20)
    seen: list[tuple[str, int, int]] = []

    accounts_changed([4, 5, 6], report=lambda what, exc: None, progress=lambda *args: seen.append(args))

    vetting_seen = [s for s in seen if s[0] == "vetting the accounts"]
    assert vetting_seen == [
        ("vetting the accounts", 0, 3),
        ("vetting the accounts", 2, 3),
        ("vetting the accounts", 3, 3),
        ("vetting the accounts", 3, 3),
    ]
    assert [s for s in seen if s[1] == 0] == [(what, 0, 3) for what in follow_ups.follow_ups_of(AccountsChanged)]


def test_the_import_job_names_the_running_follow_up_and_its_progress(tmp_path, follow_up_steps):
    follow_up_steps("vetting the accounts")  # the registry is restored after the test
    seen: list[dict] = []

    def vetting(change: AccountsChanged) -> None:
        # What another connection (the UI polling the job) reads while this step runs.
        seen.append(_job_state())
        assert change.progress is not None
        change.progress(1)
        seen.append(_job_state())

    follow_ups.register_follow_up(AccountsChanged, what="vetting the accounts", step=vetting, order=20)
    path = tmp_path / "c.csv"
    path.write_text("platform,handle,followers\ninstagram,a,100\ntiktok,b,7\n")
    job = job_create(kind=JobKind.IMPORT, params={"path": str(path)})

    job = run_job(job_id=job.pk)

    # 8 phases: writing + the 7 follow-ups; vetting is the 4th (after search text and metrics).
    # Each phase counts the 2 accounts: 3 phases done = 6 of 16, then one more account.
    assert seen == [
        {"phase": {"name": "vetting the accounts", "step": 4, "steps": 8, "done": 0, "total": 2}, "bar": (6, 16)},
        {"phase": {"name": "vetting the accounts", "step": 4, "steps": 8, "done": 1, "total": 2}, "bar": (7, 16)},
    ]
    assert job.status == JobStatus.SUCCEEDED and job.phase is None
    assert (job.done, job.total) == (2, 2) and "phase" not in job.result
    assert Account.objects.count() == 2


def test_a_dry_run_has_the_writing_phase_only(tmp_path, monkeypatch):
    from influencers.services.imports import jobs as import_jobs

    path = tmp_path / "c.csv"
    path.write_text("platform,handle\ninstagram,a\n")
    job = job_create(kind=JobKind.IMPORT, params={"path": str(path), "dry_run": True})
    states: list[dict] = []
    real = import_jobs.job_phase

    def recording(**kwargs):
        real(**kwargs)
        states.append(_job_state(kwargs["job"].pk))

    monkeypatch.setattr(import_jobs, "job_phase", recording)

    run_job(job_id=job.pk)

    assert states == [
        {"phase": {"name": "writing the accounts", "step": 1, "steps": 1, "done": 0, "total": 1}, "bar": (0, 1)}
    ]


def _job_state(pk: int | None = None) -> dict:
    job = Job.objects.get(pk=pk) if pk else Job.objects.get(kind=JobKind.IMPORT)
    return {"phase": job.phase, "bar": (job.done, job.total)}
