"""What follows a committed change to accounts' data (an import, a refresh): metrics, vetting and
the re-evaluation of watches. The data is in by then, so a step that fails is reported, not
raised (each caller says how: a line on the job's log, a warning of the import) and the next step
still runs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection

logger = logging.getLogger(__name__)

Report = Callable[[str, Exception], None]  # (what failed, the error)


def run_follow_up(what: str, step: Callable[[], object], *, report: Report) -> None:
    """Run one follow-up step; its failure is logged with its traceback and reported."""
    try:
        step()
    except Exception as exc:  # noqa: BLE001 - the data is committed; say what did not follow
        logger.exception("%s after a data change failed", what)
        report(what, exc)


def accounts_data_changed(account_ids: Collection[int], *, report: Report, as_of: dt.datetime | None = None) -> None:
    """Recompute metrics (as of `as_of`, default now), vet the accounts and re-evaluate the watches
    that follow them."""
    from influencers.metrics.service import refresh_metrics
    from vetting.monitoring import evaluate_after_data_change
    from vetting.services.reports import vet_accounts

    ids = list(account_ids)
    metrics_args = {"as_of": as_of} if as_of is not None else {}
    run_follow_up("recomputing metrics", lambda: refresh_metrics(ids, **metrics_args), report=report)
    run_follow_up("vetting the accounts", lambda: vet_accounts(ids), report=report)
    run_follow_up("re-evaluating watches", lambda: evaluate_after_data_change(ids), report=report)
