"""The synthetic demo catalogue: procedural creators, history, audiences and images.

`images` (styles + drawing) and `plan` (the catalogue as plain data) need no database; `seed`
writes a plan. The demo tenant (brands, shortlist) and the demo login are vetting's
(vetting.services.demo).
"""
