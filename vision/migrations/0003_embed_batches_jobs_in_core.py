"""Jobs moved to the core app: the embed batches' job links point there (same table, renamed by core)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('core', '0001_initial'),
        ('vision', '0002_embed_batches'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='embedbatch',
                    name='batch_job',
                    field=models.ForeignKey(blank=True, help_text='The job enqueued for this batch (none when the coordinator runs every batch itself)', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.job'),
                ),
                migrations.AlterField(
                    model_name='embedbatch',
                    name='claimed_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.job'),
                ),
                migrations.AlterField(
                    model_name='embedbatch',
                    name='parent_job',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='embed_batches', to='core.job'),
                ),
    ]
        ),
    ]
