"""The synthetic demo catalogue: procedural creators, history, audiences and images.

`images` (styles + drawing) has no ORM dependency; `seed` writes the catalogue.
"""
