"""Ranking features kept out of the database's hot path: a columnar snapshot of the per-account
inputs of a brand ranking (`snapshot`), versioned with the catalogue and shared by the
processes of a host through memory-mapped files."""
