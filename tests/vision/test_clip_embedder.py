"""The open_clip path, with a tiny model config made here, saved as a checkpoint and loaded back
through VISION_PRETRAINED exactly as a user would. Never touches the network."""

from __future__ import annotations

import io
import json
import uuid

import numpy as np
import open_clip
import pytest
import torch
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from tests.factories import AccountFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import zoo_image
from vision.embedders import get_embedder, reset_embedder_cache
from vision.embedders.clip import OpenClipEmbedder, resolve_clip_weights
from vision.embedders.style import StyleEmbedder
from vision.errors import EmbedderUnavailable, WeightsMissing

TINY_CONFIG = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 1, "width": 32, "patch_size": 8, "head_width": 16},
    "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}


@pytest.fixture(scope="module")
def tiny_model_name(tmp_path_factory) -> str:
    """A tiny ViT + text transformer registered with open_clip under a unique name."""
    name = f"vetted-tiny-{uuid.uuid4().hex[:6]}"
    folder = tmp_path_factory.mktemp("configs")
    (folder / f"{name}.json").write_text(json.dumps(TINY_CONFIG))
    open_clip.add_model_config(folder / f"{name}.json")
    return name


def _checkpoint(name: str, path, seed: int = 0):
    torch.manual_seed(seed)
    model = open_clip.create_model(name)  # random weights: the architecture is what matters here
    torch.save(model.state_dict(), path)
    return path


@pytest.fixture
def clip_settings(settings, tiny_model_name, tmp_path):
    settings.VISION_EMBEDDER = "clip"
    settings.VISION_MODEL = tiny_model_name
    settings.VISION_PRETRAINED = str(_checkpoint(tiny_model_name, tmp_path / "tiny.pt"))
    settings.VISION_BATCH_SIZE = 2
    reset_embedder_cache()
    return settings


def test_checkpoint_file_loads_through_the_user_path_with_its_hash_in_the_id(clip_settings):
    embedder = get_embedder()
    assert isinstance(embedder, OpenClipEmbedder)
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256(Path(clip_settings.VISION_PRETRAINED).read_bytes()).hexdigest()
    assert embedder.id.startswith(f"clip:{clip_settings.VISION_MODEL}:sha256-{digest[:16]}:pp-")
    assert embedder.kind == "clip" and embedder.dim == 32 and embedder.supports_text
    assert "tiny.pt" in embedder.label
    assert embedder.preprocess_cfg["size"] == [32, 32]


def test_same_image_same_vector_batched_or_not_and_unit_length(clip_settings):
    embedder = get_embedder()
    images = [zoo_image(style, seed=1, size=48) for style in ("vivid_pop", "bw_contrast", "sepia_vignette")]
    together = embedder.embed_images(images)  # batch size 2: two batches
    alone = np.stack([embedder.embed_images([image])[0] for image in images])
    assert together.dtype == np.float32 and together.shape == (3, 32)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-5)
    assert np.array_equal(embedder.embed_images(images[:1]), embedder.embed_images(images[:1]))
    text = embedder.embed_texts(["a pastel flat lay", "neon city at night"])
    assert text.shape == (2, 32) and np.allclose(np.linalg.norm(text, axis=1), 1.0, atol=1e-5)


def test_uses_open_clips_real_preprocessing(clip_settings):
    embedder = get_embedder()
    assert isinstance(embedder, OpenClipEmbedder)
    image = zoo_image("teal_orange", seed=2, size=64)
    _, _, reference = open_clip.create_model_and_transforms(
        clip_settings.VISION_MODEL, pretrained=clip_settings.VISION_PRETRAINED
    )
    # prepare runs open_clip's PIL steps, batch_tensor its tensor steps for the whole batch.
    assert torch.equal(embedder.batch_tensor([embedder.prepare(image)])[0], reference(image))


def _unread_jpeg(size: int) -> Image.Image:
    buffer = io.BytesIO()
    zoo_image("teal_orange", seed=3, size=size).save(buffer, format="JPEG", quality=90)
    return Image.open(io.BytesIO(buffer.getvalue()))  # not decoded yet


@pytest.mark.parametrize(("factor", "decoded_side"), [(1, 40), (2, 80)])
def test_a_jpeg_is_decoded_at_the_smallest_dct_scale_that_keeps_factor_times_the_input(
    clip_settings, factor, decoded_side
):
    # The tiny model's input is 32 px: a 320 px JPEG can be decoded at 1/2 (160), 1/4 (80) or
    # 1/8 (40) scale; libjpeg picks the smallest that keeps both sides ≥ factor × 32.
    clip_settings.VISION_JPEG_DECODE_FACTOR = factor
    reset_embedder_cache()
    embedder = get_embedder()
    assert embedder.fit(_unread_jpeg(320)).size == (decoded_side, decoded_side)
    # an already decoded image, or one too small to reduce, is left at its size
    assert embedder.fit(zoo_image("teal_orange", seed=3, size=320)).size == (320, 320)
    assert embedder.fit(_unread_jpeg(48)).size == (48, 48)


def test_the_jpeg_decode_scale_is_part_of_the_embedder_id(clip_settings):
    clip_settings.VISION_JPEG_DECODE_FACTOR = 1
    reset_embedder_cache()
    quarter = get_embedder()
    clip_settings.VISION_JPEG_DECODE_FACTOR = 2
    reset_embedder_cache()
    half = get_embedder()
    assert quarter.id != half.id
    assert quarter.id.rsplit(":pp-", 1)[0] == half.id.rsplit(":pp-", 1)[0]  # same weights, other preprocessing
    assert half.describe()["id"] == half.id


