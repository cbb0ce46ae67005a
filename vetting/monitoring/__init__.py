"""Continuous vetting: watches and rules, evaluation into alerts, alert triage, price estimates.

- `watch_*` / `watch_rule_*`: an organisation's watches (a shortlist or picked creators, with an
  optional brand) and their rules, validated by `vetting.monitoring.rules.parse_params`.
- `evaluate_watches`: loads the data of the watched creators, runs the pure rule evaluators and
  raises alerts idempotently: one live (open or acknowledged) alert per cause, enforced by the
  database (`alert_unique_live_cause`); a cause already resolved is not raised again. New alerts
  are sent by email and webhook after the transaction commits (`vetting.monitoring.notifications`).
- `evaluate_after_data_change(account_ids)`: called at the end of every import and refresh;
  queues a WATCH job for the watched creators among the changed accounts.
- `alert_acknowledge` / `alert_resolve`: triage, recording who and when.
- `estimates_for_creator` / `estimate_for_account`: reach, cost per post, CPM and CPE, labelled
  as estimates, with the rate table's sources and date; `organization_estimate`: the same with
  the ranges re-sized by the organisation's campaign outcomes (what every face shows).
"""

from __future__ import annotations

from vetting.monitoring.creator_data import brand_context, load_creator_data
from vetting.monitoring.estimates import (
    ESTIMATE_EXPORT_COLUMNS,
    estimate_export_fields,
    estimate_for_account,
    estimates_for_creator,
    organization_estimate,
    rate_table,
)
from vetting.monitoring.evaluation import (
    evaluate_after_data_change,
    evaluate_watches,
    run_watch_job,
    watch_evaluation_enqueue,
)
from vetting.monitoring.sentiment_series import sentiment_series_for_creator
from vetting.monitoring.triage import alert_acknowledge, alert_resolve
from vetting.monitoring.watches import (
    watch_create,
    watch_delete,
    watch_rule_create,
    watch_rule_delete,
    watch_rule_update,
    watch_update,
    watched_creator_ids,
)

__all__ = [
    "ESTIMATE_EXPORT_COLUMNS",
    "alert_acknowledge",
    "alert_resolve",
    "brand_context",
    "estimate_export_fields",
    "estimate_for_account",
    "estimates_for_creator",
    "evaluate_after_data_change",
    "evaluate_watches",
    "load_creator_data",
    "organization_estimate",
    "rate_table",
    "run_watch_job",
    "sentiment_series_for_creator",
    "watch_create",
    "watch_delete",
    "watch_evaluation_enqueue",
    "watch_rule_create",
    "watch_rule_delete",
    "watch_rule_update",
    "watch_update",
    "watched_creator_ids",
]
