"""The REST API: authenticated, organisation-scoped views over the domain services."""
