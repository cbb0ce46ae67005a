"""`manage.py import_creators PATH [--dry-run] [--mapping FILE]`: load creators, accounts and
their history from CSV/TSV/XLSX/JSON/JSON Lines (docs/import-format.md), all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ImportValidationError, InputError
from core.progress import tqdm
from influencers.services.imports import ImportResult, creators_import_file


class _Bars:
    """tqdm bars on stderr, one per stage (shown only on a terminal, for files worth it)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled or stage == "validated":
            return
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(
                total=total,
                desc=stage,
                unit=" records" if total is None else " accounts",
                disable=None,
                leave=False,
                mininterval=0.5,
            )
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


class Command(BaseCommand):
    help = (
        "Import creators from a CSV, TSV, XLSX, JSON or JSON Lines file (format: docs/import-format.md). "
        "Everything is validated first; nothing is written if anything is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report what would change, write nothing"
        )
        parser.add_argument("--mapping", help="a YAML/JSON column mapping for a foreign CSV/XLSX export")
        parser.add_argument(
            "--skip-refresh",
            action="store_true",
            help=(
                "do not recompute metrics/vetting of the imported accounts now "
                "(bulk backfills; run a metrics job later)"
            ),
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        bars = _Bars(enabled=not options["no_progress"])
        try:
            result = creators_import_file(
                path=options["path"],
                mapping=options["mapping"],
                dry_run=options["dry_run"],
                refresh=not options["skip_refresh"],
                progress=bars,
                follow_up_progress=bars,
                # The bars never touch the database, so the file may be written while it is read.
                overlap=True,
            )
        except ImportValidationError as exc:
            bars.close()
            if len(exc.errors) == 1:
                raise CommandError(f"{exc.errors[0]} (nothing was imported)") from exc
            for error in exc.errors:
                self.stderr.write(f"  - {error}")
            raise CommandError(f"{len(exc.errors)} error(s) found; nothing was imported") from exc
        except InputError as exc:
            bars.close()
            raise CommandError(str(exc)) from exc
        bars.close()
        self._report(result, verbosity=options["verbosity"])

    def _report(self, result: ImportResult, *, verbosity: int) -> None:
        seconds = result.timings.get("total", 0.0)
        if result.dry_run:
            self.stdout.write(
                f"Dry run of {result.source}: {result.accounts_total} account(s) valid; nothing was written."
            )
            self.stdout.write("Would be:")
        else:
            self.stdout.write(f"Imported {result.source}: {result.accounts_total} account(s) in {seconds:.1f} s.")
        self.stdout.write(f"  {'':<18}{'created':>10}{'updated':>10}{'unchanged':>11}")
        for table, counts in result.counts.items():
            if any(counts.values()):
                self.stdout.write(
                    f"  {table:<18}{counts['created']:>10}{counts['updated']:>10}{counts['unchanged']:>11}"
                )
        self.stdout.write(f"  total: {result.created} created, {result.updated} changed")
        if result.ignored_columns:
            self.stdout.write(f"Ignored columns (not in the mapping): {', '.join(result.ignored_columns)}")
        if verbosity >= 3:
            for action, label in result.account_actions:
                self.stdout.write(f"  {action:<10} {label}")
            if len(result.account_actions) < result.accounts_total:
                self.stdout.write(f"  ... ({result.accounts_total - len(result.account_actions)} more accounts)")
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        if verbosity >= 2:
            timings = ", ".join(f"{key} {value:.2f} s" for key, value in result.timings.items())
            self.stdout.write(f"Timings: {timings}")
            if result.follow_up_timings:
                steps = ", ".join(
                    f"{what} {wall:.2f} / {cpu:.2f} s" for what, (wall, cpu) in result.follow_up_timings.items()
                )
                self.stdout.write(f"Follow-up (wall / CPU, worker processes included): {steps}")
