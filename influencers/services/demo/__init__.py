"""The synthetic demo catalogue: procedural creators, history, audiences and images.

`images` (styles + drawing) and `plan` (the catalogue as plain data) need no database;
`seed` writes a plan. The seeding names are loaded lazily so that importing
`influencers.services.demo.images` stays light (the vision module uses it).
"""

from __future__ import annotations

from typing import Any

_SEED_NAMES = frozenset({"DemoSummary", "seed_demo_catalogue", "run_seed_job", "demo_creators_delete", "NOTE_PREFIX"})

__all__ = sorted(_SEED_NAMES)


def __getattr__(name: str) -> Any:
    if name in _SEED_NAMES:
        from influencers.services.demo import seed

        return getattr(seed, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
