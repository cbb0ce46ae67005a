"""Briefs in plain words: an offline parser (no network, no model) that turns a brief typed in
Chinese or English into the discovery filters and a brand's target audience.

- `vocabulary`: the words it knows, in both languages (platforms, places, ages, genders,
  categories, follower tiers, brands, excluded topics) and the fillers it may skip.
- `parser`: `parse_brief(text) -> BriefParse`; everything it did not understand is returned in
  `unknown`, never dropped. docs/briefs.md describes the rules.
"""

from vetting.briefs.parser import BriefParse, parse_brief

__all__ = ["BriefParse", "parse_brief"]
