"""`python manage.py warm_brand_safety [--max-brands N]`: search the recent posts for the exclusion
rules of the most recently edited brands now and store their hits beside the current feature
snapshot, as the catalogue follow-up and the midnight beat do (after a deploy, or a snapshot built
by a web process, so that no marketer's first ranking of such a brand waits for the search)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from vetting.services.brand_safety import warm_brand_safety


class Command(BaseCommand):
    help = "Search and store today's brand-safety hits of the brands with exclusion rules beside the feature snapshot."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "--max-brands", type=int, default=None, help="at most this many brands (default SAFETY_WARM_MAX_BRANDS)"
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        ready = warm_brand_safety(max_brands=options["max_brands"])
        seconds = time.perf_counter() - started
        if ready:
            self.stdout.write(f"brand-safety hits of {ready} brand(s) stored in {seconds:.1f} s")
        else:
            self.stdout.write(
                "nothing stored: no brand with exclusion rules, or no feature snapshot "
                "(RANKING_FEATURE_SNAPSHOT, CACHE_URL)"
            )
