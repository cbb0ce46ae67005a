"""POST /api/search/aesthetic/ and lookalikes: uploads checked before the vision module sees
them; results carry each creator's row, the evidence images and the embedder. The vision
service is replaced by a double at its boundary (no weights in tests)."""

from __future__ import annotations

import pytest

from tests.api.conftest import png_bytes, upload
from tests.factories import CreatorFactory
from vision.services.results import AestheticSearchResult, CreatorMatch, ImageMatch


@pytest.fixture
def vision_calls(monkeypatch, db):
    calls = []
    creator = CreatorFactory(display_name="Moody 暗调")

    def result() -> AestheticSearchResult:
        return AestheticSearchResult(
            embedder={"id": "style-v1", "kind": "style", "label": "colour/texture descriptor"},
            index_state="ready",
            results=[
                CreatorMatch(
                    creator.pk, 0.91, [ImageMatch(asset_id=7, account_id=3, similarity=0.93, image_url="/media/a.jpg")]
                ),
                CreatorMatch(987654, 0.5, []),  # deleted since indexing: dropped
            ],
        )

    def aesthetic_search(**kwargs):
        calls.append(("aesthetic_search", kwargs))
        return result()

    def lookalikes(**kwargs):
        calls.append(("lookalikes", kwargs))
        return result()

    monkeypatch.setattr("api.views.search.aesthetic_search", aesthetic_search)
    monkeypatch.setattr("api.views.creators.lookalikes", lookalikes)
    return calls, creator


def test_search_with_images_and_text_returns_ranked_creators_with_evidence(viewer, vision_calls):
    calls, creator = vision_calls
    response = viewer.client.post(
        "/api/search/aesthetic/",
        {
            "images": [upload("a.png", png_bytes()), upload("b.png", png_bytes(color=(0, 0, 0)))],
            "text": "moody film",
            "platform": ["instagram"],
            "min_followers": 1000,
            "country": ["cn"],
            "top": 5,
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["embedder"]["kind"] == "style" and body["index_state"] == "ready"
    assert [r["creator"]["id"] for r in body["results"]] == [creator.pk]
    assert body["results"][0]["matches"][0]["similarity"] == 0.93
    operation, kwargs = calls[0]
    assert operation == "aesthetic_search"
    assert len(kwargs["images"]) == 2 and kwargs["images"][0] == png_bytes()
    assert kwargs["text"] == "moody film" and kwargs["platforms"] == ["instagram"] and kwargs["countries"] == ["CN"]
    assert kwargs["top"] == 5 and kwargs["min_followers"] == 1000


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "images"),
        ({"text": "  "}, "images"),
        ({"images": [upload("x.png", b"GIF89a-not-really")]}, "images[0]"),
        ({"text": "x", "top": 0}, "top"),
        ({"text": "x", "min_followers": 10, "max_followers": 5}, "max_followers"),
        ({"text": "x", "platform": ["friendster"]}, "platform"),
    ],
)
def test_bad_search_input_is_400_naming_the_field_and_never_reaches_vision(editor, vision_calls, data, field):
    calls, _ = vision_calls
    response = editor.client.post("/api/search/aesthetic/", data, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field or body["field"].startswith(f"{field}["), body  # one error shape
    assert calls == []


def test_lookalikes_404_for_unknown_creator_and_uses_vision(editor, vision_calls):
    calls, creator = vision_calls
    assert editor.client.get("/api/creators/999999/lookalikes/").status_code == 404
    response = editor.client.get(f"/api/creators/{creator.pk}/lookalikes/?top=3")
    assert response.status_code == 200
    assert calls[-1] == ("lookalikes", {"creator_id": creator.pk, "top": 3})
    assert editor.client.get(f"/api/creators/{creator.pk}/lookalikes/?top=1000").status_code == 400


def test_real_vision_module_answers_with_the_embedder_named(editor, db):
    response = editor.client.post(
        "/api/search/aesthetic/", {"images": [upload("a.png", png_bytes(size=(64, 64)))], "top": 3}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["embedder"], body  # names the embedder even when nothing is indexed yet
    assert isinstance(body["results"], list)
    # The weight-free style embedder of the test settings has no text encoder: 400 naming `text`.
    response = editor.client.post("/api/search/aesthetic/", {"text": "moody film"}, format="json")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["field"] == "text"


def test_search_is_throttled_per_user_with_a_json_429(editor, viewer, vision_calls, monkeypatch):
    from django.core.cache import cache

    from api.views.search import AestheticSearchThrottle

    cache.clear()
    monkeypatch.setattr(AestheticSearchThrottle, "rate", "2/min")
    codes = [editor.client.post("/api/search/aesthetic/", {"text": "x"}, format="json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    response = editor.client.post("/api/search/aesthetic/", {"text": "x"}, format="json")
    assert response.status_code == 429 and "detail" in response.json()
    # Per user: another member is not affected.
    assert viewer.client.post("/api/search/aesthetic/", {"text": "x"}, format="json").status_code == 200


def test_the_whole_api_has_a_per_user_throttle_in_production_settings():
    from config.settings import base

    assert "api.throttling.WindowedUserRateThrottle" in base.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]
