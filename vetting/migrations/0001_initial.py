"""Brands, shortlists, notes and monitoring move here from the influencers app, keeping their
rows: the models are taken over as they are (state only), then their tables are renamed
(with the watch-creators link table)."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

# The models as they were in the influencers app: same tables, same index names.
STATE_OPERATIONS = [
        migrations.CreateModel(
            name='Brand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('description', models.TextField(blank=True)),
                ('values', models.JSONField(blank=True, default=list, help_text="Brand values, e.g. ['sustainable', '环保']")),
                ('target_audience', models.JSONField(blank=True, default=dict)),
                ('excluded_topics', models.JSONField(blank=True, default=list)),
                ('excluded_keywords', models.JSONField(blank=True, default=list)),
                ('competitors', models.JSONField(blank=True, default=list)),
                ('preferred_platforms', models.JSONField(blank=True, default=list)),
                ('min_followers', models.PositiveBigIntegerField(blank=True, null=True)),
                ('max_followers', models.PositiveBigIntegerField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='brands', to='core.organization')),
            ],
            options={
                'ordering': ['name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CreatorNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('creator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='org_notes', to='influencers.creator')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='creator_notes', to='core.organization')),
            ],
            options={
                'ordering': ['-created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='MoodBoardImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('image', models.ImageField(upload_to='moodboards/%Y/%m/')),
                ('sha256', models.CharField(max_length=64)),
                ('width', models.PositiveIntegerField()),
                ('height', models.PositiveIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('brand', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mood_board', to='vetting.brand')),
            ],
            options={
                'ordering': ['brand_id', 'id'],
            },
        ),
        migrations.CreateModel(
            name='NotificationSettings',
            fields=[
                ('organization', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='notification_settings', serialize=False, to='core.organization')),
                ('email_enabled', models.BooleanField(default=True)),
                ('email_recipients', models.JSONField(blank=True, default=list)),
                ('webhook_enabled', models.BooleanField(default=False)),
                ('webhook_url', models.URLField(blank=True, max_length=1000)),
                ('webhook_secret', models.CharField(blank=True, max_length=200)),
                ('min_severity', models.CharField(choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High')], default='low', max_length=10)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'notification settings',
            },
        ),
        migrations.CreateModel(
            name='Shortlist',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('campaign', models.CharField(blank=True, max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('brand', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='shortlists', to='vetting.brand')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shortlists', to='core.organization')),
            ],
            options={
                'ordering': ['-updated_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ShortlistEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('candidate', 'Candidate'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('contacted', 'Contacted'), ('booked', 'Booked')], default='candidate', max_length=20)),
                ('notes', models.TextField(blank=True)),
                ('vetting_snapshot', models.JSONField(blank=True, default=dict)),
                ('added_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('added_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('creator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shortlist_entries', to='influencers.creator')),
                ('shortlist', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='vetting.shortlist')),
            ],
            options={
                'verbose_name_plural': 'shortlist entries',
                'ordering': ['shortlist_id', 'added_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ShortlistEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(help_text='added, status, notes', max_length=30)),
                ('old_value', models.TextField(blank=True)),
                ('new_value', models.TextField(blank=True)),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='vetting.shortlistentry')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['entry_id', 'at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Watch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('is_active', models.BooleanField(default=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('brand', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='watches', to='vetting.brand')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('creators', models.ManyToManyField(blank=True, related_name='watches', to='influencers.creator')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='watches', to='core.organization')),
                ('shortlist', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='watches', to='vetting.shortlist')),
            ],
            options={
                'verbose_name_plural': 'watches',
                'ordering': ['name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='WatchRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('keyword', 'Excluded keywords or topics'), ('sentiment', 'Negative comment sentiment'), ('growth_anomaly', 'Follower growth anomaly'), ('engagement_anomaly', 'Engagement anomaly'), ('competitor', 'Competitor sponsorship')], max_length=30)),
                ('name', models.CharField(blank=True, max_length=200)),
                ('params', models.JSONField(blank=True, default=dict)),
                ('is_active', models.BooleanField(default=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('watch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='vetting.watch')),
            ],
            options={
                'ordering': ['watch_id', 'kind', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Alert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('keyword', 'Excluded keywords or topics'), ('sentiment', 'Negative comment sentiment'), ('growth_anomaly', 'Follower growth anomaly'), ('engagement_anomaly', 'Engagement anomaly'), ('competitor', 'Competitor sponsorship')], help_text="The rule's kind when raised", max_length=30)),
                ('severity', models.CharField(choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High')], default='medium', max_length=10)),
                ('title', models.CharField(max_length=300)),
                ('summary', models.TextField(blank=True)),
                ('evidence', models.JSONField(blank=True, default=dict)),
                ('cause_key', models.CharField(max_length=200)),
                ('status', models.CharField(choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('resolved', 'Resolved')], default='open', max_length=20)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('last_seen_at', models.DateTimeField(auto_now_add=True, help_text='Last evaluation that still saw the cause')),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('resolution_note', models.TextField(blank=True)),
                ('notified_at', models.DateTimeField(blank=True, null=True)),
                ('account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='alerts', to='influencers.account')),
                ('acknowledged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('creator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='influencers.creator')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='core.organization')),
                ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('brand', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='alerts', to='vetting.brand')),
                ('watch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='alerts', to='vetting.watch')),
                ('rule', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='alerts', to='vetting.watchrule')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('delivery_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('event', models.CharField(help_text='e.g. alert.created, ping', max_length=50)),
                ('url', models.URLField(max_length=1000)),
                ('body', models.TextField(help_text='The JSON body, byte for byte as signed and sent')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('retrying', 'Retrying'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='pending', max_length=20)),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('last_status_code', models.PositiveIntegerField(blank=True, null=True)),
                ('last_error', models.TextField(blank=True)),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('alert', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='deliveries', to='vetting.alert')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='webhook_deliveries', to='core.organization')),
            ],
            options={
                'verbose_name_plural': 'webhook deliveries',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='WebhookAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('signed_timestamp', models.BigIntegerField()),
                ('status_code', models.PositiveIntegerField(blank=True, null=True)),
                ('response_excerpt', models.TextField(blank=True)),
                ('error', models.TextField(blank=True)),
                ('duration_ms', models.PositiveIntegerField(default=0)),
                ('succeeded', models.BooleanField(default=False)),
                ('retry_in_seconds', models.PositiveIntegerField(blank=True, null=True)),
                ('delivery', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempt_log', to='vetting.webhookdelivery')),
            ],
            options={
                'ordering': ['delivery_id', 'number'],
            },
        ),
        migrations.AddConstraint(
            model_name='brand',
            constraint=models.UniqueConstraint(fields=('organization', 'name'), name='brand_unique_org_name'),
        ),
        migrations.AddConstraint(
            model_name='moodboardimage',
            constraint=models.UniqueConstraint(fields=('brand', 'sha256'), name='moodboard_unique_brand_sha256'),
        ),
        migrations.AddConstraint(
            model_name='shortlistentry',
            constraint=models.UniqueConstraint(fields=('shortlist', 'creator'), name='entry_unique_shortlist_creator'),
        ),
        migrations.AddConstraint(
            model_name='watch',
            constraint=models.UniqueConstraint(fields=('organization', 'name'), name='watch_unique_org_name'),
        ),
        migrations.AddIndex(
            model_name='alert',
            index=models.Index(fields=['organization', 'status', '-created_at'], name='alert_org_status_created'),
        ),
        migrations.AddIndex(
            model_name='alert',
            index=models.Index(fields=['organization', 'cause_key'], name='alert_org_cause'),
        ),
        migrations.AddConstraint(
            model_name='alert',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'resolved'), _negated=True), fields=('organization', 'cause_key'), name='alert_unique_live_cause'),
        ),
        migrations.AddIndex(
            model_name='webhookdelivery',
            index=models.Index(fields=['organization', '-created_at'], name='delivery_org_created'),
        ),
        migrations.AddConstraint(
            model_name='webhookattempt',
            constraint=models.UniqueConstraint(fields=('delivery', 'number'), name='webhook_attempt_unique_number'),
        ),
    ]

for _operation in STATE_OPERATIONS:
    if isinstance(_operation, migrations.CreateModel):
        _operation.options["db_table"] = f"influencers_{_operation.name.lower()}"

APP_LABEL = 'vetting'
MOVED_MODELS = ['brand', 'moodboardimage', 'shortlist', 'shortlistentry', 'shortlistevent', 'creatornote', 'watch', 'watchrule', 'alert', 'notificationsettings', 'webhookdelivery', 'webhookattempt']


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
        ('core', '0001_initial'),
        ('influencers', '0004_snapshot_account_index_covered_by_unique'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=STATE_OPERATIONS),
        migrations.AlterModelTable(name='brand', table=None),
        migrations.AlterModelTable(name='moodboardimage', table=None),
        migrations.AlterModelTable(name='shortlist', table=None),
        migrations.AlterModelTable(name='shortlistentry', table=None),
        migrations.AlterModelTable(name='shortlistevent', table=None),
        migrations.AlterModelTable(name='creatornote', table=None),
        migrations.AlterModelTable(name='watch', table=None),
        migrations.AlterModelTable(name='watchrule', table=None),
        migrations.AlterModelTable(name='alert', table=None),
        migrations.AlterModelTable(name='notificationsettings', table=None),
        migrations.AlterModelTable(name='webhookdelivery', table=None),
        migrations.AlterModelTable(name='webhookattempt', table=None),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
