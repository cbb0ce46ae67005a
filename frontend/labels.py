"""Model choice labels shown in the UI, marked for translation.

The models' TextChoices labels are plain strings (the catalogue is language-neutral);
templates translate them with `{% translate label %}`, and these no-op markers put the
strings into the message catalogue."""

from django.utils.translation import gettext_noop, pgettext_lazy

CHOICE_LABELS = (
    # EntryStatus
    gettext_noop("Candidate"),
    gettext_noop("Approved"),
    gettext_noop("Rejected"),
    gettext_noop("Contacted"),
    gettext_noop("Booked"),
    # JobKind
    gettext_noop("Import"),
    gettext_noop("Demo data"),
    gettext_noop("Metrics"),
    gettext_noop("Image embedding"),
    gettext_noop("Index build"),
    gettext_noop("Scoring"),
    gettext_noop("Export"),
    gettext_noop("Connector refresh"),
    gettext_noop("Watch evaluation"),
    # Platform (brand names stay as they are; Chinese platforms get their Chinese names)
    gettext_noop("Xiaohongshu (RED)"),
    gettext_noop("Douyin"),
    gettext_noop("Bilibili"),
    gettext_noop("Weibo"),
    gettext_noop("X (Twitter)"),
    # Parts of a brand match (vetting.services.matching.PART_LABELS)
    gettext_noop("Audience fit"),
    gettext_noop("Authenticity"),
    gettext_noop("Value alignment"),
    gettext_noop("Engagement"),
    # Vetting signals (vetting.scoring.risk: Signal.label)
    gettext_noop("Fake followers (sampled)"),
    gettext_noop("Mass followers"),
    gettext_noop("Follower growth anomalies"),
    gettext_noop("Following churn"),
    gettext_noop("Engagement rate vs benchmark"),
    gettext_noop("Engagement pattern"),
    gettext_noop("Views far below followers"),
    gettext_noop("Comment authenticity"),
    gettext_noop("Reused images"),
    # JobStatus
    gettext_noop("Pending"),
    gettext_noop("Running"),
    gettext_noop("Succeeded"),
    gettext_noop("Failed"),
    gettext_noop("Cancelled"),
    # RuleKind
    gettext_noop("Excluded keywords or topics"),
    gettext_noop("Negative comment sentiment"),
    gettext_noop("Follower growth anomaly"),
    gettext_noop("Engagement anomaly"),
    gettext_noop("Competitor sponsorship"),
    # Severity
    gettext_noop("Low"),
    gettext_noop("Medium"),
    gettext_noop("High"),
    # DeliveryStatus (Pending, Succeeded and Failed are above)
    gettext_noop("Retrying"),
)

# AlertStatus, in their own context: "Open" is a state here, not the verb of an "Open →" link.
# Templates: {% translate label context "alert status" %}.
ALERT_STATUS_LABELS = (
    pgettext_lazy("alert status", "Open"),
    pgettext_lazy("alert status", "Acknowledged"),
    pgettext_lazy("alert status", "Resolved"),
)
