"""Path converters both faces use, registered by CoreConfig.ready before any URLconf loads."""

from __future__ import annotations


class IdConverter:
    """Object ids in paths (`<id:pk>`): 1-18 digits, so an id never overflows a 64-bit database
    column (a longer one is simply an unknown path: a 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
