"""`manage.py parse_brief "TEXT" [--json] [--date YYYY-MM-DD]`: what a brief in plain words says
as discovery filters and a brand target audience (vetting/briefs; offline, docs/briefs.md).

With --json it prints the parse as JSON: {filters, target_audience, excluded_brands,
excluded_topics, notes, unknown}, the same as `POST /api/briefs/parse/`."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from core.errors import VettedError
from vetting.services.briefs import brief_parse


class Command(BaseCommand):
    help = "Parse a brief typed in Chinese or English into discovery filters and a target audience."
    requires_system_checks: list[str] = []  # text in, text out: no database, no checks needed

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("text", help="the brief, e.g. 'micro creators on TikTok in the UK'")
        parser.add_argument("--json", action="store_true", help="print the parse as JSON")
        parser.add_argument(
            "--date", default=None, help="read generation words ('00后', 'Gen Z') on this date (default: today)"
        )

    def handle(self, *args, **options) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: expected YYYY-MM-DD, got {options['date']!r}") from exc
        try:
            result = brief_parse(text=options["text"], today=today).as_dict()
        except VettedError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for name in ("filters", "target_audience"):
            self.stdout.write(f"{name}:")
            for key, value in result[name].items():
                self.stdout.write(f"  {key}: {json.dumps(value, ensure_ascii=False)}")
        for name in ("excluded_brands", "excluded_topics"):
            if result[name]:
                self.stdout.write(f"{name}: {', '.join(result[name])}")
        for note in result["notes"]:
            self.stdout.write(f"note: {note['text']}")
        for phrase in result["unknown"]:
            self.stdout.write(f"not understood: {phrase}")
