"""Reused images: how much of an account's feed was first posted by other creators.

Input: the account's catalogue images (id, link, post date) and the copies of them found on
accounts of *other* creators (identical bytes or pixel-verified near-duplicates, found by
`vision.services.reuse`). A match alone does not say who copied whom: both the thief's and the
original artist's accounts hold the picture. The post dates decide:

- **copied**: some other account posted the picture strictly earlier than this account;
- **first here**: this account posted it first and every other copy has a later date (the
  others copied it) — shown, never counted as risk;
- **undetermined**: a date is missing or the dates are equal; counted as half a copy, since
  with no information either side is as likely to be the original.

copied share = (copied + ½·undetermined) / images of the account in the catalogue.
No images at all gives no share (unknown), never 0.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.messages import Message
from vetting import messages as m

COPIED, FIRST_HERE, UNDETERMINED = "copied", "first_here", "undetermined"
_ORDER = {COPIED: 0, UNDETERMINED: 1, FIRST_HERE: 2}
MAX_IMAGES = 8  # evidence: at most this many images, copied ones first
MAX_PLACES = 3  # and at most this many other accounts per image


@dataclass(frozen=True)
class ImageRef:
    """One image of the account: catalogue asset id, a link, the date of its post (if any)."""

    asset_id: int
    image_url: str = ""
    posted_at: dt.datetime | None = None


@dataclass(frozen=True)
class ImageCopy:
    """The same picture as this account's image `asset_id` on another creator's account."""

    asset_id: int
    other_asset_id: int
    other_account_id: int
    other_creator_id: int
    other_platform: str
    other_handle: str
    kind: str  # "identical" | "near_duplicate"
    hamming_distance: int = 0
    other_image_url: str = ""
    other_posted_at: dt.datetime | None = None


@dataclass
class ReuseReport:
    """The account's shared images, who posted each first, and the copied share."""

    n_images: int
    copied: int = 0
    first_here: int = 0
    undetermined: int = 0
    images: list[dict[str, Any]] = field(default_factory=list)  # evidence, capped at MAX_IMAGES

    @property
    def available(self) -> bool:
        return self.n_images > 0

    @property
    def copied_weight(self) -> float:
        """Images counted as copies: undetermined ones count half."""
        return self.copied + 0.5 * self.undetermined

    @property
    def copied_share(self) -> float | None:
        return self.copied_weight / self.n_images if self.n_images else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "n_images": self.n_images,
            "copied": self.copied,
            "first_here": self.first_here,
            "undetermined": self.undetermined,
            "copied_share": None if self.copied_share is None else round(self.copied_share, 4),
            "images": self.images,
        }


def direction(posted_at: dt.datetime | None, others: Sequence[dt.datetime | None]) -> str:
    """Who posted a shared picture first: COPIED, FIRST_HERE or UNDETERMINED (see module doc)."""
    if posted_at is None:
        return UNDETERMINED
    if any(o is not None and o < posted_at for o in others):
        return COPIED
    if others and all(o is not None and o > posted_at for o in others):
        return FIRST_HERE
    return UNDETERMINED


def reuse_report(
    images: Sequence[ImageRef], copies: Sequence[ImageCopy], *, max_images: int = MAX_IMAGES
) -> ReuseReport:
    """Classify each of the account's shared images and keep the evidence (pure)."""
    if len(images) == 0:  # most accounts: nothing to classify (no copy is of an image of theirs)
        return ReuseReport(n_images=0)
    by_asset: dict[int, list[ImageCopy]] = defaultdict(list)
    for copy in copies:
        by_asset[copy.asset_id].append(copy)
    items = []
    for image in images:
        places = by_asset.get(image.asset_id)
        if places:
            items.append(_evidence(image, places, direction(image.posted_at, [p.other_posted_at for p in places])))
    verdicts = [i["direction"] for i in items]
    items.sort(key=lambda i: (_ORDER[i["direction"]], i["kind"] != "identical", i["asset_id"]))
    return ReuseReport(
        n_images=len(images),
        copied=verdicts.count(COPIED),
        first_here=verdicts.count(FIRST_HERE),
        undetermined=verdicts.count(UNDETERMINED),
        images=items[:max_images],
    )


def _evidence(image: ImageRef, places: list[ImageCopy], verdict: str) -> dict[str, Any]:
    """One shared image: the image, who posted it first, and up to MAX_PLACES other accounts
    (the earliest first), with a one-line reason for lists that show only that."""
    places = sorted(places, key=lambda p: (p.other_posted_at is None, p.other_posted_at or dt.datetime.min, p.kind))
    kind = "identical" if any(p.kind == "identical" for p in places) else "near_duplicate"
    seen_on = [
        {
            "account_id": p.other_account_id,
            "creator_id": p.other_creator_id,
            "platform": p.other_platform,
            "handle": p.other_handle,
            "asset_id": p.other_asset_id,
            "image_url": p.other_image_url,
            "posted_at": p.other_posted_at,
            "kind": p.kind,
            "hamming_distance": p.hamming_distance,
        }
        for p in places[:MAX_PLACES]
    ]
    accounts: list[Message] = [m.ACCOUNT(platform=p.other_platform, handle=p.other_handle) for p in places[:MAX_PLACES]]
    if len(places) > MAX_PLACES:
        accounts.append(m.MORE(n=len(places) - MAX_PLACES))
    template = {
        COPIED: m.REUSE_IMAGE_COPIED,
        FIRST_HERE: m.REUSE_IMAGE_FIRST_HERE,
        UNDETERMINED: m.REUSE_IMAGE_UNDETERMINED,
    }[verdict]
    # The accounts are listed earliest first: for a copy, the first named posted it earliest.
    reason = template(asset=str(image.asset_id), kind=kind, accounts=accounts)
    return {
        "asset_id": image.asset_id,
        "image_url": image.image_url,
        "posted_at": image.posted_at,
        "direction": verdict,
        "kind": kind,
        "seen_on": seen_on,
        "seen_on_total": len(places),
        "reason": reason.as_dict(),
    }
