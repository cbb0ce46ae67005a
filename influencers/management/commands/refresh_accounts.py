"""`python manage.py refresh_accounts [--platform P] [--account ID ...]`: refresh tracked accounts
from their platform APIs now, as one REFRESH job, with a progress bar."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import VettedError
from core.models import JobKind
from core.progress import command_progress
from core.services.jobs import job_create, job_run_here
from influencers.connectors import ConnectorNotConfigured, get_connector, supported_platforms
from influencers.models import Account
from influencers.services.refresh import refresh_job_run


class Command(BaseCommand):
    help = (
        "Refresh tracked accounts from their platform APIs (profile, today's snapshot, recent posts, "
        "images, comments), as the daily scheduled job does. One account's failure never stops the others."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--platform", choices=supported_platforms(), help="Only accounts of this platform")
        parser.add_argument(
            "--account",
            type=int,
            action="append",
            dest="accounts",
            metavar="ID",
            help="Only this account id (repeatable); refreshed even if it is not tracked",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")

    def handle(self, *args, **options) -> None:
        platform = options["platform"]
        account_ids = options["accounts"]
        if account_ids:
            found = set(Account.objects.filter(pk__in=account_ids).values_list("pk", flat=True))
            missing = sorted(set(account_ids) - found)
            if missing:
                raise CommandError(f"--account: no account with id {', '.join(map(str, missing))}")
        if platform:
            # Asked for explicitly: a missing key is an error, not a silent skip.
            try:
                get_connector(platform)
            except ConnectorNotConfigured as exc:
                raise CommandError(str(exc)) from exc

        params = {"trigger": "cli", "platform": platform, "account_ids": account_ids}
        job = job_create(kind=JobKind.REFRESH, params={k: v for k, v in params.items() if v})
        quiet = options["no_progress"] or options["verbosity"] < 1
        with command_progress(self, desc="refreshing", unit="account", disable=quiet) as bar:
            try:
                job, result = job_run_here(job, lambda job: refresh_job_run(job=job, progress=bar))
            except VettedError as exc:
                raise CommandError(f"refresh job {job.pk} FAILED: {exc}") from exc
        counts = result["counts"]
        self.stdout.write(
            f"refresh job {job.pk}: {counts['refreshed']} refreshed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped; {counts['snapshots']} snapshot(s), {counts['posts_created']} new post(s), "
            f"{counts['images_new']} new image(s); {counts['quota_units']} quota unit(s)"
        )
        if counts["failed"] or counts["skipped"]:
            problems = [line for line in job.log.splitlines() if "FAILED" in line or "skipping" in line]
            self.stderr.write("\n".join(problems))
