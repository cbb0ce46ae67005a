"""What tests of the ranking feature snapshot share: a host's next worker, and a count of the
kept row explanations a page loads."""

from __future__ import annotations

import pickle
from types import SimpleNamespace

import pytest

from vetting.features import snapshot as snapshots
from vetting.services import matching, page_inputs


def new_process() -> None:
    """What another worker of the host starts with: no snapshot mapped (so no memo), no features
    memoised; the snapshot's folder and the shared cache (the data versions) stay."""
    snapshots.forget_loaded()
    matching.features_memo.clear()
    matching.idf_memo.clear()


def counted_explanation_loads(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """From now on, every kept explanation the page memo unpickles is appended to the list returned."""
    loads: list[bytes] = []

    def counted_loads(data: bytes) -> object:
        loads.append(data)
        return pickle.loads(data)

    monkeypatch.setattr(
        page_inputs,
        "pickle",
        SimpleNamespace(loads=counted_loads, dumps=pickle.dumps, HIGHEST_PROTOCOL=pickle.HIGHEST_PROTOCOL),
    )
    return loads
