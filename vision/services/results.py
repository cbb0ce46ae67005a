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
    """A creator in the results: its feed score and the images that earned it.

    `score`: the raw feed score (expected best cosine of 3 random images of the feed, see
    vision.creator_scores); `calibrated`: the same score standardised against the catalogue for
    this query (0 = a typical catalogue creator, 2 = well above); `percentile`: the share (0–100)
    of catalogue creators scoring below. `small_feed`: fewer than 3 images, too few to judge a
    look. `duplicate`: the creator owns a copy of a query image, which ranks it first.
    """

    creator_id: int
    score: float
    matches: list[ImageMatch]
    display_name: str = ""
    calibrated: float = 0.0
    percentile: float = 0.0
    image_count: int = 0
    small_feed: bool = False
    duplicate: bool = False


@dataclass
class AestheticSearchResult:
    """Ranked creators plus what produced them.

    `embedder` always names the embedder ({'id', 'kind': 'clip' | 'style', 'label', ...}) so a
    style-descriptor result is never mistaken for CLIP. `index_state` is 'ready', 'rebuilding'
    (images are being embedded or a large index rebuilt by a job; no results until it is done)
    or 'empty' (nothing embedded yet). `pending_images`: catalogue images not embedded yet, so
    not searched (a job is embedding them). `calibration`: how `calibrated` was computed.
    `switching_to`: while the configured embedder is being switched to (its index not built
    yet), that embedder with the images it still lacks ({..., 'pending_images'}); the results
    come from the previous embedder named in `embedder`. None otherwise. `expanded_with`: the
    creator whose feed widened an image query (vision.creator_scores), or None.
    """

    embedder: dict[str, Any]
    results: list[CreatorMatch]
    index_state: str
    aggregation: str = ""
    query: dict[str, Any] = field(default_factory=dict)
    pending_images: int = 0
    calibration: dict[str, Any] = field(default_factory=dict)
    switching_to: dict[str, Any] | None = None
    expanded_with: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (API, `aesthetic_search --json`)."""
        return asdict(self)
