"""AccountMetrics.data_as_of: the date of an account's newest post or snapshot, which every
metric is now measured back from (docs/metrics.md). Existing rows get it from their data here,
so an upgraded catalogue is not shown as undated (stale) until its next metrics refresh; the
figures themselves change only when the metrics are recomputed (a METRICS job)."""

import datetime as dt

from django.db import migrations, models
from django.db.models import Max
from django.utils import timezone

BATCH = 2000


def fill_data_as_of(apps, schema_editor):
    AccountMetrics = apps.get_model("influencers", "AccountMetrics")
    AccountSnapshot = apps.get_model("influencers", "AccountSnapshot")
    Post = apps.get_model("influencers", "Post")
    now = timezone.now()
    ids = list(AccountMetrics.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        newest: dict[int, dt.date] = dict(
            AccountSnapshot.objects.filter(account_id__in=chunk, date__lte=now.date())
            .values("account_id")
            .annotate(last=Max("date"))
            .values_list("account_id", "last")
        )
        for account_id, posted_at in (
            Post.objects.filter(account_id__in=chunk, posted_at__lte=now)
            .values("account_id")
            .annotate(last=Max("posted_at"))
            .values_list("account_id", "last")
        ):
            day = posted_at.date()
            if account_id not in newest or day > newest[account_id]:
                newest[account_id] = day
        rows = [AccountMetrics(pk=pk, data_as_of=day) for pk, day in newest.items()]
        AccountMetrics.objects.bulk_update(rows, ["data_as_of"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0005_models_moved_to_core_and_vetting"),
    ]

    operations = [
        migrations.AddField(
            model_name="accountmetrics",
            name="data_as_of",
            field=models.DateField(
                blank=True,
                help_text="Date of the newest post or snapshot: the figures describe the account as of then",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="accountmetrics",
            index=models.Index(fields=["data_as_of"], name="metrics_data_as_of_idx"),
        ),
        migrations.RunPython(fill_data_as_of, migrations.RunPython.noop),
    ]
