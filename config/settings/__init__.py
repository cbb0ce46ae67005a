"""Settings modules: `base` (local defaults, read from the environment) and `production`."""
