"""Private files (exports, mood boards) are served only by views that check who asks, on the default
run (DEBUG) and under production settings; /media/ serves the public catalogue images alone;
mood-board thumbnails work without any /media/ route; nginx/Apache get the file handed over."""

from __future__ import annotations

import importlib
import io

import pytest
from django.test import Client
from django.urls import clear_url_caches
from PIL import Image

from core.models import Job, JobKind, JobStatus, Role
from tests.factories import BrandFactory, MembershipFactory
from vetting.services.brands import mood_board_add
from vetting.services.exports import export_dir

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def private_world(settings, tmp_path):
    """Organisation A with a mood-board image and a finished CSV export (private notes inside),
    a member of A, a member of B, and a public catalogue image."""
    settings.MEDIA_ROOT = tmp_path / "media"
    member = MembershipFactory(role=Role.VIEWER)
    outsider = MembershipFactory()
    brand = BrandFactory(organization=member.organization)
    image = mood_board_add(brand=brand, data=_png(), filename="look.png")
    folder = export_dir(member.organization.pk)
    folder.mkdir(parents=True)
    export_path = folder / "export-1.csv"
    export_path.write_text("name,private notes\nMaya,do not share\n")
    job = Job.objects.create(
        kind=JobKind.EXPORT,
        status=JobStatus.SUCCEEDED,
        organization=member.organization,
        result={"path": str(export_path), "filename": "shortlist.csv", "format": "csv"},
    )
    public = settings.MEDIA_ROOT / "assets" / "2026" / "01" / "public.jpg"
    public.parent.mkdir(parents=True)
    public.write_bytes(b"\xff\xd8\xffpublic")
    return {
        "member": member,
        "outsider": outsider,
        "brand": brand,
        "image": image,
        "job": job,
        "export_media_path": f"exports/{member.organization.pk}/export-1.csv",
        "mood_media_path": image.image.name,
    }


def _urlconf(settings, *, debug: bool, serve_media: bool = False) -> None:
    import config.urls

    settings.DEBUG = debug
    settings.SERVE_MEDIA = serve_media
    importlib.reload(config.urls)  # the /media/ route is decided when the URLconf loads
    clear_url_caches()


@pytest.fixture(params=["default run (DEBUG)", "production", "production with SERVE_MEDIA"])
def configuration(request, settings):
    debug, serve = {
        "default run (DEBUG)": (True, False),
        "production": (False, False),
        "production with SERVE_MEDIA": (False, True),
    }[request.param]
    _urlconf(settings, debug=debug, serve_media=serve)
    yield request.param
    _urlconf(settings, debug=False, serve_media=False)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_private_files_never_leak_through_media_or_to_other_organisations(private_world, configuration):
    w = private_world
    anonymous, outsider, member = _client(), _client(w["outsider"].user), _client(w["member"].user)
    direct = [f"/media/{w['export_media_path']}", f"/media/{w['mood_media_path']}", "/media/exports/"]
    traversal = [f"/media/assets/../{w['export_media_path']}", f"/media/assets/%2e%2e/{w['mood_media_path']}"]
    for url in direct + traversal:
        for who, client in (("anonymous", anonymous), ("outsider", outsider), ("member", member)):
            assert client.get(url).status_code == 404, (configuration, who, url)

    views = {
        "export (web)": f"/jobs/{w['job'].pk}/download/",
        "mood board (web)": f"/brands/{w['brand'].pk}/mood-board/{w['image'].pk}/",
        "export (API)": f"/api/exports/{w['job'].pk}/download/",
        "mood board (API)": f"/api/brands/{w['brand'].pk}/mood-board/{w['image'].pk}/file/",
    }
    for what, url in views.items():
        assert anonymous.get(url).status_code in (302, 401, 403), (configuration, what)  # login first
        if "web" in what:
            assert anonymous.get(url)["Location"].startswith("/login/")
        assert outsider.get(url).status_code == 404, (configuration, what)
        mine = member.get(url)
        assert mine.status_code == 200, (configuration, what)
        assert mine["Cache-Control"].startswith("private")
    export = member.get(views["export (web)"])
    assert b"do not share" in b"".join(export.streaming_content)
    assert 'attachment; filename="shortlist.csv"' == export["Content-Disposition"]


def test_public_catalogue_images_are_served_where_media_is(private_world, configuration):
    response = _client().get("/media/assets/2026/01/public.jpg")
    expected = 404 if configuration == "production" else 200  # production: nginx serves them
    assert response.status_code == expected


def test_mood_board_thumbnails_work_in_production_settings(private_world, settings):
    _urlconf(settings, debug=False, serve_media=False)
    try:
        member = _client(private_world["member"].user)
        brand, image = private_world["brand"], private_world["image"]
        page = member.get(f"/brands/{brand.pk}/").content.decode()
        src = f"/brands/{brand.pk}/mood-board/{image.pk}/"
        assert f'src="{src}"' in page and "/media/moodboards" not in page
        thumbnail = member.get(src)
        assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/png"
        assert b"".join(thumbnail.streaming_content).startswith(b"\x89PNG")
    finally:
        _urlconf(settings, debug=False, serve_media=False)


def test_behind_nginx_the_checked_file_is_handed_to_nginx(private_world, settings):
    settings.PRIVATE_MEDIA_SERVER = "nginx"
    w = private_world
    member, outsider = _client(w["member"].user), _client(w["outsider"].user)
    export = member.get(f"/jobs/{w['job'].pk}/download/")
    assert export.status_code == 200 and export.content == b""
    assert export["X-Accel-Redirect"] == f"/_private_media/{w['export_media_path']}"
    assert export["Content-Disposition"] == 'attachment; filename="shortlist.csv"'
    thumb = member.get(f"/brands/{w['brand'].pk}/mood-board/{w['image'].pk}/")
    assert thumb["X-Accel-Redirect"] == f"/_private_media/{w['mood_media_path']}"
    assert outsider.get(f"/jobs/{w['job'].pk}/download/").status_code == 404
    assert "X-Accel-Redirect" not in outsider.get(f"/brands/{w['brand'].pk}/mood-board/{w['image'].pk}/")

    settings.PRIVATE_MEDIA_SERVER = "apache"
    export = member.get(f"/jobs/{w['job'].pk}/download/")
    assert export["X-Sendfile"].endswith(w["export_media_path"])


def test_the_nginx_example_keeps_private_media_internal():
    from pathlib import Path

    conf = (Path(__file__).resolve().parents[2] / "deploy/nginx-vetted.conf").read_text()
    block = conf[conf.index("location /_private_media/") :]
    block = block[: block.index("}")]
    assert "internal;" in block and "alias /var/lib/vetted/media/;" in block
    assert "location ~ ^/media/(assets|avatars)/" in conf
