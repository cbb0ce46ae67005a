"""The split of the influencers app keeps every row: organisations, memberships and jobs moved to
core, brands, shortlists, notes and monitoring to vetting, by state-only moves and then table
renames (core/migrations/0001_initial.py, vetting/migrations/0001_initial.py,
vision/migrations/0003_embed_batches_jobs_in_core.py,
influencers/migrations/0005_models_moved_to_core_and_vetting.py).

The database is taken back to before the move, filled through the historical models, and
migrated forward again; the current models must then read every row with its links, and new
rows must go into the renamed tables.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import Job, Membership, Organization
from tests.factories import BrandFactory, JobFactory
from tests.migrations import migrate_to
from vetting.models import (
    Alert,
    Brand,
    CreatorNote,
    MoodBoardImage,
    NotificationSettings,
    Shortlist,
    ShortlistEntry,
    ShortlistEvent,
    Watch,
    WatchRule,
    WebhookAttempt,
    WebhookDelivery,
)
from vision.models import EmbedBatch

BEFORE_THE_MOVE = [
    ("influencers", "0004_snapshot_account_index_covered_by_unique"),
    ("vision", "0002_embed_batches"),
]
# The apps the models moved to did not exist yet.
NOT_YET = [("core", None), ("vetting", None)]


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _fill_before_the_move(apps) -> dict[str, int]:
    """One row of each moved model (and of the catalogue and vision rows they link to), written
    through the models as they were in the influencers app; returns their primary keys."""

    def model(label: str):
        return apps.get_model(*label.split("."))

    user = model("auth.User").objects.create(username="migrated-editor")
    organization = model("influencers.Organization").objects.create(name="Agency before the move")
    membership = model("influencers.Membership").objects.create(user=user, organization=organization, role="editor")
    job = model("influencers.Job").objects.create(kind="embed", status="succeeded", organization=organization)
    creator = model("influencers.Creator").objects.create(display_name="Lin Mei 林美")
    account = model("influencers.Account").objects.create(creator=creator, platform="instagram", handle="lin.mei")
    brand = model("influencers.Brand").objects.create(organization=organization, name="Moved brand")
    mood = model("influencers.MoodBoardImage").objects.create(
        brand=brand, image="moodboards/moved.png", sha256="a" * 64, width=8, height=8
    )
    shortlist = model("influencers.Shortlist").objects.create(organization=organization, brand=brand, name="Spring")
    entry = model("influencers.ShortlistEntry").objects.create(shortlist=shortlist, creator=creator)
    event = model("influencers.ShortlistEvent").objects.create(entry=entry, user=user, action="added")
    note = model("influencers.CreatorNote").objects.create(organization=organization, creator=creator, text="Kind")
    watch = model("influencers.Watch").objects.create(organization=organization, brand=brand, name="Launch watch")
    watch.creators.add(creator)
    rule = model("influencers.WatchRule").objects.create(watch=watch, kind="keyword", params={"terms": ["赌博"]})
    alert = model("influencers.Alert").objects.create(
        organization=organization,
        watch=watch,
        rule=rule,
        kind="keyword",
        creator=creator,
        account=account,
        title="1 post with excluded terms",
        cause_key="keyword:moved",
    )
    settings = model("influencers.NotificationSettings").objects.create(
        organization=organization, webhook_enabled=True, webhook_url="https://hooks.example.com/moved"
    )
    delivery = model("influencers.WebhookDelivery").objects.create(
        organization=organization, alert=alert, event="alert.created", url="https://hooks.example.com/moved", body="{}"
    )
    attempt = model("influencers.WebhookAttempt").objects.create(
        delivery=delivery, number=1, signed_timestamp=1_700_000_000, status_code=200, succeeded=True
    )
    batch = model("vision.EmbedBatch").objects.create(
        parent_job=job, batch_job=job, embedder_id="style", first_asset_id=1, last_asset_id=10, total=10
    )
    return {
        name: row.pk
        for name, row in {
            "user": user,
            "organization": organization,
            "membership": membership,
            "job": job,
            "creator": creator,
            "account": account,
            "brand": brand,
            "mood": mood,
            "shortlist": shortlist,
            "entry": entry,
            "event": event,
            "note": note,
            "watch": watch,
            "rule": rule,
            "alert": alert,
            "settings": settings,
            "delivery": delivery,
            "attempt": attempt,
            "batch": batch,
        }.items()
    }


def _assert_every_row_is_there(pk: dict[str, int]) -> None:
    organization = Organization.objects.get(pk=pk["organization"])
    assert organization.name == "Agency before the move"
    membership = Membership.objects.get(pk=pk["membership"])
    assert (membership.organization_id, membership.user_id, membership.role) == (
        pk["organization"],
        pk["user"],
        "editor",
    )
    job = Job.objects.get(pk=pk["job"])
    assert (job.kind, job.status, job.organization_id) == ("embed", "succeeded", pk["organization"])

    brand = Brand.objects.get(pk=pk["brand"])
    assert (brand.name, brand.organization_id) == ("Moved brand", pk["organization"])
    assert list(brand.mood_board.values_list("pk", "sha256")) == [(pk["mood"], "a" * 64)]
    assert MoodBoardImage.objects.get(pk=pk["mood"]).image.name == "moodboards/moved.png"
    shortlist = Shortlist.objects.get(pk=pk["shortlist"])
    assert (shortlist.brand_id, shortlist.organization_id) == (pk["brand"], pk["organization"])
    entry = ShortlistEntry.objects.get(pk=pk["entry"])
    assert (entry.shortlist_id, entry.creator_id) == (pk["shortlist"], pk["creator"])
    event = ShortlistEvent.objects.get(pk=pk["event"])
    assert (event.entry_id, event.user_id, event.action) == (pk["entry"], pk["user"], "added")
    note = CreatorNote.objects.get(pk=pk["note"])
    assert (note.creator_id, note.organization_id, note.text) == (pk["creator"], pk["organization"], "Kind")

    watch = Watch.objects.get(pk=pk["watch"])
    assert list(watch.creators.values_list("pk", flat=True)) == [pk["creator"]]
    assert (watch.brand_id, watch.organization_id) == (pk["brand"], pk["organization"])
    rule = WatchRule.objects.get(pk=pk["rule"])
    assert (rule.watch_id, rule.params) == (pk["watch"], {"terms": ["赌博"]})
    alert = Alert.objects.get(pk=pk["alert"])
    assert (alert.watch_id, alert.rule_id, alert.creator_id, alert.account_id) == (
        pk["watch"],
        pk["rule"],
        pk["creator"],
        pk["account"],
    )
    settings = NotificationSettings.objects.get(pk=pk["settings"])
    assert (settings.organization_id, settings.webhook_url) == (pk["organization"], "https://hooks.example.com/moved")
    delivery = WebhookDelivery.objects.get(pk=pk["delivery"])
    assert (delivery.alert_id, delivery.organization_id) == (pk["alert"], pk["organization"])
    attempt = WebhookAttempt.objects.get(pk=pk["attempt"])
    assert (attempt.delivery_id, attempt.signed_timestamp, attempt.succeeded) == (pk["delivery"], 1_700_000_000, True)

    batch = EmbedBatch.objects.get(pk=pk["batch"])
    assert (batch.parent_job_id, batch.batch_job_id) == (pk["job"], pk["job"])
    assert list(job.embed_batches.values_list("pk", flat=True)) == [pk["batch"]]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_moving_the_models_to_core_and_vetting_keeps_every_row_and_link():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = migrate_to(BEFORE_THE_MOVE + NOT_YET)
        before = executor.loader.project_state(BEFORE_THE_MOVE).apps
        with pytest.raises(LookupError):
            before.get_model("core", "Job")  # really before the move
        assert {"influencers_job", "influencers_brand", "influencers_watch_creators"} <= _tables()
        pk = _fill_before_the_move(before)

        migrate_to(latest)
        _assert_every_row_is_there(pk)
        tables = _tables()
        assert {"core_job", "vetting_brand", "vetting_watch_creators"} <= tables
        assert not {"influencers_job", "influencers_brand", "influencers_watch_creators"} & tables

        # The renamed tables take new rows, with keys of their own.
        organization = Organization.objects.get(pk=pk["organization"])
        new_brand = BrandFactory(organization=organization, name="After the move")
        new_job = JobFactory(organization=organization)
        assert new_brand.pk != pk["brand"] and new_job.pk != pk["job"]
        assert set(organization.brands.values_list("name", flat=True)) == {"Moved brand", "After the move"}
        assert Job.objects.filter(organization=organization).count() == 2
    finally:
        migrate_to(latest)  # the schema every other test expects, even after a failure here
