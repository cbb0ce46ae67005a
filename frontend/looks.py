"""Searches by look held for a browser session: the checked images of one search (or a brand's mood
board) stay on the server under a token, so discovery can re-run the search with its filters and
page through the result like any result list. The ranking is vision's (`aesthetic_search`);
this module only remembers what was asked and caches the answer briefly."""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from core.services.upload_folders import upload_folder

SESSION_KEY = "vetted_looks"
KEEP_LOOKS = 5  # searches by look a session remembers (older ones' images are deleted)
LOOK_TOP = 200  # creators a search by look ranks; discovery pages through them
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Look:
    """What a search by look compares with: images on disk (`paths`) and/or a prompt; for a
    brand's mood board, the brand."""

    token: str
    paths: tuple[str, ...] = ()
    prompt: str = ""
    brand_id: int | None = None


def look_remember(request: HttpRequest, *, images: list[bytes], prompt: str) -> str:
    """Keep checked image bytes in a private temporary folder for this session; returns the token."""
    folder = upload_folder("looks")
    for index, data in enumerate(images):
        (folder / f"{index}.img").write_bytes(data)
    looks: dict[str, Any] = request.session.get(SESSION_KEY, {})
    token = secrets.token_urlsafe(9)
    looks[token] = {"folder": str(folder), "count": len(images), "prompt": prompt}
    kept = dict(list(looks.items())[-KEEP_LOOKS:])
    for old in set(looks) - set(kept):
        shutil.rmtree(looks[old]["folder"], ignore_errors=True)
    request.session[SESSION_KEY] = kept
    return token


def look_recall(request: HttpRequest, token: str) -> Look | None:
    """The session's search by look `token`, or None when it is unknown or its images are gone."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry:
        return None
    folder = Path(entry["folder"])
    paths = tuple(str(folder / f"{i}.img") for i in range(int(entry["count"])))
    if not all(Path(p).is_file() for p in paths):
        return None
    return Look(token=token, paths=paths, prompt=entry.get("prompt", ""))


def mood_board_look(brand: Any) -> Look | None:
    """A brand's mood board as a search by look (None when the board is empty)."""
    from vetting.selectors.brands import mood_board_list

    paths = []
    for image in mood_board_list(brand=brand):
        try:
            paths.append(image.image.path)
        except NotImplementedError:
            paths.append(str(_local_copy(image.image)))
        except ValueError:  # no file attached
            continue
    if not paths:
        return None
    return Look(token=f"brand-{brand.pk}", paths=tuple(paths), brand_id=brand.pk)


def _local_copy(image: Any) -> Path:
    """A mood-board image kept in object storage (no local path) copied into a kept-uploads folder
    named after its storage name, so paging through a search reuses one copy."""
    folder = upload_folder("looks", key=hashlib.sha256(image.name.encode()).hexdigest()[:32])
    copy = folder / "image.img"
    if not copy.is_file():
        with image.open("rb") as source:
            copy.write_bytes(source.read())
    return copy


def look_search(look: Look, *, creator_ids: list[int] | None) -> Any:
    """vision's ranking of creators (restricted to `creator_ids` when given) for the look; the
    same look and filters within a few minutes are answered from the cache."""
    from vision.services.search import aesthetic_search

    ids = sorted(creator_ids) if creator_ids is not None else None
    key = "vetted:look:" + hashlib.sha256(json.dumps([look.token, look.paths, look.prompt, ids]).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = aesthetic_search(images=list(look.paths) or None, text=look.prompt or None, creator_ids=ids, top=LOOK_TOP)
    cache.set(key, result, CACHE_SECONDS)
    return result


def text_search_available() -> tuple[bool, str]:
    """(whether the embedder in use reads text prompts, its label)."""
    from vision.embedders import get_embedder

    described = get_embedder().describe()
    return bool(described.get("supports_text")), str(described.get("label", ""))
