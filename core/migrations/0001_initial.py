"""Organisations, memberships and jobs move here from the influencers app, keeping their rows:
the models are taken over as they are (state only), then their tables are renamed."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The models as they were in the influencers app: same tables, same index names.
STATE_OPERATIONS = [
        migrations.CreateModel(
            name='Organization',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('owner', 'Owner'), ('editor', 'Editor'), ('viewer', 'Viewer')], default='viewer', max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='core.organization')),
            ],
            options={
                'ordering': ['organization_id', 'user_id'],
                'constraints': [models.UniqueConstraint(fields=('user', 'organization'), name='membership_unique_user_org')],
            },
        ),
        migrations.CreateModel(
            name='Job',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('import', 'Import'), ('seed', 'Demo data'), ('metrics', 'Metrics'), ('embed', 'Image embedding'), ('index', 'Index build'), ('score', 'Scoring'), ('export', 'Export'), ('refresh', 'Connector refresh'), ('watch', 'Watch evaluation')], max_length=20)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='pending', max_length=20)),
                ('params', models.JSONField(blank=True, default=dict)),
                ('total', models.PositiveIntegerField(default=0)),
                ('done', models.PositiveIntegerField(default=0)),
                ('counts', models.JSONField(blank=True, default=dict, help_text="e.g. {'created': 3, 'updated': 1}")),
                ('result', models.JSONField(blank=True, default=dict, help_text='e.g. the path of an export file')),
                ('log', models.TextField(blank=True)),
                ('error', models.TextField(blank=True)),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('celery_task_id', models.CharField(blank=True, max_length=100)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to='core.organization')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['kind', 'status'], name='influencers_kind_f084a8_idx')],
            },
        ),
    ]

for _operation in STATE_OPERATIONS:
    if isinstance(_operation, migrations.CreateModel):
        _operation.options["db_table"] = f"influencers_{_operation.name.lower()}"

APP_LABEL = 'core'
MOVED_MODELS = ['organization', 'membership', 'job']


def move_content_types(apps, schema_editor):  # noqa: ANN001, ANN201
    """Permissions and admin history follow the models to their new app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not content_type.objects.filter(app_label=APP_LABEL, model=model).exists():
            content_type.objects.filter(app_label="influencers", model=model).update(app_label=APP_LABEL)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('influencers', '0004_snapshot_account_index_covered_by_unique'),
        # Tables are renamed only after every older migration that links to them has run.
        ('vision', '0002_embed_batches'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=STATE_OPERATIONS),
        migrations.AlterModelTable(name='organization', table=None),
        migrations.AlterModelTable(name='membership', table=None),
        migrations.AlterModelTable(name='job', table=None),
        migrations.RenameIndex(model_name='job', new_name='job_kind_status_idx', old_name='influencers_kind_f084a8_idx'),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
