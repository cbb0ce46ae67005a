"""What aesthetic search and mood-board similarity return (plain dataclasses, JSON-ready)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ImageMatch:
    """One catalogue image that matched, with its cosine similarity to the query."""

    asset_id: int
    account_id: int
    similarity: float
    image_url: str


@dataclass
class CreatorMatch:
    """A creator in the results: its aggregated score and the images that earned it."""

    creator_id: int
    score: float
    matches: list[ImageMatch]
    display_name: str = ""


@dataclass
class AestheticSearchResult:
    """Ranked creators plus what produced them.

    `embedder` always names the embedder ({'id', 'kind': 'clip' | 'style', 'label', ...}) so a
    style-descriptor result is never mistaken for CLIP. `index_state` is 'ready', 'rebuilding'
    (images are being embedded or a large index rebuilt by a job; no results until it is done)
    or 'empty' (nothing embedded yet).
    """

    embedder: dict[str, Any]
    results: list[CreatorMatch]
    index_state: str
    aggregation: str = ""
    query: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (API, `aesthetic_search --json`)."""
        return asdict(self)
