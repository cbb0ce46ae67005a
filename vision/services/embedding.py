"""Embedding MediaAssets with the current embedder, in batches, exactly once.

An asset is *pending* for an embedder when it has an image file, no vector from that embedder
and no recorded failure with it. Vectors are written per batch (a crash loses at most one
batch, and a re-run continues where it stopped); unreadable images are recorded as
EmbeddingFailure rows so re-runs skip them (`retry_failed=True` tries them again).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Collection
from contextlib import closing
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from PIL import Image

from influencers.models import MediaAsset
from vision.embedders import Embedder, get_embedder
from vision.embedders.base import StreamBatch
from vision.models import EmbeddingFailure, ImageEmbedding

logger = logging.getLogger(__name__)


def pending_assets(
    *,
    embedder_id: str,
    account_ids: Collection[int] | None = None,
    include_failed: bool = False,
    asset_id_range: tuple[int, int] | None = None,
) -> QuerySet:
    """Assets with an image file and no vector from `embedder_id` (nor a failure, by default),
    optionally only of some accounts and with ids in `asset_id_range` (inclusive)."""
    qs = MediaAsset.objects.exclude(image="").exclude(image__isnull=True)
    qs = qs.filter(~Exists(ImageEmbedding.objects.filter(asset=OuterRef("pk"), embedder_id=embedder_id)))
    if not include_failed:
        qs = qs.filter(~Exists(EmbeddingFailure.objects.filter(asset=OuterRef("pk"), embedder_id=embedder_id)))
    if account_ids is not None:
        qs = qs.filter(account_id__in=list(account_ids))
    if asset_id_range is not None:
        qs = qs.filter(id__gte=asset_id_range[0], id__lte=asset_id_range[1])
    return qs.order_by("id")


def embedding_failures_clear(*, embedder_id: str, account_ids: Collection[int] | None = None) -> int:
    """Forget recorded failures (optionally of some accounts) so those assets are pending again."""
    failed = EmbeddingFailure.objects.filter(embedder_id=embedder_id)
    if account_ids is not None:
        failed = failed.filter(asset__account_id__in=list(account_ids))
    return failed.delete()[0]


def open_asset_image(name: str) -> Image.Image:
    """Read an asset's image from storage and open it (decoded later, by the embedder's `fit`
    and `prepare`, so a JPEG can be decoded at reduced scale; errors surface there, per item)."""
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    return Image.open(io.BytesIO(data))


def _store_batch(embedder: Embedder, batch: StreamBatch) -> None:
    """One embedded batch's vectors and failures, written together."""
    with transaction.atomic():
        ImageEmbedding.objects.bulk_create(
            [
                ImageEmbedding(
                    asset_id=asset_id,
                    account_id=account_id,
                    embedder_id=embedder.id,
                    dim=embedder.dim,
                    vector=vector.astype("<f4").tobytes(),
                )
                for (asset_id, account_id, _), vector in zip(batch.items, batch.vectors, strict=True)
            ],
            ignore_conflicts=True,  # another worker embedded it meanwhile: same vector
        )
        EmbeddingFailure.objects.bulk_create(
            [
                EmbeddingFailure(asset_id=asset_id, embedder_id=embedder.id, error=f"{name}: {error}"[:2000])
                for (asset_id, _, name), error in batch.failures
            ],
            ignore_conflicts=True,
        )


def embed_pending_assets(
    *,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    account_ids: Collection[int] | None = None,
    asset_id_range: tuple[int, int] | None = None,
    retry_failed: bool = False,
    update_index: bool = True,
    report: dict[str, Any] | None = None,
) -> int:
    """Embed every pending asset (optionally of some accounts, with ids in `asset_id_range`) with
    the current embedder; returns how many vectors were written. `progress(done, total)` is called
    after each committed batch (an exception it raises stops the run there, nothing half-written).

    Afterwards (when `update_index`) the index is synced — new vectors added incrementally —
    and the aesthetic profiles of the accounts that got vectors are refreshed. `report`, when
    given, receives {'failed', 'index': sync result, 'profiles'}.
    """
    embedder: Embedder = get_embedder()
    if retry_failed:
        embedding_failures_clear(embedder_id=embedder.id, account_ids=account_ids)
    pending = pending_assets(embedder_id=embedder.id, account_ids=account_ids, asset_id_range=asset_id_range)
    rows = list(pending.values_list("id", "account_id", "image"))
    total = len(rows)
    done = embedded = failures = 0
    touched: set[int] = set()
    if progress:
        progress(0, total)
    stream = embedder.embed_stream(
        rows, lambda row: open_asset_image(row[2]), batch_size=batch_size or embedder.batch_size
    )
    # closing: a progress callback that stops the run (its batch taken over) stops the prefetch
    # thread at once, not whenever the generator is garbage-collected.
    with closing(stream):
        for batch in stream:
            _store_batch(embedder, batch)
            for (asset_id, _, name), error in batch.failures:
                logger.warning("asset %s (%s) could not be embedded: %s", asset_id, name, error)
            embedded += len(batch.items)
            failures += len(batch.failures)
            touched.update(account_id for _, account_id, _ in batch.items)
            done += len(batch.items) + len(batch.failures)
            if progress:
                progress(done, total)

    details: dict[str, Any] = {"failed": failures}
    if update_index:
        from vision.services.index import index_sync
        from vision.services.profiles import profile_refresh

        sync = index_sync(embedder_id=embedder.id)
        touched.update(sync.pop("account_ids"))
        details["index"] = sync
        details["profiles"] = profile_refresh(account_ids=touched, embedder_id=embedder.id)
    if report is not None:
        report.update(details)
    return embedded
