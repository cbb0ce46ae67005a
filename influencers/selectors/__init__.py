"""Read-side queries of the catalogue: discovery, creator profiles and their history.

Every selector returns a QuerySet (or plain data) with its joins and prefetches applied.
"""
