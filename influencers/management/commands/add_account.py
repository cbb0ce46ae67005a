"""`python manage.py add_account youtube <id|@handle|URL>`: add a platform account to the
catalogue from its API (profile, today's snapshot, recent posts, images, comments)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import VettedError
from influencers.connectors import supported_platforms
from influencers.models import Creator
from influencers.services.refresh import account_add_from_platform


class Command(BaseCommand):
    help = "Add a YouTube channel or Instagram professional account by id, @handle or URL, fetched from its API."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("platform", choices=supported_platforms())
        parser.add_argument("ref", help="Channel id (UC…), @handle, or profile/channel URL")
        parser.add_argument("--creator", type=int, metavar="ID", help="Attach to this existing creator id")

    def handle(self, *args, **options) -> None:
        creator = None
        if options["creator"] is not None:
            creator = Creator.objects.filter(pk=options["creator"]).first()
            if creator is None:
                raise CommandError(f"--creator: no creator with id {options['creator']}")
        try:
            result = account_add_from_platform(platform=options["platform"], ref=options["ref"], creator=creator)
        except VettedError as exc:
            raise CommandError(f"{options['platform']} {options['ref']!r}: {exc}") from exc
        account = result.account
        verb = "added" if result.created else "already in the catalogue, refreshed"
        self.stdout.write(f"{account} (id {account.pk}, creator {account.creator_id}) {verb}: {result.summary()}")
