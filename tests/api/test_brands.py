"""Brands: create/update with validation errors naming the field; mood-board uploads checked
by content, size and pixel count."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.api.conftest import assert_error, png_bytes, upload
from vetting.models import Brand, MoodBoardImage


def test_create_update_delete_brand(editor):
    payload = {
        "name": "Lumi 露米",
        "values": ["sustainable", "环保"],
        "target_audience": {"age": {"weight": 1, "values": {"18-24": 0.5, "25-34": 0.5}}},
        "excluded_keywords": ["gambling"],
        "competitors": ["Glossier"],
        "preferred_platforms": ["xiaohongshu"],
        "min_followers": 1000,
    }
    response = editor.client.post("/api/brands/", payload, format="json")
    assert response.status_code == 201, response.json()
    brand = Brand.objects.get(pk=response.json()["id"])
    assert brand.organization == editor.organization and brand.values == ["sustainable", "环保"]
    response = editor.client.patch(f"/api/brands/{brand.pk}/", {"max_followers": 500}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "max_followers"
    response = editor.client.patch(f"/api/brands/{brand.pk}/", {"description": "Refill"}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "Refill"
    assert editor.client.delete(f"/api/brands/{brand.pk}/").status_code == 204
    assert not Brand.objects.filter(pk=brand.pk).exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "name"),
        ({"name": "A", "target_audience": {"height": {"values": {"tall": 1.0}}}}, "target_audience.height"),
        ({"name": "A", "target_audience": {"age": {"values": {"18-24": 0.3}}}}, "target_audience.age.values"),
        ({"name": "A", "preferred_platforms": ["myspace"]}, "preferred_platforms"),
        ({"name": "A", "values": "not a list"}, "values"),
        ({"name": "A", "min_followers": -5}, "min_followers"),
    ],
)
def test_bad_brand_input_is_400_naming_the_field(editor, payload, field):
    response = editor.client.post("/api/brands/", payload, format="json")
    assert_error(response, field)
    assert not Brand.objects.exists()


def test_duplicate_brand_name_in_org_is_400(editor):
    assert editor.client.post("/api/brands/", {"name": "Same"}, format="json").status_code == 201
    response = editor.client.post("/api/brands/", {"name": "Same"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "name"


@pytest.fixture
def brand(editor):
    from tests.factories import BrandFactory

    return BrandFactory(organization=editor.organization)


def test_mood_board_accepts_an_image_by_content_whatever_its_name(editor, brand):
    response = editor.client.post(
        f"/api/brands/{brand.pk}/mood-board/",
        {"image": upload("board.txt", png_bytes(), "text/plain")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    image = MoodBoardImage.objects.get(brand=brand)
    assert (image.width, image.height) == (32, 32)
    file_response = editor.client.get(f"/api/brands/{brand.pk}/mood-board/{image.pk}/file/")
    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content) == png_bytes()
    again = editor.client.post(
        f"/api/brands/{brand.pk}/mood-board/", {"image": upload("b.png", png_bytes())}, format="multipart"
    )
    assert again.status_code == 400 and again.json()["field"] == "image"


def test_mood_board_refuses_non_images_oversize_and_decompression_bombs(editor, brand, settings):
    cases = [upload("fake.png", b"<html>not an image</html>", "image/png")]
    bomb = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(bomb, format="PNG")  # 144 Mpx in a few kB
    cases.append(upload("bomb.png", bomb.getvalue(), "image/png"))
    settings.UPLOAD_MAX_BYTES = 2_000
    cases.append(upload("big.png", png_bytes(size=(400, 400)) + b"\0" * 3000, "image/png"))
    for case in cases:
        response = editor.client.post(f"/api/brands/{brand.pk}/mood-board/", {"image": case}, format="multipart")
        assert response.status_code == 400, case.name
        assert response.json()["field"] == "image", case.name
    assert not MoodBoardImage.objects.exists()


def test_mood_board_upload_without_file_names_the_field(editor, brand):
    response = editor.client.post(f"/api/brands/{brand.pk}/mood-board/", {}, format="multipart")
    assert_error(response, "image")


def test_target_audience_keys_in_chinese_become_codes_and_unknown_keys_list_the_allowed(editor):
    payload = {"name": "露米", "target_audience": {"gender": {"values": {"女": 0.8, "男": 0.2}}}}
    response = editor.client.post("/api/brands/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert Brand.objects.get().target_audience["gender"]["values"] == {"female": 0.8, "male": 0.2}
    bad = {"name": "B", "target_audience": {"countries": {"values": {"火星": 1.0}}}}
    response = editor.client.post("/api/brands/", bad, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "target_audience.countries.values"
    assert "火星" in str(response.json()) and "CN" in str(response.json())
