"""What tests of the ranking feature snapshot share: a host's next worker."""

from __future__ import annotations

from vetting.features import snapshot as snapshots
from vetting.services import matching


def new_process() -> None:
    """What another worker of the host starts with: no snapshot mapped (so no memo), no features
    memoised; the snapshot's folder and the shared cache (the data versions) stay."""
    snapshots.forget_loaded()
    matching.features_memo.clear()
    matching.idf_memo.clear()
