"""`manage.py score_followers INPUT.csv --output OUT.csv [--calibration NAME [--org ORG]]`: fake
probability per follower.

The output is the input rows, in order, plus `fake_probability` (0–1) and `reasons`; stdout
ends with `estimated fake share: NN.N% (95% interval LL.L–UU.U%, n=N)`. Bad input names the
file, line and field, exits non-zero and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import InputError, VettedError
from vetting.scoring.follower_calibration import FollowerCalibration
from vetting.scoring.follower_io import read_follower_csv, score_follower_csv, write_csv_atomic


class Command(BaseCommand):
    help = "Score a follower sample CSV for fake/bought accounts and estimate the fake share."
    # File-to-file work (the database only to look a named calibration up): no system checks needed.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "input",
            help="CSV with any of: username, full_name, biography, followers_count, "
            "following_count, media_count, has_profile_pic, is_private, is_verified, external_url",
        )
        parser.add_argument("--output", required=True, help="where to write the scored CSV")
        parser.add_argument(
            "--calibration",
            default=None,
            help="a calibration made by calibrate_follower_scorer (default: the catalogue's)",
        )
        parser.add_argument("--org", default=None, help="the organisation the calibration belongs to")

    def handle(self, *args, **options) -> None:
        try:
            calibration = self._calibration(options)
            parsed = read_follower_csv(options["input"])
            scored = score_follower_csv(parsed, calibration)
            write_csv_atomic(options["output"], scored.header, scored.rows)
        except (InputError, VettedError) as exc:
            raise CommandError(str(exc)) from exc
        quality = scored.quality
        self.stdout.write(f"scored {len(scored.rows)} rows -> {options['output']}")
        types = ", ".join(f"{name} {share * 100:.1f}%" for name, share in quality.audience_types.items() if share)
        self.stdout.write(f"audience types: {types}")
        self.stdout.write(f"{quality.flagged} of {quality.n} scored followers are more likely fake than not")
        self.stdout.write(f"calibration: {quality.calibration} ({quality.method})")
        # Last line, in this exact form: scripts read it.
        self.stdout.write(quality.summary_line())

    def _calibration(self, options: dict[str, Any]) -> FollowerCalibration:
        from django.conf import settings

        from core.models import Organization
        from vetting.selectors.calibrations import catalogue_follower_calibration, follower_calibration_named

        if not options["calibration"]:
            return catalogue_follower_calibration()
        org_name = options["org"] or settings.ADMIN_ORGANIZATION_NAME
        organization = Organization.objects.filter(name=org_name).first()
        if organization is None:
            raise CommandError(f"no organisation named {org_name!r}")
        return follower_calibration_named(name=options["calibration"], organization=organization)
