"""`python manage.py calibrate_follower_scorer LABELLED.csv --name NAME [--org ORG] [--activate]`:
refit the follower scorer on a labelled file and store it as a named calibration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import VettedError
from core.models import Organization
from vetting.services.calibrations import follower_calibration_create


class Command(BaseCommand):
    help = (
        "Calibrate the fake-follower scorer on labelled follower accounts (the score_followers columns plus "
        "is_fake true/false): refits its weights, measures it by cross-validation and stores it under a name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("labelled", help="CSV: score_followers input columns plus is_fake (true/false)")
        parser.add_argument("--name", required=True, help="the calibration's name")
        parser.add_argument(
            "--org",
            default=None,
            help="the organisation it belongs to (default: the catalogue admin organisation, whose active "
            "calibration the catalogue's vetting uses)",
        )
        parser.add_argument("--activate", action="store_true", help="make it the one this organisation's vetting uses")
        parser.add_argument("--replace", action="store_true", help="replace a calibration of the same name")

    def handle(self, *args: Any, **options: Any) -> None:
        org_name = options["org"] or settings.ADMIN_ORGANIZATION_NAME
        organization = Organization.objects.filter(name=org_name).first()
        if organization is None:
            raise CommandError(f"no organisation named {org_name!r} (create it with add_member)")
        try:
            record = follower_calibration_create(
                path=options["labelled"],
                name=options["name"],
                organization=organization,
                activate=options["activate"],
                replace=options["replace"],
            )
        except VettedError as exc:
            raise CommandError(str(exc)) from exc
        metrics = record.data["metrics"]
        self.stdout.write(
            f"calibration {record.name!r} of {organization.name!r}: {record.rows} labelled accounts "
            f"({record.fakes} fake) from {record.source_name}"
        )
        self.stdout.write(
            f"cross-validated ({metrics['cross_validation']}): ROC AUC {metrics['roc_auc']:.3f}, average precision "
            f"{metrics['average_precision']:.3f}, TPR {metrics['tpr_at_fpr_5pct']:.3f} at FPR "
            f"{metrics['fpr_at_that_threshold']:.3f}"
        )
        if record.active:
            note = "active: vetting reports computed from now on use it"
            if organization.name == settings.ADMIN_ORGANIZATION_NAME:
                note += " (re-vet the catalogue to apply it to stored reports)"
            self.stdout.write(note)
        else:
            self.stdout.write(
                f"not active; score a file with it: score_followers IN.csv --output OUT.csv --calibration {record.name}"
            )
