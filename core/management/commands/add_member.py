"""`python manage.py add_member --org NAME --username NAME [--role ROLE] [--create-token]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import VettedError
from core.models import Role
from core.services.tenancy import member_add


class Command(BaseCommand):
    help = "Add a user to an organisation (creating either if needed) and optionally print their API token."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--org", required=True, help="Organisation name")
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", default=Role.EDITOR, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument("--create-token", action="store_true", help="Print the user's API token")

    def handle(self, *args, **options) -> None:
        try:
            added = member_add(
                org_name=options["org"],
                username=options["username"],
                role=options["role"],
                create_token=options["create_token"],
                email=options["email"],
            )
        except VettedError as exc:
            raise CommandError(str(exc)) from exc
        membership = added.membership
        what = []
        if added.created_organization:
            what.append(f"created organisation {membership.organization.name!r} (id {membership.organization_id})")
        if added.created_user:
            what.append(f"created user {membership.user.username!r}")
        what.append(f"{membership.user.username} is {membership.role} of {membership.organization.name}")
        self.stderr.write("; ".join(what))
        if added.token:
            # The token alone on stdout, so scripts can capture it.
            self.stdout.write(added.token)
