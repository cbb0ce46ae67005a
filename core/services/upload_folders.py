"""Private folders for uploads kept between requests, and their clean-up.

An import file waits between its dry run and the import; the images of a search by look wait while
a session pages through the result. Each gets its own folder under settings.UPLOAD_TEMP_DIR/<kind>
(owner-only permissions), and `upload_folders_clean` deletes the folders older than
settings.UPLOAD_TEMP_MAX_AGE_HOURS, plus the ones earlier versions left in the system's temporary
directory (prefixes vetted-import-, vetted-look-)."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

KINDS = ("imports", "looks")
LEGACY_PREFIXES = ("vetted-import-", "vetted-look-")


def upload_folder(kind: str, *, key: str | None = None) -> Path:
    """A new private folder for one upload of `kind` (one of KINDS); with `key` (a digest the
    caller derives from what the folder holds), the same folder every time, so copies are reused."""
    if kind not in KINDS:
        raise ValueError(f"unknown upload kind {kind!r}")
    parent = Path(settings.UPLOAD_TEMP_DIR) / kind
    parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if key is None:
        return Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=parent))
    if not key.isalnum():
        raise ValueError("an upload folder key is letters and digits only")
    folder = parent / f"{kind}-{key}"
    folder.mkdir(exist_ok=True, mode=0o700)
    os.utime(folder)  # in use again: not stale
    return folder


def upload_folders_clean(*, max_age_hours: float | None = None, now: float | None = None) -> int:
    """Delete the upload folders last changed more than `max_age_hours` ago (default
    settings.UPLOAD_TEMP_MAX_AGE_HOURS); returns how many were deleted."""
    hours = settings.UPLOAD_TEMP_MAX_AGE_HOURS if max_age_hours is None else max_age_hours
    cutoff = (time.time() if now is None else now) - hours * 3600
    candidates = [f for kind in KINDS for f in _folders(Path(settings.UPLOAD_TEMP_DIR) / kind)]
    candidates += [f for f in _folders(Path(tempfile.gettempdir())) if f.name.startswith(LEGACY_PREFIXES)]
    deleted = 0
    for folder in candidates:
        try:
            if folder.stat().st_mtime >= cutoff:
                continue
        except FileNotFoundError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        deleted += 0 if folder.exists() else 1
    if deleted:
        logger.info("deleted %s upload folders older than %s h", deleted, hours)
    return deleted


def _folders(parent: Path) -> list[Path]:
    try:
        return [p for p in parent.iterdir() if p.is_dir() and not p.is_symlink()]
    except FileNotFoundError:
        return []
