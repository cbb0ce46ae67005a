"""`python manage.py demo_login`: ensure the demo user exists and print its login."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import VettedError
from vetting.services.demo import DEMO_ORGANIZATION, DEMO_PASSWORD, DEMO_USERNAME, demo_user_ensure


class Command(BaseCommand):
    help = "Create/update the demo user (editor of Demo Agency and of the admin organisation) and print its login."

    def handle(self, *args, **options) -> None:
        try:
            demo_user_ensure()
        except VettedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f">> demo login: username {DEMO_USERNAME}  password {DEMO_PASSWORD}  "
            f"(editor of {DEMO_ORGANIZATION!r} and the admin organisation; the demo data is synthetic)"
        )
