"""Search by look inside discovery: uploaded images plus the discovery filters in one search, paged
like any result list, with checkboxes and the evidence images; "find creators like this mood
board" from the brand page; mood-board images deleted; the text prompt offered only where the
embedder reads text."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Role
from tests.factories import BrandFactory, MembershipFactory
from tests.frontend.conftest import make_creator
from tests.vision.conftest import add_image_asset, png_bytes
from tests.vision.style_zoo import zoo_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def looks_catalogue(isolated_vision):
    """Four creators in two styles, two on Instagram, two on TikTok, embedded and indexed."""
    from vision.services.embedding import embed_pending_assets

    creators = {}
    for n, (style, platform) in enumerate(
        [("dark_moody", "instagram"), ("dark_moody", "tiktok"), ("bright_airy", "instagram"), ("bright_airy", "tiktok")]
    ):
        creator = make_creator(f"{style} {platform}", followers=50_000 + n * 1_000, platform=platform)
        account = creator.accounts.get()
        for k in range(3):
            add_image_asset(account, zoo_image(style, seed=10 * n + k, size=48))
        creators[(style, platform)] = creator
    embed_pending_assets()
    return creators


def _query_image(style: str = "dark_moody") -> SimpleUploadedFile:
    return SimpleUploadedFile("query.png", png_bytes(zoo_image(style, seed=99, size=48)), content_type="image/png")


def _start(ui, extra: dict | None = None):
    response = ui.post(reverse("frontend:aesthetic_search"), {"images": [_query_image()], **(extra or {})})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_images_and_filters_in_one_search_with_checkboxes_and_evidence(ui, looks_catalogue):
    location = _start(ui, {"platform": "tiktok"})
    query = parse_qs(urlsplit(location).query)
    assert query["platform"] == ["tiktok"] and query["look"]
    page = ui.get(location).content.decode()
    assert 'data-testid="look-active"' in page
    assert "dark_moody tiktok" in page and "bright_airy tiktok" in page
    assert "instagram" not in page.split('data-testid="results-table"')[1].split("</table>")[0].lower()
    # The closer style ranks first, with its evidence images and a checkbox for the shortlist.
    assert page.index("dark_moody tiktok") < page.index("bright_airy tiktok")
    assert page.count('data-testid="look-evidence"') == 2 and "/media/assets/" in page
    assert page.count('name="creator"') == 2


def test_a_search_by_look_pages_like_any_result_list(ui, looks_catalogue, monkeypatch):
    monkeypatch.setattr("frontend.views.discovery.PAGE_SIZE", 1)
    location = _start(ui)
    first = ui.get(location).content.decode()
    second = ui.get(location + "&page=2").content.decode()
    assert 'data-testid="next-page"' in first
    assert "dark_moody" in first.split('data-testid="results-table"')[1]
    table = second.split('data-testid="results-table"')[1].split("</table>")[0]
    assert table.count('name="creator"') == 1 and "4 creators look alike" in second


def test_an_unknown_look_token_says_it_expired(ui, looks_catalogue):
    response = ui.get(reverse("frontend:discovery") + "?look=nope")
    assert response.status_code == 422 and "expired" in response.content.decode()


def test_the_text_prompt_is_offered_only_where_the_embedder_reads_text(ui, looks_catalogue):
    page = ui.get(reverse("frontend:discovery")).content.decode()
    assert 'data-testid="text-search-off"' in page and 'id="aesthetic-prompt"' not in page
    response = ui.post(reverse("frontend:aesthetic_search"), {"images": [_query_image()], "prompt": "pastel"})
    assert response.status_code == 422 and "CLIP" in response.content.decode()


def test_find_creators_like_a_mood_board(ui, member, looks_catalogue):
    from vetting.services.brands import mood_board_add

    brand = BrandFactory(organization=member.organization)
    mood_board_add(brand=brand, data=png_bytes(zoo_image("bright_airy", seed=77, size=48)), filename="m.png")
    brand_page = ui.get(reverse("frontend:brand", args=[brand.pk])).content.decode()
    assert f"?look_brand={brand.pk}" in brand_page
    page = ui.get(reverse("frontend:discovery") + f"?look_brand={brand.pk}").content.decode()
    assert "mood board" in page and 'data-testid="look-evidence"' in page
    table = page.split('data-testid="results-table"')[1]
    assert table.index("bright_airy") < table.index("dark_moody")


def test_another_organisations_mood_board_is_not_searched(ui, looks_catalogue):
    other = BrandFactory()
    page = ui.get(reverse("frontend:discovery") + f"?look_brand={other.pk}").content.decode()
    assert 'data-testid="look-active"' not in page


def test_mood_board_images_can_be_deleted_by_editors_only(ui, member, isolated_vision):
    from django.test import Client

    from vetting.services.brands import mood_board_add

    brand = BrandFactory(organization=member.organization)
    image = mood_board_add(brand=brand, data=png_bytes(zoo_image("vivid_pop", seed=1, size=48)), filename="m.png")
    url = reverse("frontend:brand_mood_board_delete", args=[brand.pk, image.pk])
    viewer = MembershipFactory(organization=member.organization, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer.user)
    assert client.post(url).status_code == 403
    stranger = MembershipFactory()
    client.force_login(stranger.user)
    assert client.post(url).status_code == 404
    assert brand.mood_board.count() == 1
    response = ui.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and brand.mood_board.count() == 0
    assert "No images yet" in response.content.decode()


def test_matches_show_the_mood_board_evidence_images(ui, member, looks_catalogue):
    from vetting.services.brands import mood_board_add

    brand = BrandFactory(organization=member.organization)
    mood_board_add(brand=brand, data=png_bytes(zoo_image("dark_moody", seed=5, size=48)), filename="m.png")
    page = ui.get(reverse("frontend:brand_matches", args=[brand.pk])).content.decode()
    assert 'data-testid="mood-evidence"' in page and "/media/assets/" in page


def test_a_mood_board_in_object_storage_is_searched_from_a_kept_copy(
    ui, member, looks_catalogue, monkeypatch, settings
):
    from django.db.models.fields.files import FieldFile

    from vetting.services.brands import mood_board_add

    brand = BrandFactory(organization=member.organization)
    mood_board_add(brand=brand, data=png_bytes(zoo_image("bright_airy", seed=78, size=48)), filename="m.png")

    def no_local_path(self):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    monkeypatch.setattr(FieldFile, "path", property(no_local_path))
    url = reverse("frontend:discovery") + f"?look_brand={brand.pk}"
    page = ui.get(url).content.decode()
    table = page.split('data-testid="results-table"')[1]
    assert table.index("bright_airy") < table.index("dark_moody")
    copies = list((settings.UPLOAD_TEMP_DIR / "looks").glob("looks-*/image.img"))
    assert len(copies) == 1
    ui.get(url + "&page=1")
    assert list((settings.UPLOAD_TEMP_DIR / "looks").glob("looks-*/image.img")) == copies  # reused


def test_a_widened_search_by_look_names_the_creator_it_was_widened_with(ui, looks_catalogue, monkeypatch):
    monkeypatch.setattr("vision.services.search.EXPAND_MIN_Z", float("-inf"))  # always widen
    page = ui.get(_start(ui)).content.decode()
    note = page.split('data-testid="look-widened"')[1].split("</span>")[0]
    assert "Widened with the look of dark_moody" in note
    monkeypatch.setattr("vision.services.search.EXPAND_MIN_Z", float("inf"))  # never
    assert 'data-testid="look-widened"' not in ui.get(_start(ui)).content.decode()
