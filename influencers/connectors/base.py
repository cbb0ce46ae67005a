"""What every platform connector offers the refresh service."""

from __future__ import annotations

from abc import ABC, abstractmethod

from django.conf import settings

from influencers.connectors.client import ApiClient, QuotaMeter
from influencers.connectors.fetched import AccountRef, FetchedAccount


class Connector(ABC):
    """Fetches one account's public profile, recent posts and comment sample from a platform API.

    A connector only reads from the platform and returns plain dataclasses; it never writes to
    the database, so a failed fetch cannot leave anything half-written.
    """

    platform: str = ""

    def __init__(self, *, client: ApiClient) -> None:
        self.client = client

    @property
    def meter(self) -> QuotaMeter:
        """Calls and quota units spent by this connector so far."""
        return self.client.meter

    @abstractmethod
    def parse_ref(self, text: str) -> AccountRef:
        """An AccountRef from what a user typed (id, @handle or profile URL); InputError if unusable."""

    def ref_for(self, *, handle: str, platform_user_id: str = "") -> AccountRef:
        """How to find an account already in the catalogue (stable id first, where the API takes it)."""
        return AccountRef(handle=handle, platform_user_id=platform_user_id)

    @abstractmethod
    def fetch(self, ref: AccountRef) -> FetchedAccount:
        """Profile, counters, recent posts and comments of the account `ref`."""

    def download(self, url: str) -> bytes:
        """The bytes of an image the platform linked (thumbnail, post image); no quota cost."""
        return self.client.download(url, max_bytes=settings.UPLOAD_MAX_BYTES)
