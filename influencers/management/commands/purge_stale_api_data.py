"""`python manage.py purge_stale_api_data [--dry-run] [--platform P]`: delete the platform-API data
that has not been refreshed within the platform's retention period (YouTube: 30 days), as the
daily scheduled task does. See influencers/services/retention.py and docs/connectors.md."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from influencers.services.retention import API_DATA_RETENTION_DAYS, purge_stale_api_data


class Command(BaseCommand):
    help = (
        "Delete stored API data (snapshots, posts, comments, images, samples, metrics, profile fields) of accounts "
        "not refreshed within their platform's retention period: "
        + ", ".join(f"{platform} {days} days" for platform, days in API_DATA_RETENTION_DAYS.items())
        + "."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing")
        parser.add_argument(
            "--platform", action="append", choices=sorted(API_DATA_RETENTION_DAYS), help="Only this platform"
        )

    def handle(self, *args, **options) -> None:
        result = purge_stale_api_data(dry_run=options["dry_run"], platforms=options["platform"])
        verb = "would delete" if result.dry_run else "deleted"
        self.stdout.write(f"{len(result.account_ids)} account(s) past retention; {verb}: {json.dumps(result.deleted)}")
