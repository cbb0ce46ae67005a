"""Aesthetic search end to end on real images: creators ranked by their images, filters without
lost recall, negatives, lookalikes, clear errors, and a missing or damaged index."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.errors import InputError
from tests.factories import AccountFactory, AccountMetricsFactory, CreatorFactory
from tests.vision.conftest import add_image_asset, png_bytes
from tests.vision.style_zoo import zoo_image
from vision.errors import NoVectors, TextSearchUnavailable
from vision.services.embedding import embed_pending_assets
from vision.services.search import aesthetic_search, lookalikes

pytestmark = pytest.mark.django_db

STYLES = ("bright_airy", "dark_moody", "bw_contrast", "vivid_pop")


@pytest.fixture
def catalogue():
    """8 creators, 2 per style, 2 images each; platform, followers and country vary."""
    creators = {}
    for i in range(8):
        style = STYLES[i % 4]
        creator = CreatorFactory(display_name=f"{style} {i}", country="CN" if i < 4 else "US")
        account = AccountFactory(creator=creator, platform="instagram" if i % 2 == 0 else "xiaohongshu")
        AccountMetricsFactory(account=account, followers=10_000 * (i + 1))
        for k in range(2):
            add_image_asset(account, zoo_image(style, seed=100 * i + k, size=64))
        creators[creator.pk] = style
    embed_pending_assets()
    return creators


def test_searching_with_a_creators_own_images_returns_that_creator_first(catalogue):
    from PIL import Image

    from influencers.models import MediaAsset

    for creator_id in list(catalogue)[:4]:
        own = [Image.open(a.image.path) for a in MediaAsset.objects.filter(account__creator_id=creator_id)]
        result = aesthetic_search(images=own, top=5)
        assert result.results[0].creator_id == creator_id
        single = aesthetic_search(images=own[:1], top=5)
        assert single.results[0].creator_id == creator_id
        assert single.results[0].matches[0].similarity > 0.999  # its own image, found exactly


def test_result_names_the_embedder_and_ranks_the_style_of_the_query(catalogue):
    result = aesthetic_search(images=[zoo_image("dark_moody", seed=5000, size=64)], top=3)
    assert result.index_state == "ready"
    assert result.embedder["kind"] == "style" and "not CLIP" in result.embedder["label"]
    assert [catalogue[m.creator_id] for m in result.results[:2]] == ["dark_moody", "dark_moody"]
    first = result.results[0]
    assert len(first.matches) == 2 and all(m.image_url.startswith("/media/") for m in first.matches)
    sims = [m.similarity for m in first.matches]
    assert sims == sorted(sims, reverse=True)
    assert first.display_name.startswith("dark_moody")
    json.dumps(result.as_dict())  # JSON-ready


def test_images_may_be_given_as_bytes_or_paths(catalogue, tmp_path):
    image = zoo_image("bw_contrast", seed=4242, size=64)
    path = tmp_path / "query.png"
    image.save(path)
    by_image = aesthetic_search(images=[image], top=4)
    by_bytes = aesthetic_search(images=[png_bytes(image)], top=4)
    by_path = aesthetic_search(images=[str(path)], top=4)
    ranking = [m.creator_id for m in by_image.results]
    assert ranking == [m.creator_id for m in by_bytes.results] == [m.creator_id for m in by_path.results]
    with pytest.raises(InputError, match=r"images\[0\]"):
        aesthetic_search(images=[b"not an image"])


def test_filters_restrict_results_without_losing_the_best_matches(catalogue):
    from influencers.models import Creator

    query = [zoo_image("vivid_pop", seed=6000, size=64)]
    unfiltered = aesthetic_search(images=query, top=8)
    expected = [
        m.creator_id
        for m in unfiltered.results
        if Creator.objects.get(pk=m.creator_id).country == "US"
        and Creator.objects.get(pk=m.creator_id).accounts.get().metrics.followers >= 50_000
    ]
    filtered = aesthetic_search(images=query, countries=["us"], min_followers=50_000, top=8)
    assert [m.creator_id for m in filtered.results] == expected
    assert len(expected) == 4

    by_platform = aesthetic_search(images=query, platforms=["xiaohongshu"], top=8)
    assert {Creator.objects.get(pk=m.creator_id).accounts.get().platform for m in by_platform.results} == {
        "xiaohongshu"
    }
    assert len(by_platform.results) == 4

    chosen = list(catalogue)[:3]
    assert {m.creator_id for m in aesthetic_search(images=query, creator_ids=chosen, top=8).results} == set(chosen)
    assert aesthetic_search(images=query, max_followers=5_000).results == []


def test_memoised_filters_follow_a_catalogue_edit_on_the_next_search(catalogue, settings):
    # With a shared cache the accounts passing a filter are memoised per catalogue version: a
    # repeated filter skips the account query, and an edit shows in the very next search.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from influencers.models import Creator

    settings.API_RESPONSE_CACHE_SECONDS = 300
    query = [zoo_image("vivid_pop", seed=6000, size=64)]
    with CaptureQueriesContext(connection) as first:
        before = {m.creator_id for m in aesthetic_search(images=query, countries=["US"], top=8).results}
    with CaptureQueriesContext(connection) as repeat:
        again = {m.creator_id for m in aesthetic_search(images=query, countries=["US"], top=8).results}
    assert again == before and len(before) == 4
    assert len(repeat.captured_queries) < len(first.captured_queries)

    moved = next(c for c in catalogue if c not in before)
    Creator.objects.filter(pk=moved).update(country="US")
    after = {m.creator_id for m in aesthetic_search(images=query, countries=["US"], top=8).results}
    assert after == before | {moved}


def test_bad_filters_are_input_errors_naming_the_field(catalogue):
    query = [zoo_image("vivid_pop", seed=1, size=64)]
    for kwargs, field in (
        ({"platforms": ["myspace"]}, "platforms"),
        ({"min_followers": -1}, "min_followers"),
        ({"min_followers": 10, "max_followers": 5}, "min_followers"),
        ({"countries": ["china"]}, "countries"),
        ({"top": 0}, "top"),
    ):
        with pytest.raises(InputError) as caught:
            aesthetic_search(images=query, **kwargs)
        assert caught.value.field == field
    with pytest.raises(InputError, match="at least one example image"):
        aesthetic_search()


def test_text_search_with_the_style_embedder_says_it_needs_clip(catalogue):
    with pytest.raises(TextSearchUnavailable, match="needs CLIP weights"):
        aesthetic_search(text="moody black and white street photography")


def test_negative_examples_push_their_look_down(catalogue):
    # A query halfway between two looks; saying "not this one" must favour the other.
    from vision.embedders import get_embedder

    mixed = [zoo_image("bright_airy", seed=7000, size=64), zoo_image("bw_contrast", seed=7001, size=64)]
    plain = aesthetic_search(images=mixed, top=8)
    steered = aesthetic_search(images=mixed, negative_images=[zoo_image("bw_contrast", seed=7002, size=64)], top=8)
    rank = lambda result, style: min(i for i, m in enumerate(result.results) if catalogue[m.creator_id] == style)  # noqa: E731
    assert rank(steered, "bw_contrast") > rank(plain, "bw_contrast") or rank(steered, "bright_airy") < rank(
        plain, "bright_airy"
    )
    assert catalogue[steered.results[0].creator_id] != "bw_contrast"
    assert get_embedder().kind == "style"


def test_lookalikes_exclude_the_creator_and_find_its_style(catalogue):
    creator_id = next(c for c, s in catalogue.items() if s == "bw_contrast")
    result = lookalikes(creator_id=creator_id, top=3)
    ids = [m.creator_id for m in result.results]
    assert creator_id not in ids
    assert catalogue[ids[0]] == "bw_contrast"
    assert result.query["lookalikes_of"] == creator_id
    us_only = lookalikes(creator_id=creator_id, top=8, countries=["US"])
    assert all(catalogue[m.creator_id] and m.creator_id != creator_id for m in us_only.results)
    with pytest.raises(InputError, match="unknown filter"):
        lookalikes(creator_id=creator_id, colour="red")
    with pytest.raises(NoVectors):
        lookalikes(creator_id=CreatorFactory().pk)
    with pytest.raises(InputError, match="does not exist"):
        lookalikes(creator_id=10**9)


def test_empty_catalogue_reports_empty():
    result = aesthetic_search(images=[zoo_image("vivid_pop", seed=1, size=64)])
    assert result.results == [] and result.index_state == "empty"


def test_missing_or_damaged_index_is_rebuilt_and_search_still_answers(
    catalogue, monkeypatch, django_capture_on_commit_callbacks
):
    from core.models import Job, JobKind
    from vision.embedders import get_embedder
    from vision.services.index import get_index, index_dir, reset_index_cache

    folder = index_dir(get_embedder().id)
    manifest = json.loads((folder / "manifest.json").read_text())
    index_file = folder / manifest["index_file"]
    index_file.write_bytes(b"\x00" * 64)  # damaged on disk
    reset_index_cache()
    query = [zoo_image("bright_airy", seed=8000, size=64)]
    result = aesthetic_search(images=query, top=2)
    # A small catalogue (exact index) is rebuilt on the spot from the stored vectors.
    assert result.index_state == "ready"
    assert [catalogue[m.creator_id] for m in result.results] == ["bright_airy", "bright_airy"]
    assert get_index().version == manifest["version"] + 1

    # A large one gets a rebuild job; meanwhile the state says so instead of failing.
    monkeypatch.setattr("vision.services.search.FLAT_MAX", 10)
    import shutil

    shutil.rmtree(folder)
    reset_index_cache()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        waiting = aesthetic_search(images=query, top=2)
    assert waiting.index_state == "rebuilding" and waiting.results == []
    assert Job.objects.filter(kind=JobKind.INDEX, status="pending").count() == 1 and len(callbacks) == 1
    callbacks[0]()  # the job runs (eager mode runs it at commit)
    assert aesthetic_search(images=query, top=2).index_state == "ready"


def test_deleted_assets_disappear_from_results_before_the_index_catches_up(catalogue):
    from PIL import Image

    from influencers.models import MediaAsset

    creator_id = next(iter(catalogue))
    assets = list(MediaAsset.objects.filter(account__creator_id=creator_id))
    query = [Image.open(assets[0].image.path)]
    assets[0].delete()
    result = aesthetic_search(images=query, top=3)
    shown = {m.asset_id for r in result.results for m in r.matches}
    assert assets[0].pk not in shown


def test_aesthetic_search_command_prints_a_table_or_json(catalogue, tmp_path):
    path = tmp_path / "q.png"
    zoo_image("vivid_pop", seed=9000, size=64).save(path)
    out = io.StringIO()
    call_command("aesthetic_search", "--image", str(path), "--top", "2", stdout=out)
    text = out.getvalue()
    assert "Style descriptor v3 (colour, tone, grade, texture and shape; not CLIP)" in text and "vivid_pop" in text
    out = io.StringIO()
    call_command("aesthetic_search", "--image", str(path), "--top", "2", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["embedder"]["kind"] == "style" and len(data["results"]) == 2
    assert {catalogue[r["creator_id"]] for r in data["results"]} == {"vivid_pop"}
    with pytest.raises(CommandError, match="needs CLIP weights"):
        call_command("aesthetic_search", "--text", "neon city nights", stdout=io.StringIO())
    with pytest.raises(CommandError, match="missing.png"):
        call_command("aesthetic_search", "--image", str(tmp_path / "missing.png"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--image"):
        call_command("aesthetic_search", stdout=io.StringIO())
