"""Switching embedder: until the new one has an index, searches are answered from the previous
embedder's index (query embedded by that same embedder) while a job re-embeds the catalogue."""

from __future__ import annotations

import pytest

import vision.embedders as embedders
import vision.services.search as search
from tests.factories import AccountFactory, CreatorFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import zoo_image
from vision.embedders.style import StyleEmbedder
from vision.services.embedding import embed_pending_assets
from vision.services.search import aesthetic_search, lookalikes

pytestmark = pytest.mark.django_db


def test_search_keeps_serving_the_previous_index_while_the_new_embedder_catches_up(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    looks = {}
    for c, look in enumerate(("dark_moody", "vivid_pop", "dark_moody")):
        account = AccountFactory(creator=CreatorFactory(display_name=look))
        for i in range(3):
            add_image_asset(account, zoo_image(look, seed=10 * c + i, size=48))
        looks[account.creator_id] = look
    old = StyleEmbedder(version=1)
    monkeypatch.setattr(embedders, "_build", lambda *key: old)
    embedders.reset_embedder_cache()
    assert embed_pending_assets() == 9  # the catalogue as embedded before the upgrade
    monkeypatch.undo()
    embedders.reset_embedder_cache()
    new = embedders.get_embedder()
    assert new.id != old.id

    started = []
    monkeypatch.setattr(search, "run_outside_request", lambda name, work: started.append(work))
    settings.BACKGROUND_THREADS = True
    search.reset_stale_checks()
    result = aesthetic_search(images=[zoo_image("dark_moody", seed=500, size=48)], top=2)
    assert result.embedder["id"] == old.id and result.index_state == "ready"
    assert {looks[m.creator_id] for m in result.results} == {"dark_moody"}
    assert result.switching_to["id"] == new.id and result.switching_to["pending_images"] == 9
    assert len(started) == 1  # the re-embedding job, outside the request
    similar = lookalikes(creator_id=result.results[0].creator_id, top=1)
    assert similar.embedder["id"] == old.id and similar.switching_to["id"] == new.id

    with django_capture_on_commit_callbacks(execute=True):
        started[0]()  # the job is queued and runs: every image gets a vector of the new embedder
    after = aesthetic_search(images=[zoo_image("dark_moody", seed=500, size=48)], top=2)
    assert after.embedder["id"] == new.id and after.switching_to is None and after.pending_images == 0
    assert {looks[m.creator_id] for m in after.results} == {"dark_moody"}


def test_build_index_if_stale_leaves_a_switch_to_the_job(monkeypatch):
    import io

    from django.core.management import call_command

    account = AccountFactory()
    for i in range(2):
        add_image_asset(account, zoo_image("vivid_pop", seed=i, size=48))
    old = StyleEmbedder(version=1)
    monkeypatch.setattr(embedders, "_build", lambda *key: old)
    embedders.reset_embedder_cache()
    embed_pending_assets()
    monkeypatch.undo()
    embedders.reset_embedder_cache()

    out = io.StringIO()
    call_command("build_index", "--if-stale", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "2 image(s) will be re-embedded by a job" in out.getvalue() and old.id in out.getvalue()
    from vision.models import ImageEmbedding

    assert not ImageEmbedding.objects.filter(embedder_id=embedders.get_embedder().id).exists()
    call_command("build_index", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())  # explicit: embeds
    assert ImageEmbedding.objects.filter(embedder_id=embedders.get_embedder().id).count() == 2
