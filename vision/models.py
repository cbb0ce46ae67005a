"""Stored vectors and per-account aesthetic profiles.

Vectors live in the database (not only in the FAISS files) so an index can always be rebuilt
without re-embedding, and so a deleted asset takes its vectors with it (CASCADE). Every row
carries the id of the embedder that produced it; rows of different embedders are never mixed.
"""

from __future__ import annotations

import numpy as np
from django.db import models


class ImageEmbedding(models.Model):
    """The L2-normalised float32 vector of one MediaAsset under one embedder."""

    asset = models.ForeignKey("influencers.MediaAsset", on_delete=models.CASCADE, related_name="embeddings")
    # Denormalised so index builds and profile refreshes need no join on the asset table.
    account = models.ForeignKey("influencers.Account", on_delete=models.CASCADE, related_name="+")
    embedder_id = models.CharField(max_length=200, help_text="Model, weights and preprocessing that made the vector")
    dim = models.PositiveIntegerField()
    vector = models.BinaryField(help_text="float32 little-endian, L2-normalised")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "embedder_id"], name="embedding_unique_asset_embedder"),
        ]
        indexes = [models.Index(fields=["embedder_id", "asset"]), models.Index(fields=["embedder_id", "account"])]

    def __str__(self) -> str:
        return f"embedding of asset {self.asset_id} by {self.embedder_id}"

    def as_array(self) -> np.ndarray:
        """The vector as a float32 numpy array."""
        return np.frombuffer(bytes(self.vector), dtype="<f4")


class EmbeddingFailure(models.Model):
    """An asset an embedder could not read (missing file, broken image), so re-runs skip it
    instead of failing on it again; `embed_images --retry-failed` clears these."""

    asset = models.ForeignKey("influencers.MediaAsset", on_delete=models.CASCADE, related_name="embedding_failures")
    embedder_id = models.CharField(max_length=200)
    error = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "embedder_id"], name="embedding_failure_unique_asset_embedder"),
        ]

    def __str__(self) -> str:
        return f"asset {self.asset_id} failed under {self.embedder_id}: {self.error[:60]}"


class AestheticProfile(models.Model):
    """An account's visual style under one embedder: the centroid of its image vectors and a
    few style prototypes (k-means centres) with the share of images each one covers.

    Refreshed by `vision.services.profiles.profile_refresh` whenever the account's vectors
    change; never edited by hand.
    """

    account = models.ForeignKey("influencers.Account", on_delete=models.CASCADE, related_name="aesthetic_profiles")
    embedder_id = models.CharField(max_length=200)
    dim = models.PositiveIntegerField()
    image_count = models.PositiveIntegerField()
    centroid = models.BinaryField(help_text="float32, L2-normalised mean of the account's vectors")
    prototypes = models.BinaryField(help_text="float32 k×dim, L2-normalised k-means centres")
    prototype_weights = models.JSONField(default=list, help_text="Share of the account's images per prototype")
    # How tightly the images sit around the centroid (mean cosine to it): 1 = one consistent look.
    consistency = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account_id", "embedder_id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "embedder_id"], name="profile_unique_account_embedder"),
        ]

    def __str__(self) -> str:
        return f"aesthetic profile of account {self.account_id} ({self.embedder_id})"

    def centroid_array(self) -> np.ndarray:
        """The centroid as a float32 numpy array."""
        return np.frombuffer(bytes(self.centroid), dtype="<f4")

    def prototype_array(self) -> np.ndarray:
        """The prototypes as a float32 (k, dim) numpy array."""
        return np.frombuffer(bytes(self.prototypes), dtype="<f4").reshape(-1, self.dim)


class EmbedBatch(models.Model):
    """One slice of an EMBED job's backlog: the assets pending for one embedder with ids in
    [first_asset_id, last_asset_id], embedded by whichever job claims it (its own batch job, or the
    coordinating job when no other worker took it, or took it and stalled).

    The claim is a conditional UPDATE, so two workers never embed a batch at the same time unless
    one stalled; even then the unique (asset, embedder) constraint keeps the vectors single.
    """

    parent_job = models.ForeignKey("core.Job", on_delete=models.CASCADE, related_name="embed_batches")
    batch_job = models.ForeignKey(
        "core.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The job enqueued for this batch (none when the coordinator runs every batch itself)",
    )
    embedder_id = models.CharField(max_length=200)
    first_asset_id = models.BigIntegerField()
    last_asset_id = models.BigIntegerField()
    total = models.PositiveIntegerField(help_text="Assets pending in the range when the backlog was split")
    done = models.PositiveIntegerField(default=0)
    embedded = models.PositiveIntegerField(default=0, help_text="Vectors written by the runs that completed this batch")
    failed = models.PositiveIntegerField(default=0)
    claimed_by = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Refreshed after every committed model batch: a claim whose heartbeat is older than the stall
    # limit may be taken over (its worker died or hangs).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["parent_job_id", "first_asset_id"]
        constraints = [
            models.UniqueConstraint(fields=["parent_job", "first_asset_id"], name="embed_batch_unique_parent_start"),
        ]

    def __str__(self) -> str:
        return f"embed batch {self.first_asset_id}-{self.last_asset_id} of job {self.parent_job_id}"
