"""Continuous vetting, pure part: sentiment, spikes, watch-rule evaluation and price estimates.

No ORM here (the service `influencers.services.monitoring` loads rows and stores alerts):
- `sentiment`: Chinese (SnowNLP) and English (VADER) sentiment on a common −1..1 scale;
- `spikes`: daily negative-share series and robust (median/MAD) spike detection;
- `rules`: the five watch-rule kinds over plain data, with evidence;
- `estimates`: reach, cost per post, CPM and CPE from the documented rate table.
"""
