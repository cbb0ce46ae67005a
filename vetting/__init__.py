"""Vetting: scores (pure functions), vetting reports, brands, matching and ranking, shortlists,
notes, exports and monitoring. Built on the catalogue (`influencers`) and `vision`."""