def test_a_decode_factor_below_one_is_refused_by_name(clip_settings):
    clip_settings.VISION_JPEG_DECODE_FACTOR = 0
    reset_embedder_cache()
    with pytest.raises(EmbedderUnavailable, match="VISION_JPEG_DECODE_FACTOR"):
        get_embedder()


def test_a_different_checkpoint_is_a_different_embedder(clip_settings, tmp_path):
    first = get_embedder().id
    clip_settings.VISION_PRETRAINED = str(_checkpoint(clip_settings.VISION_MODEL, tmp_path / "other.pt", seed=1))
    reset_embedder_cache()
    assert get_embedder().id != first


def test_hub_style_folder_is_accepted(clip_settings, tmp_path):
    folder = tmp_path / "hub"
    folder.mkdir()
    _checkpoint(clip_settings.VISION_MODEL, folder / "open_clip_pytorch_model.bin")
    (folder / "open_clip_config.json").write_text(
        json.dumps({"model_name": "tiny-from-folder", "model_cfg": TINY_CONFIG, "preprocess_cfg": {}})
    )
    clip_settings.VISION_PRETRAINED = str(folder)
    reset_embedder_cache()
    embedder = get_embedder()
    assert embedder.id.startswith("clip:tiny-from-folder:sha256-")
    assert embedder.embed_images([Image.new("RGB", (40, 40), (9, 99, 199))]).shape == (1, 32)


@pytest.mark.django_db
def test_text_search_and_image_search_run_end_to_end_with_clip(clip_settings):
    from vision.services.embedding import embed_pending_assets
    from vision.services.search import aesthetic_search

    account = AccountFactory()
    for k in range(3):
        add_image_asset(account, zoo_image("vivid_pop", seed=k, size=48))
    assert embed_pending_assets() == 3
    by_text = aesthetic_search(text="bright saturated colours", top=3)
    assert by_text.embedder["kind"] == "clip" and by_text.index_state == "ready"
    assert [r.creator_id for r in by_text.results] == [account.creator_id]
    both = aesthetic_search(text="bright", images=[zoo_image("vivid_pop", seed=9, size=48)], top=3)
    assert both.results[0].creator_id == account.creator_id

    # Switching embedder never mixes vectors: the style descriptor gets its own rows and index.
    clip_settings.VISION_EMBEDDER = "style"
    reset_embedder_cache()
    assert embed_pending_assets() == 3
    from vision.models import ImageEmbedding

    assert ImageEmbedding.objects.values("embedder_id").distinct().count() == 2
    assert aesthetic_search(images=[zoo_image("vivid_pop", seed=9, size=48)]).embedder["kind"] == "style"


def test_missing_checkpoint_file_says_how_to_provide_weights(settings, tiny_model_name):
    settings.VISION_EMBEDDER = "clip"
    settings.VISION_MODEL = tiny_model_name
    settings.VISION_PRETRAINED = "/nowhere/clip.bin"
    with pytest.raises(WeightsMissing) as caught:
        get_embedder()
    message = str(caught.value)
    assert "/nowhere/clip.bin" in message
    assert "python manage.py vision_fetch_weights" in message and "VISION_PRETRAINED=" in message


def test_pretrained_tag_not_in_the_cache_is_missing_not_downloaded(settings, monkeypatch, tmp_path):
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "empty-cache"))

    def no_network(*args, **kwargs):
        raise AssertionError("tried to download")

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", no_network)
    monkeypatch.setattr(open_clip.pretrained, "hf_hub_download", no_network)
    with pytest.raises(WeightsMissing, match="laion2b_s34b_b79k are not on this machine"):
        resolve_clip_weights("ViT-B-32", "laion2b_s34b_b79k")
    with pytest.raises(EmbedderUnavailable, match="nor a pretrained tag of ViT-B-32"):
        resolve_clip_weights("ViT-B-32", "no_such_tag")
    with pytest.raises(EmbedderUnavailable, match="not an open_clip model"):
        resolve_clip_weights("ViT-Z-99", "")


def test_auto_falls_back_to_the_style_descriptor_without_weights(settings, tiny_model_name, tmp_path):
    settings.VISION_EMBEDDER = "auto"
    settings.VISION_MODEL = tiny_model_name
    settings.VISION_PRETRAINED = str(tmp_path / "absent.pt")
    assert isinstance(get_embedder(), StyleEmbedder)
    settings.VISION_PRETRAINED = str(_checkpoint(tiny_model_name, tmp_path / "present.pt"))
    assert isinstance(get_embedder(), OpenClipEmbedder)


def test_fetch_weights_offline_says_to_run_it_on_an_online_machine(monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(CommandError) as caught:
        call_command(
            "vision_fetch_weights",
            "--model",
            "ViT-B-32",
            "--pretrained",
            "laion2b_s34b_b79k",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert "machine with internet access" in str(caught.value)
    assert "VISION_PRETRAINED" in str(caught.value)
    with pytest.raises(CommandError, match="not a pretrained tag"):
        call_command("vision_fetch_weights", "--model", "ViT-B-32", "--pretrained", "nope", stdout=io.StringIO())
