"""`python manage.py seed_demo_watches [--webhook-url URL] [--no-evaluate]`: watch rules of every kind
for the demo organisation, on demo creators that trip them, then evaluate (alerts in the inbox)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import VettedError
from vetting.monitoring.demo import demo_watches_seed


class Command(BaseCommand):
    help = "Set up demo watches (every rule kind) for the demo organisation and evaluate them."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--no-evaluate", action="store_true", help="only set up the watches")
        parser.add_argument(
            "--webhook-url",
            default="",
            help="also enable the demo organisation's webhook to this URL (prints the secret)",
        )

    def handle(self, *args, **options) -> None:
        try:
            if options["webhook_url"]:
                from vetting.monitoring.demo import _demo_organization
                from vetting.monitoring.notifications import notification_settings_update

                config = notification_settings_update(
                    organization=_demo_organization(), webhook_url=options["webhook_url"], webhook_enabled=True
                )
                self.stdout.write(f"webhook enabled: {config.webhook_url} (secret {config.webhook_secret})")
            summary = demo_watches_seed(evaluate=not options["no_evaluate"])
        except VettedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"demo watches for {summary['organization']}: {', '.join(summary['watches'])}")
        for kind, ids in summary["picked"].items():
            self.stdout.write(f"  {kind:>18}: creators {ids or '— none found'}")
        if summary["sentiment_scenario_comments"]:
            self.stdout.write(
                f"  added a SYNTHETIC negative-comment burst ({summary['sentiment_scenario_comments']} comments) "
                "for the sentiment rule"
            )
        if "evaluation" in summary:
            self.stdout.write("  evaluation: " + ", ".join(f"{k} {v}" for k, v in summary["evaluation"].items()))
            self.stdout.write(
                "  alerts by kind: " + ", ".join(f"{k} {v}" for k, v in summary["alerts_by_kind"].items())
            )
            missing = [k for k, v in summary["alerts_by_kind"].items() if not v]
            if missing:
                self.stderr.write(f"no alert for: {', '.join(missing)}")
