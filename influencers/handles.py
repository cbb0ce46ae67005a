"""How account handles are stored and compared.

Handles are case-insensitive on every platform we know, so the catalogue stores them lower-cased
and compares them that way. The exception is a YouTube channel id (UC + 22 characters): an id,
not a name, and case-sensitive: lower-cased it names no channel, and the connector could no
longer fetch the account.
"""

from __future__ import annotations

import re

from influencers.models import Platform

YOUTUBE_CHANNEL_ID = re.compile(r"UC[0-9A-Za-z_-]{22}")


def stored_handle(platform: str, handle: str) -> str:
    """`handle` (without '@') as the catalogue stores it for `platform`."""
    if platform == Platform.YOUTUBE and YOUTUBE_CHANNEL_ID.fullmatch(handle):
        return handle
    return handle.lower()
