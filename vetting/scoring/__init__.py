"""Pure scoring: plain dataclasses and numpy arrays in, scores with explanations out.

Nothing in this package touches the ORM, so every score can be computed from the CLI, the API,
Celery or a notebook, and tested without a database. The services in
`vetting.services.reports` and `vetting.services.matching` load rows, call these
functions and store the results.

Modules:
- `followers`: fake-follower scorer per account, audience quality (fake share with interval,
  corrected for the scorer's error rates) and HypeAuditor-style audience types.
- `synthetic`: the documented generator of labelled synthetic follower profiles the scorer is
  calibrated on (no scraped personal data).
- `growth`: follower/following history anomalies (jumps, round jumps, purges, churn).
- `engagement`: engagement rate against platform/tier benchmarks and engagement anomalies.
- `comments`: comment authenticity (generic/emoji-only, duplicates, pods, language mismatch).
- `reuse`: the share of an account's images first posted by other creators (who copied whom by
  post dates), from the copies `vision.services.reuse` finds.
- `risk`: the combined fake-follower risk with every signal's value, benchmark and contribution.
- `audience_fit`, `text_similarity`, `value_alignment`: brand fit.
- `ranking`: the vectorised composite ranking of candidate accounts for one brand.
"""
