"""Issue 15: the evidence rule. `risk_level` gets room for "insufficient" (not enough evidence
for a verdict) and `risk_missing` keeps the kinds of evidence a vetting had no data for, so list
rows show them without loading the report. Stored reports keep their old level until vetted
again (`manage.py vet_accounts --all`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0006_metrics_data_as_of"),
    ]

    operations = [
        migrations.AddField(
            model_name="accountmetrics",
            name="risk_missing",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Kinds of evidence the vetting had no data for, e.g. ['follower_sample']",
            ),
        ),
        migrations.AlterField(
            model_name="accountmetrics",
            name="risk_level",
            field=models.CharField(blank=True, max_length=16),
        ),
    ]
