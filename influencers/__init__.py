"""The influencer catalogue: creators, accounts, engagement history, audiences, and the
organisation-owned objects (brands, shortlists, notes) that are scored against it."""
