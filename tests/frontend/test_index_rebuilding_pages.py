"""While a large image index is being rebuilt, aesthetic search and lookalikes say so (in English
and Chinese) instead of looking like "nothing matched"."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from core.models import Job, JobKind, JobStatus
from tests.factories import AccountFactory, CreatorFactory
from tests.vision.conftest import add_image_asset, png_bytes
from tests.vision.style_zoo import zoo_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def unindexed_catalogue(isolated_vision, monkeypatch):
    """Embedded images but no index, in a catalogue counted as too large to rebuild within a search."""
    from vision.services.embedding import embed_pending_assets

    creators = []
    for n, style in enumerate(("bright_airy", "dark_moody")):
        creator = CreatorFactory(display_name=f"{style} creator")
        account = AccountFactory(creator=creator)
        for k in range(2):
            add_image_asset(account, zoo_image(style, seed=10 * n + k, size=48))
        creators.append(creator)
    assert embed_pending_assets(update_index=False) == 4
    monkeypatch.setattr("vision.services.search.FLAT_MAX", 1)
    return creators


def test_aesthetic_search_says_the_index_is_being_rebuilt(ui, unindexed_catalogue, django_capture_on_commit_callbacks):
    upload = io.BytesIO(png_bytes(zoo_image("dark_moody", seed=99, size=48)))
    upload.name = "query.png"
    with django_capture_on_commit_callbacks(execute=False):  # the rebuild job has not run yet
        response = ui.post(reverse("frontend:aesthetic_search"), {"images": [upload]}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="index-rebuilding"' in body and "The image index is being rebuilt" in body
    assert 'data-testid="aesthetic-results"' not in body and 'data-testid="look-active"' in body
    assert Job.objects.filter(kind=JobKind.INDEX, status=JobStatus.PENDING).exists()

    ui.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    upload.seek(0)
    with django_capture_on_commit_callbacks(execute=False):
        chinese = ui.post(reverse("frontend:aesthetic_search"), {"images": [upload]}, follow=True).content.decode()
    assert "图片索引正在重建" in chinese


def test_lookalikes_say_the_index_is_being_rebuilt(ui, unindexed_catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = ui.get(reverse("frontend:creator_lookalikes", args=[unindexed_catalogue[0].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="index-rebuilding"' in body and 'data-testid="lookalikes"' not in body


def test_once_the_rebuild_has_run_the_results_show(ui, unindexed_catalogue):
    from vision.services.index import index_build

    index_build()
    response = ui.get(reverse("frontend:creator_lookalikes", args=[unindexed_catalogue[0].pk]))
    body = response.content.decode()
    assert 'data-testid="lookalikes"' in body and 'data-testid="index-rebuilding"' not in body
