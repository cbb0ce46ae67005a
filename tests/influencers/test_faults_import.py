"""Fault: the database fails in the middle of writing an import (disk full, lock timeout, a
constraint that only the database knows). Nothing of the import may remain: no catalogue row,
no stored image file, and the IMPORT job ends FAILED saying why.

On PostgreSQL the failure is real: a trigger makes the server reject the MediaAsset inserts,
the last table the writer fills, so every other table has been written inside the transaction
when it fails. On any database a second test injects the error in the writer after the images
are stored.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db import OperationalError, connection

from core.models import Job, JobKind, JobStatus
from core.services.jobs import job_create, run_job
from influencers.models import (
    Account,
    AccountHistory,
    AudienceProfile,
    CommentSample,
    Creator,
    FollowerSample,
    MediaAsset,
    Post,
)

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = (Creator, Account, AccountHistory, AudienceProfile, FollowerSample, Post, CommentSample, MediaAsset)


@pytest.fixture
def example_import(settings, tmp_path) -> Path:
    """The documented JSON example with its images, in a folder of this test; media of this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "upload"
    shutil.copytree(ROOT / "docs/examples", folder)
    return folder / "creators.json"


def _catalogue_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CATALOGUE}


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _import_as_job(path: Path) -> Job:
    job = job_create(kind=JobKind.IMPORT, params={"path": str(path)})
    with pytest.raises(OperationalError):
        run_job(job_id=job.pk)
    job.refresh_from_db()
    return job


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the import's own transaction is the real, outermost one
def test_postgres_rejecting_the_last_table_rolls_back_the_whole_import(example_import, settings):
    before = _catalogue_counts()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION vetted_fault_disk_full() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'injected fault: could not extend file' USING ERRCODE = '53100'; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER vetted_fault_media BEFORE INSERT ON influencers_mediaasset "
            "FOR EACH ROW EXECUTE FUNCTION vetted_fault_disk_full()"
        )
    try:
        job = _import_as_job(example_import)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS vetted_fault_media ON influencers_mediaasset")
            cursor.execute("DROP FUNCTION IF EXISTS vetted_fault_disk_full()")

    assert job.status == JobStatus.FAILED
    assert "injected fault" in job.error
    assert _catalogue_counts() == before, "part of the import survived the failed transaction"
    assert _stored_files(settings) == [], "image files of the rolled-back import were left behind"

    # The same file imports completely once the database is healthy again.
    retry = job_create(kind=JobKind.IMPORT, params={"path": str(example_import)})
    assert run_job(job_id=retry.pk).status == JobStatus.SUCCEEDED
    assert MediaAsset.objects.count() > 0 and Post.objects.count() > 0
    assert len(_stored_files(settings)) == MediaAsset.objects.exclude(image="").values("image").distinct().count()


@pytest.mark.django_db(transaction=True)
def test_database_error_after_images_are_stored_leaves_nothing(example_import, settings, monkeypatch):
    from influencers.services.imports.writer import Writer

    original = Writer._media
    seen = {}

    def media_then_fail(self, accounts):
        original(self, accounts)
        self.finish()  # the inserts queued on the writer's thread ran (reading meanwhile would race them)
        seen["files"] = list(self.saved_files)
        seen["rows"] = _catalogue_counts()  # inside the import's transaction
        raise OperationalError("injected fault: database is locked")

    monkeypatch.setattr(Writer, "_media", media_then_fail)
    before = _catalogue_counts()
    job = _import_as_job(example_import)

    assert seen["files"], "the fault fired before any image was stored: the test proves nothing"
    assert seen["rows"]["MediaAsset"] > 0 and seen["rows"]["Post"] > 0
    assert job.status == JobStatus.FAILED and "database is locked" in job.error
    assert _catalogue_counts() == before
    assert _stored_files(settings) == []
