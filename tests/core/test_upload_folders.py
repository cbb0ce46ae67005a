"""Kept uploads live in private folders under UPLOAD_TEMP_DIR and are deleted once stale, with the
folders earlier versions left in the system's temporary directory."""

from __future__ import annotations

import os
import stat
import tempfile
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from core.services.upload_folders import upload_folder, upload_folders_clean
from influencers.services.imports.jobs import import_upload_store

HOUR = 3600


def age(folder: Path, hours: float) -> None:
    then = time.time() - hours * HOUR
    os.utime(folder, (then, then))


@pytest.fixture
def uploads(tmp_path, settings) -> Path:
    settings.UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.UPLOAD_TEMP_MAX_AGE_HOURS = 24
    return settings.UPLOAD_TEMP_DIR


def test_each_upload_gets_its_own_private_folder_under_the_setting(uploads):
    first, second = upload_folder("imports"), upload_folder("imports")
    assert first != second and first.parent == second.parent == uploads / "imports"
    assert stat.S_IMODE(first.stat().st_mode) == 0o700
    with pytest.raises(ValueError):
        upload_folder("../elsewhere")


def test_only_folders_older_than_the_limit_are_deleted(uploads):
    stale_import, stale_look = upload_folder("imports"), upload_folder("looks")
    (stale_import / "creators.csv").write_text("handle\n")
    fresh = upload_folder("imports")
    age(stale_import, 25)
    age(stale_look, 30)
    age(fresh, 23)
    assert upload_folders_clean() == 2
    assert not stale_import.exists() and not stale_look.exists() and fresh.exists()
    assert upload_folders_clean(max_age_hours=22) == 1 and not fresh.exists()


def test_folders_left_in_the_system_temp_directory_by_earlier_versions_are_swept(uploads):
    legacy = Path(tempfile.mkdtemp(prefix="vetted-import-"))
    unrelated = Path(tempfile.mkdtemp(prefix="someone-else-"))
    try:
        age(legacy, 48)
        age(unrelated, 48)
        assert upload_folders_clean() == 1
        assert not legacy.exists() and unrelated.exists()
    finally:
        unrelated.rmdir()


def test_an_import_upload_is_kept_under_the_imports_folder_and_the_command_cleans_it(uploads):
    stored = import_upload_store(upload=SimpleUploadedFile("creators.json", b'[{"platform": "instagram"}]'))
    path = Path(stored.path)
    assert path.is_file() and path.parent.parent == uploads / "imports"
    age(path.parent, 25)
    out = StringIO()
    call_command("clean_uploads", stdout=out)
    assert not path.exists() and "deleted 1 upload folder" in out.getvalue()


def test_a_keyed_folder_is_the_same_folder_each_time_and_counts_as_fresh(uploads):
    first = upload_folder("looks", key="abc123")
    (first / "image.img").write_bytes(b"x")
    age(first, 30)
    again = upload_folder("looks", key="abc123")
    assert again == first and (again / "image.img").read_bytes() == b"x"
    assert upload_folders_clean() == 0  # asked for again: not stale
    with pytest.raises(ValueError):
        upload_folder("looks", key="../../etc")
