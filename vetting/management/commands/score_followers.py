"""`manage.py score_followers INPUT.csv --output OUT.csv`: fake probability per follower.

The output is the input rows, in order, plus `fake_probability` (0–1) and `reasons`; stdout
ends with `estimated fake share: NN.N% (95% interval LL.L–UU.U%, n=N)`. Bad input names the
file, line and field, exits non-zero and writes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import InputError
from vetting.scoring.follower_io import read_follower_csv, score_follower_csv, write_csv_atomic


class Command(BaseCommand):
    help = "Score a follower sample CSV for fake/bought accounts and estimate the fake share."
    # Pure file-to-file work: no database, URLs or models involved, so no system checks needed.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "input",
            help="CSV with any of: username, full_name, biography, followers_count, "
            "following_count, media_count, has_profile_pic, is_private, is_verified, external_url",
        )
        parser.add_argument("--output", required=True, help="where to write the scored CSV")

    def handle(self, *args, **options) -> None:
        try:
            parsed = read_follower_csv(options["input"])
            scored = score_follower_csv(parsed)
            write_csv_atomic(options["output"], scored.header, scored.rows)
        except InputError as exc:
            raise CommandError(str(exc)) from exc
        quality = scored.quality
        self.stdout.write(f"scored {len(scored.rows)} rows -> {options['output']}")
        types = ", ".join(f"{name} {share * 100:.1f}%" for name, share in quality.audience_types.items() if share)
        self.stdout.write(f"audience types: {types}")
        # Set together (None together when no follower could be judged).
        if quality.tpr is not None and quality.fpr is not None and quality.raw_share is not None:
            self.stdout.write(
                f"flagged {quality.flagged} of {quality.n} (raw {quality.raw_share * 100:.1f}%), corrected with "
                f"TPR {quality.tpr:.3f} / FPR {quality.fpr:.3f} at threshold {quality.threshold:.2f}"
            )
        self.stdout.write(quality.summary_line())
