"""Platform API connectors: read public profiles, posts and comments into plain dataclasses.

`get_connector(platform)` gives the connector of a platform (None when there is none);
connectors raise `ConnectorNotConfigured` when their key or token is missing. See
docs/connectors.md for keys, quotas and what the platforms' terms allow.
"""

from __future__ import annotations

from typing import Any

from influencers.connectors.base import Connector
from influencers.connectors.errors import (
    AccountNotFound,
    ConnectorAuthError,
    ConnectorError,
    ConnectorNotConfigured,
    ConnectorUnavailable,
    MalformedResponse,
    QuotaExceeded,
)
from influencers.connectors.fetched import AccountRef, FetchedAccount, FetchedComment, FetchedPost, FetchedProfile


def _connector_classes() -> dict[str, type[Connector]]:
    from influencers.connectors.instagram import InstagramConnector
    from influencers.connectors.youtube import YouTubeConnector

    return {YouTubeConnector.platform: YouTubeConnector, InstagramConnector.platform: InstagramConnector}


def supported_platforms() -> list[str]:
    """Platforms that have a connector."""
    return sorted(_connector_classes())


def get_connector(platform: str, **options: Any) -> Connector | None:
    """A new connector for `platform` configured from the settings (None if the platform has
    no connector). Raises ConnectorNotConfigured when its key/token is not set."""
    cls = _connector_classes().get(platform)
    return cls(**options) if cls else None


__all__ = [
    "AccountNotFound",
    "AccountRef",
    "Connector",
    "ConnectorAuthError",
    "ConnectorError",
    "ConnectorNotConfigured",
    "ConnectorUnavailable",
    "FetchedAccount",
    "FetchedComment",
    "FetchedPost",
    "FetchedProfile",
    "MalformedResponse",
    "QuotaExceeded",
    "get_connector",
    "supported_platforms",
]
