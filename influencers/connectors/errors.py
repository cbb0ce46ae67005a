"""Errors a platform connector raises. Each names the platform, the API call and what the
operator can do about it; none ever contains the API key or access token."""

from __future__ import annotations

from typing import TypeAlias

from core.errors import ServiceUnavailable, VettedError


class ConnectorError(VettedError):
    """A platform API call failed in a way retrying now will not fix."""

    code = "connector_error"


class ConnectorNotConfigured(ConnectorError):
    """The connector's key or token is not set in the settings."""

    code = "connector_not_configured"


class ConnectorAuthError(ConnectorError):
    """The key or token was refused: invalid, expired, revoked, or missing a permission."""

    code = "connector_auth"


class QuotaExceeded(ConnectorError):
    """The platform's daily quota (or our own budget for this run) is used up."""

    code = "connector_quota"


class AccountNotFound(ConnectorError):
    """The channel or account does not exist, was deleted, or is not visible to the API."""

    code = "connector_not_found"


class MalformedResponse(ConnectorError):
    """The platform answered with something that is not the documented shape."""

    code = "connector_malformed"


class ConnectorUnavailable(ServiceUnavailable):
    """The platform kept failing (5xx, rate limit, network) after every retry."""

    code = "connector_unavailable"


# What a failed platform call ends in: a ConnectorError (retrying now will not help) or, for
# 429/5xx and network errors, ConnectorUnavailable (a ServiceUnavailable: the caller may retry).
PlatformError: TypeAlias = ConnectorError | ConnectorUnavailable
