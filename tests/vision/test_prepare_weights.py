"""`vision_prepare_weights` (scripts/run.sh): fetch CLIP weights once when the hub answers,
otherwise one line saying the style descriptor is used. Offline: the hub check and the
download are replaced at their boundary."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import vision.management.commands.vision_prepare_weights as prepare


def _run(**options) -> str:
    out = io.StringIO()
    call_command("vision_prepare_weights", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def online(monkeypatch, settings, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hub"))
    settings.VISION_EMBEDDER = "auto"
    settings.VISION_PRETRAINED = ""
    fetched = []
    monkeypatch.setattr(prepare, "call_command", lambda name, **kw: fetched.append((name, kw)))
    return fetched


def test_a_reachable_hub_fetches_the_weights_once(online, monkeypatch):
    checks = []
    monkeypatch.setattr(prepare, "hub_reachable", lambda timeout: checks.append(timeout) or True)
    out = _run(hub_timeout=2)
    assert online == [("vision_fetch_weights", {"model": "ViT-B-32", "pretrained": None})]
    assert checks == [2.0] and "fetching CLIP weights" in out


def test_an_unreachable_hub_prints_one_line_on_how_to_enable_clip(online, monkeypatch):
    monkeypatch.setattr(prepare, "hub_reachable", lambda timeout: False)
    out = _run()
    assert online == []
    assert out.count("\n") == 1 and "style descriptor" in out and "vision_fetch_weights" in out


def test_a_failed_download_does_not_fail_the_start(online, monkeypatch):
    def broken(name, **kw):
        raise CommandError("could not download ViT-B-32 / x: connection reset\nmore")

    monkeypatch.setattr(prepare, "hub_reachable", lambda timeout: True)
    monkeypatch.setattr(prepare, "call_command", broken)
    assert "the download failed: could not download" in _run()


def test_nothing_to_do_with_the_style_embedder_or_weights_present(online, monkeypatch, settings, tmp_path):
    monkeypatch.setattr(prepare, "hub_reachable", lambda timeout: pytest.fail("checked the hub"))
    settings.VISION_EMBEDDER = "style"
    assert _run() == ""
    settings.VISION_EMBEDDER = "auto"
    weights = tmp_path / "w.pt"
    weights.write_bytes(b"x")
    settings.VISION_PRETRAINED = str(weights)
    assert "CLIP weights found" in _run()
    assert online == []


def test_offline_mode_is_respected(online, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(prepare, "hub_reachable", lambda timeout: pytest.fail("checked the hub"))
    assert "HF_HUB_OFFLINE is set" in _run()


def test_hub_check_passes_its_timeout_and_treats_errors_as_unreachable(monkeypatch):
    import urllib.error

    seen = []

    def refused(request, timeout):
        seen.append((request.get_method(), timeout))
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr(prepare.urllib.request, "urlopen", refused)
    assert prepare.hub_reachable(0.5) is False
    assert seen == [("HEAD", 0.5)]

    def answered(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 403, "forbidden", {}, None)

    monkeypatch.setattr(prepare.urllib.request, "urlopen", answered)
    assert prepare.hub_reachable(0.5) is True  # an HTTP error is an answer
