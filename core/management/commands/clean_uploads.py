"""`python manage.py clean_uploads [--older-than HOURS]`: delete kept uploads (import files,
search-by-look images) older than settings.UPLOAD_TEMP_MAX_AGE_HOURS, as the hourly beat entry does."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from core.services.upload_folders import upload_folders_clean


class Command(BaseCommand):
    help = "Delete kept import files and search-by-look images older than UPLOAD_TEMP_MAX_AGE_HOURS."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--older-than", type=float, default=None, help="Hours (default: the setting)")

    def handle(self, *args, **options) -> None:
        deleted = upload_folders_clean(max_age_hours=options["older_than"])
        self.stdout.write(f"deleted {deleted} upload folder(s)")
