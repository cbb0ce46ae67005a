"""`python manage.py vet_accounts [--account ID ...] [--creator ID ...] [--all]`: re-run the
vetting of some accounts, of some creators' accounts, or of the whole catalogue now, as one
SCORE job (recorded like any other), with a progress bar.

An id that does not exist is named and nothing runs (exit status 1)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import VettedError
from core.models import JobKind
from core.progress import command_progress
from core.services.jobs import job_create, job_run_here
from vetting.services.reports import run_scoring_job, vetting_targets


class Command(BaseCommand):
    help = (
        "Re-run the vetting (fake-follower risk with its evidence) of accounts, of creators' accounts or of "
        "every account, as one SCORE job."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "--account", type=int, action="append", dest="accounts", metavar="ID", help="an account id (repeatable)"
        )
        parser.add_argument(
            "--creator",
            type=int,
            action="append",
            dest="creators",
            metavar="ID",
            help="a creator id: all its accounts (repeatable)",
        )
        parser.add_argument("--all", action="store_true", dest="all_accounts", help="every account of the catalogue")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options) -> None:
        accounts, creators, everything = options["accounts"], options["creators"], options["all_accounts"]
        if sum(bool(x) for x in (accounts, creators, everything)) != 1:
            raise CommandError("give exactly one of --account ID ..., --creator ID ... or --all")
        try:
            targets = vetting_targets(account_ids=accounts, creator_ids=creators, all_accounts=everything)
        except VettedError as exc:
            option = {"accounts": "--account", "creators": "--creator"}
            field = (getattr(exc, "field", "") or "").split("[")[0]
            raise CommandError(f"{option.get(field, field)}: {getattr(exc, 'reason', str(exc))}") from exc

        params = {**targets.params, "trigger": "cli"}
        job = job_create(kind=JobKind.SCORE, params=params, total=len(targets.account_ids))
        quiet = options["no_progress"] or options["verbosity"] < 1
        with command_progress(
            self, desc="vetting", unit="account", total=len(targets.account_ids), disable=quiet
        ) as bar:
            try:
                job, result = job_run_here(job, lambda job: run_scoring_job(job, progress=bar))
            except VettedError as exc:
                raise CommandError(f"vetting job {job.pk} FAILED: {exc}") from exc
        levels = ", ".join(f"{name} {count}" for name, count in sorted(result["levels"].items())) or "none"
        self.stdout.write(f"vetting job {job.pk}: {result['accounts']} account(s) vetted; levels: {levels}")
