"""Caching, all of it: the fail-open Redis backend (`backend`), data versions that make cached
answers never stale (`versions`), cached JSON responses of the API's hot endpoints
(`responses`), the per-process memo at those versions (`memo`) and the API's memo of who a
request is (`access`)."""
