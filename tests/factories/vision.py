"""Factories of vision: stored vectors, embedding failures, aesthetic profiles, embedding batches."""

from __future__ import annotations

import factory
import numpy as np

from core.models import JobKind
from tests.factories.core import JobFactory
from tests.factories.influencers import AccountFactory, MediaAssetFactory
from vision.models import AestheticProfile, EmbedBatch, EmbeddingFailure, ImageEmbedding


def _unit_vector_bytes(n: int, dim: int = 8) -> bytes:
    vector = np.random.default_rng(n).normal(size=dim).astype("<f4")
    return (vector / np.linalg.norm(vector)).astype("<f4").tobytes()


class ImageEmbeddingFactory(factory.django.DjangoModelFactory):
    """A stored vector (random unit vector of `dim` 8 unless given) for an asset."""

    class Meta:
        model = ImageEmbedding

    asset = factory.SubFactory(MediaAssetFactory)
    account = factory.LazyAttribute(lambda o: o.asset.account)
    embedder_id = "test-embedder"
    dim = 8
    vector = factory.Sequence(lambda n: _unit_vector_bytes(n))


class EmbeddingFailureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmbeddingFailure

    asset = factory.SubFactory(MediaAssetFactory)
    embedder_id = "test-embedder"
    error = "OSError: cannot identify image file"


class AestheticProfileFactory(factory.django.DjangoModelFactory):
    """A one-prototype profile whose centroid and prototype are the same random unit vector."""

    class Meta:
        model = AestheticProfile

    account = factory.SubFactory(AccountFactory)
    embedder_id = "test-embedder"
    dim = 8
    image_count = 1
    centroid = factory.Sequence(lambda n: _unit_vector_bytes(n))
    prototypes = factory.LazyAttribute(lambda o: o.centroid)
    prototype_weights = factory.LazyFunction(lambda: [1.0])
    consistency = 1.0


class EmbedBatchFactory(factory.django.DjangoModelFactory):
    """An unclaimed slice of 100 asset ids of an EMBED job's backlog."""

    class Meta:
        model = EmbedBatch

    parent_job = factory.SubFactory(JobFactory, kind=JobKind.EMBED)
    embedder_id = "test-embedder"
    first_asset_id = factory.Sequence(lambda n: 100 * n + 1)
    last_asset_id = factory.LazyAttribute(lambda o: o.first_asset_id + 99)
    total = 100
