"""The import_creators command and the IMPORT job: summaries, exit codes, job error lists, and
what follows an import (follow-ups, the catalogue's data version)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.caching.versions import data_version, data_version_bump
from core.errors import ImportValidationError
from core.models import JobKind, JobStatus
from core.selectors.jobs import job_log_text
from core.services.jobs import job_create, run_job
from influencers.follow_ups import AccountsChanged, follow_ups_of
from influencers.models import Account, AccountMetrics

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_creators", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_counts_and_refreshes_metrics(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("platform,handle,followers,snapshot_date\ninstagram,a,100,2026-03-01\ntiktok,b,7,2026-03-01\n")

    out, _ = run(str(path))

    assert "2 account(s)" in out
    assert "accounts" in out and "total: 6 created, 0 changed" in out
    metrics = AccountMetrics.objects.get(account__handle="a")
    assert metrics.followers == 100

    out, _ = run(str(path))
    assert "total: 0 created, 0 changed" in out


def test_dry_run_prints_what_would_change(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("platform,handle\ninstagram,a\n")
    out, _ = run(str(path), "--dry-run", "-v", "3")
    assert "Dry run" in out and "nothing was written" in out and "created    instagram:@a" in out
    assert not Account.objects.exists()


def test_command_lists_every_error_and_fails(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("platform,handle,followers\nmyspace,a,1\ninstagram,b,-1\n")
    err = StringIO()
    with pytest.raises(CommandError, match="2 error\\(s\\) found; nothing was imported"):
        call_command("import_creators", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any("row 2" in line and "unknown platform" in line for line in lines)
    assert any("row 3" in line and "negative" in line for line in lines)


def test_missing_file_and_unsupported_type(tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        run(str(tmp_path / "nope.csv"))
    other = tmp_path / "c.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(CommandError, match="unsupported file type '.pdf'"):
        run(str(other))


def test_import_job_succeeds_with_counts(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("platform,handle,followers\ninstagram,a,100\n")
    job = job_create(kind=JobKind.IMPORT, params={"path": str(path)})

    job = run_job(job_id=job.pk)

    assert job.status == JobStatus.SUCCEEDED
    assert job.counts["accounts"]["created"] == 1 and job.result["counts"]["snapshots"]["created"] == 1
    assert (job.done, job.total) == (1, 1)
    assert "1 account valid, writing" in job_log_text(job, "en") and "accounts: 1 created" in job_log_text(job, "en")
    assert Account.objects.filter(handle="a").exists()
    # Each follow-up step that ran, timed on the job as `import_creators -v 2` prints it.
    steps = job.result["follow_up_timings"]
    assert list(steps) == follow_ups_of(AccountsChanged)
    assert all(set(t) == {"wall", "cpu"} and t["wall"] >= 0 and t["cpu"] >= 0 for t in steps.values())


def test_import_job_fails_with_the_error_list_and_writes_nothing(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("platform,handle,followers\ninstagram,a,1\ninstagram,b,lots\nfoo,c,1\n")
    job = job_create(kind=JobKind.IMPORT, params={"path": str(path)})

    with pytest.raises(ImportValidationError):
        run_job(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "row 3" in job.error and "lots" in job.error and "row 4" in job.error and "unknown platform" in job.error
    assert not Account.objects.exists()


def test_import_job_dry_run(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("platform,handle\ninstagram,a\n")
    job = run_job(job_id=job_create(kind=JobKind.IMPORT, params={"path": str(path), "dry_run": True}).pk)
    assert job.status == JobStatus.SUCCEEDED and job.result["dry_run"] is True
    assert job.result["counts"]["accounts"]["created"] == 1
    assert not Account.objects.exists()


def test_services_that_follow_an_import_get_the_touched_accounts(tmp_path, follow_up_steps):
    from influencers.services.imports import creators_import_file

    for what in ("vetting the accounts", "re-evaluating watches", "queueing the new images for embedding"):
        follow_up_steps(what)
    from PIL import Image

    Image.new("RGB", (8, 8), (10, 20, 30)).save(tmp_path / "a.png")
    path = tmp_path / "c.json"
    path.write_text('[{"name": "A", "accounts": [{"platform": "instagram", "handle": "a", "images": ["a.png"]}]}]')

    result = creators_import_file(path=path)

    account_id = Account.objects.get(handle="a").pk
    calls = follow_up_steps.calls
    assert list(calls) == ["vetting the accounts", "re-evaluating watches", "queueing the new images for embedding"]
    for changes in calls.values():
        (change,) = changes
        assert change.account_ids == (account_id,) and change.new_images == 1 and change.reason == "import"
    assert AccountMetrics.objects.filter(account_id=account_id).exists()  # the catalogue's own step ran first
    assert result.warnings == []


def test_a_failing_follow_up_is_a_warning_not_a_lost_import(tmp_path, monkeypatch):
    import influencers.metrics.service as metrics

    def broken(ids, **kwargs):
        raise RuntimeError("metrics store offline")

    monkeypatch.setattr(metrics, "refresh_metrics", broken)
    path = tmp_path / "c.csv"
    path.write_text("platform,handle\ninstagram,a\n")

    _, err = run(str(path))

    assert Account.objects.filter(handle="a").exists()
    assert "the data was imported, but recomputing metrics failed: metrics store offline" in err


def test_skip_refresh_leaves_metrics_alone(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("platform,handle,followers\ninstagram,a,5\n")
    run(str(path), "--skip-refresh")
    assert Account.objects.filter(handle="a").exists() and not AccountMetrics.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_changes_the_catalogue_version(tmp_path):
    # The importer writes through its own connection, unseen by the write watcher: it must bump
    # the version itself, or discovery would keep answering from the cache.
    data_version_bump("catalogue")
    before = data_version("catalogue")
    path = tmp_path / "one.csv"
    path.write_text("platform,handle,display_name,followers\ninstagram,fresh_handle,Fresh,1200\n", encoding="utf-8")
    call_command("import_creators", str(path), "--skip-refresh", stdout=StringIO())
    assert data_version("catalogue") != before
