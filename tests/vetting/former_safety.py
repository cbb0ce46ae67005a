"""The brand-safety payload as the code before the direct search made it, kept as the tests'
reference: a Safety from SafetyHit objects grouped per creator, its penalties summed from them,
and the stored arrays packed from those (`former_payload`). The search and the carried hits must
store exactly these bytes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from vetting.features.stored_safety import packed_arrays
from vetting.scoring.value_alignment import MAX_PENALTY, SafetyHit
from vetting.services.brand_safety import Safety


def former_penalties(hits_by_creator: Mapping[int, list[SafetyHit]]) -> tuple[np.ndarray, np.ndarray]:
    """The charged creators (ascending) and each one's penalty, its hits' summed and capped."""
    charged = np.array(sorted(hits_by_creator), dtype=np.int64)
    amounts = np.array(
        [min(MAX_PENALTY, sum(h.penalty for h in hits_by_creator[c])) for c in charged.tolist()], dtype=float
    )
    return charged, amounts


def former_safety_of(hits_by_creator: Mapping[int, list[SafetyHit]], post_places: Mapping[int, Any]) -> Safety:
    return Safety(hits_by_creator, post_places, former_penalties(hits_by_creator))


def former_payload(safety: Safety) -> dict[str, np.ndarray]:
    """The stored arrays of `safety`: per charged creator its hits in order and the places of
    their posts (those `post_places` knows)."""
    charged, amounts = safety.penalties
    segments = []
    for creator in charged.tolist():
        hits = safety.hits_by_creator[creator]
        places = []
        for post in dict.fromkeys(hit.post_id for hit in hits):
            place = safety.post_places.get(post)
            if place is not None:
                places.append([post, place["url"], place["account_id"]])
        segments.append(([[h.kind, h.term, h.post_id, h.date, h.snippet, h.penalty] for h in hits], places))
    return packed_arrays(charged, amounts, segments)
