"""Read-side queries of the shared core: jobs, and looking objects up by an id from the outside."""
