"""VISION_EMBEDDER=auto on a machine without CLIP weights never imports torch or open_clip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vision.embedders.presence import clip_weights_present

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = """
import importlib, json, pkgutil, sys
import django
django.setup()
from django.conf import settings
settings.VISION_EMBEDDER = "auto"
import vision, vetting, api, frontend
for package in (vision, vetting, api, frontend):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations" not in info.name and ".management.commands" not in info.name:
            importlib.import_module(info.name)
from PIL import Image
from vision.embedders import get_embedder
from vision.services.search import build_query_vector
embedder = get_embedder()
vector = build_query_vector(embedder, images=[Image.new("RGB", (64, 64), (200, 120, 40))])
print(json.dumps({"kind": embedder.kind, "dim": int(vector.shape[0]),
                  "torch": "torch" in sys.modules, "open_clip": "open_clip" in sys.modules}))
"""


def test_auto_without_weights_searches_without_importing_torch(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_CACHE": str(tmp_path / "empty-hub"),
        "HOME": str(tmp_path),  # no ~/.cache/clip either
        "VISION_PRETRAINED": "",
    }
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report == {"kind": "style", "dim": report["dim"], "torch": False, "open_clip": False}
    assert report["dim"] > 0


@pytest.mark.parametrize("tag", ["", "laion2b_s34b_b79k"])
def test_a_cached_hub_repo_of_the_tag_counts_as_present(tmp_path, monkeypatch, tag):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    assert not clip_weights_present("ViT-B-32", tag)
    snapshot = tmp_path / "models--laion--CLIP-ViT-B-32-laion2B-s34B-b79K" / "snapshots" / "abc"
    snapshot.mkdir(parents=True)
    assert not clip_weights_present("ViT-B-32", tag)  # a repo without its weights file
    (snapshot / "open_clip_pytorch_model.bin").write_bytes(b"x")
    assert clip_weights_present("ViT-B-32", tag)
    assert not clip_weights_present("ViT-B-16", "")  # another model's default tag


def test_a_checkpoint_path_or_folder_counts_only_when_complete(tmp_path):
    assert not clip_weights_present("ViT-B-32", str(tmp_path / "absent.pt"))
    (tmp_path / "w.pt").write_bytes(b"x")
    assert clip_weights_present("ViT-B-32", str(tmp_path / "w.pt"))
    folder = tmp_path / "clip-weights"
    folder.mkdir()
    (folder / "open_clip_model.safetensors").write_bytes(b"x")
    assert not clip_weights_present("ViT-B-32", str(folder))  # no open_clip_config.json
    (folder / "open_clip_config.json").write_text(json.dumps({"model_cfg": {}}))
    assert clip_weights_present("ViT-B-32", str(folder))
