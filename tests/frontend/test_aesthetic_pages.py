"""Search by look in the web UI shows the calibrated match, flags the owner of an uploaded copy
and small feeds, and says how many images are still pending."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from influencers.models import MediaAsset
from tests.factories import AccountFactory, CreatorFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import zoo_image
from vision.services.embedding import embed_pending_assets

pytestmark = pytest.mark.django_db


@pytest.fixture
def feeds(isolated_vision):
    owners = []
    for c, look in enumerate(("dark_moody", "vivid_pop", "bw_contrast")):
        account = AccountFactory(creator=CreatorFactory(display_name=f"{look} creator"))
        for i in range(3 if c else 2):
            add_image_asset(account, zoo_image(look, seed=10 * c + i, size=64))
        owners.append(account.creator)
    embed_pending_assets()
    return owners


def _upload(image) -> io.BytesIO:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "query.png"
    return buffer


def _search_by_look(ui, picture) -> str:
    """Drop an image on discovery: the upload answers with an htmx redirect to discovery's
    results for the search by look (`look=<token>`); the results fragment is returned."""
    started = ui.post(reverse("frontend:aesthetic_search"), {"images": [_upload(picture)]}, HTTP_HX_REQUEST="true")
    assert started.status_code == 204, started.content.decode()
    target = started["HX-Redirect"]
    assert target.startswith(reverse("frontend:discovery")) and "look=" in target
    response = ui.get(target, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200, body
    return body


def test_uploading_a_creators_own_image_shows_it_first_with_the_calibrated_match(ui, feeds, monkeypatch, settings):
    import vision.services.search as search

    own = MediaAsset.objects.filter(account__creator=feeds[1]).first()
    from PIL import Image

    picture = Image.open(own.image.path)
    # One more image waits to be embedded: the page says so, the search does not embed it.
    monkeypatch.setattr(search, "run_outside_request", lambda name, work: None)
    settings.BACKGROUND_THREADS = True
    search.reset_stale_checks()
    add_image_asset(AccountFactory(), zoo_image("vivid_pop", seed=999, size=64))

    body = _search_by_look(ui, picture)
    assert "Match vs catalogue" in body and "of the catalogue" in body
    first_row = body.split("<tr data-row")[1]
    assert "vivid_pop creator" in first_row and 'data-testid="duplicate-badge"' in first_row
    assert body.count('data-testid="duplicate-badge"') == 1
    assert "few images" in body  # the dark creator has 2 images
    assert 'data-testid="pending-images"' in body and "1 image is still being embedded" in body

    ui.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("frontend:discovery")})
    zh_body = _search_by_look(ui, picture)
    assert "相对目录的匹配度" in zh_body and "含有这张原图" in zh_body and "张图片正在向量化" in zh_body


def test_lookalikes_show_match_and_top_share(ui, feeds):
    response = ui.get(reverse("frontend:creator_lookalikes", args=[feeds[0].pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="lookalikes"' in body
    assert body.count("% ") + body.count("%<") >= 2 and body.count("match ") == 2  # both other creators
    assert "few images" not in body  # both other feeds have 3 images
