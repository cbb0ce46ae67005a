"""Thin page views of the web UI, one module per area; each reads through
`influencers.selectors` and writes through `influencers.services`."""
