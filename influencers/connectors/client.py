"""One HTTP client for every platform API: JSON GETs with retries and exponential backoff,
quota accounting, image downloads with a size cap, and error messages that never carry the
key or token.

A platform plugs in two things: the quota cost of each endpoint, and `classify_error`, which
turns an error response into the exception to raise and says whether it is worth retrying.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import requests

from core.errors import InputError
from core.services import outbound
from influencers.connectors.errors import (
    ConnectorError,
    ConnectorUnavailable,
    MalformedResponse,
    PlatformError,
    QuotaExceeded,
)

logger = logging.getLogger(__name__)

USER_AGENT = "Vetted/0.1 (+https://github.com/vetted; influencer vetting)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A CDN may redirect once or twice; more than this is a loop or a detour worth refusing.
MAX_DOWNLOAD_REDIRECTS = 3
DOWNLOAD_REFUSAL_HINT = "images are only downloaded from public addresses"


@dataclass
class QuotaMeter:
    """Calls and quota units spent, in total and per endpoint. Every attempt counts, retries
    and failed requests included, because the platforms charge for those too."""

    platform: str
    budget: int | None = None
    calls: int = 0
    units: int = 0
    by_endpoint: Counter = field(default_factory=Counter)

    def charge(self, endpoint: str, cost: int) -> None:
        """Record one request to `endpoint`; refuse it first when it would exceed the budget."""
        if self.budget is not None and self.units + cost > self.budget:
            raise QuotaExceeded(
                f"{self.platform}: the quota budget of {self.budget:,} units for this run is used up "
                f"({self.units:,} spent); the remaining accounts wait for the next run"
            )
        self.calls += 1
        self.units += cost
        self.by_endpoint[endpoint] += cost

    def summary(self) -> str:
        parts = ", ".join(f"{name} {units}" for name, units in sorted(self.by_endpoint.items()))
        return f"{self.calls} call(s), {self.units} unit(s)" + (f" ({parts})" if parts else "")


# classify_error(status, payload_or_None, endpoint) -> (exception, retryable)
ErrorClassifier = Callable[[int, Any, str], tuple[PlatformError, bool]]


class ApiClient:
    """GET JSON from one API with retries, backoff and quota accounting.

    `sleep` is injectable so tests run retries without waiting. Backoff is
    `backoff_base * 2**attempt` seconds capped at `backoff_max`, or the server's Retry-After
    when it sends one (also capped).
    """

    def __init__(
        self,
        *,
        platform: str,
        base_url: str,
        classify_error: ErrorClassifier,
        costs: Mapping[str, int] | None = None,
        secrets: Iterable[str] = (),
        session: requests.Session | None = None,
        timeout: float = 20.0,
        max_retries: int = 3,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        quota_budget: int | None = None,
    ) -> None:
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.classify_error = classify_error
        self.costs = dict(costs or {})
        self.secrets = [s for s in secrets if s]
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.sleep = sleep
        self.meter = QuotaMeter(platform=platform, budget=quota_budget)

    # --- helpers ---------------------------------------------------------------------------
    def scrub(self, text: str) -> str:
        """`text` with every secret replaced, for messages and logs."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def _delay(self, attempt: int, response: requests.Response | None) -> float:
        if response is not None:
            retry_after = response.headers.get("Retry-After", "")
            if retry_after.isdigit():
                return min(float(retry_after), self.backoff_max)
        return min(self.backoff_base * (2**attempt), self.backoff_max)

    def _send(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        endpoint: str,
        *,
        stream: bool = False,
        follow_redirects: bool = True,
    ) -> requests.Response:
        """One attempt; network errors come back as ConnectorUnavailable (retryable)."""
        try:
            return self.session.get(
                url, params=params, timeout=self.timeout, stream=stream, allow_redirects=follow_redirects
            )
        except requests.RequestException as exc:
            # The exception text can contain the full URL with the key: scrub it.
            raise ConnectorUnavailable(
                f"{self.platform} {endpoint}: network error ({type(exc).__name__}: {self.scrub(str(exc))[:300]})"
            ) from None

    # --- JSON API calls ----------------------------------------------------------------------
    def get_json(self, path: str, *, params: Mapping[str, Any] | None = None, endpoint: str = "") -> dict[str, Any]:
        """GET `path` (relative to the base URL, or absolute) and return the JSON object.

        Retries network errors, 429/5xx and what `classify_error` calls retryable; raises the
        classified ConnectorError otherwise, ConnectorUnavailable once retries run out, and
        MalformedResponse for a success whose body is not a JSON object.
        """
        endpoint = endpoint or path
        url = path if path.startswith("http") else f"{self.base_url}/{path.lstrip('/')}"
        cost = self.costs.get(endpoint, 1)
        last_error: PlatformError | None = None
        last_response: requests.Response | None = None
        for attempt in range(self.max_retries + 1):
            if attempt:
                delay = self._delay(attempt - 1, last_response)
                logger.info("%s %s: retry %d in %.1fs after: %s", self.platform, endpoint, attempt, delay, last_error)
                self.sleep(delay)
            last_response = None
            self.meter.charge(endpoint, cost)
            try:
                response = self._send(url, params, endpoint)
            except ConnectorUnavailable as exc:
                last_error = exc
                continue
            payload = _json_or_none(response)
            if response.status_code < 400:
                if not isinstance(payload, dict):
                    what = "not valid JSON" if payload is None else f"a JSON {type(payload).__name__}, not an object"
                    raise MalformedResponse(
                        f"{self.platform} {endpoint}: the response (HTTP {response.status_code}) is {what}"
                    )
                return payload
            error, retryable = self.classify_error(response.status_code, payload, endpoint)
            error = type(error)(self.scrub(str(error)))
            if not retryable:
                raise error
            last_error, last_response = error, response
        raise ConnectorUnavailable(f"{last_error} (gave up after {self.max_retries + 1} attempts)")

    # --- binary downloads (thumbnails) ----------------------------------------------------------
    def download(self, url: str, *, max_bytes: int, endpoint: str = "download") -> bytes:
        """The bytes at `url` (a CDN image), retried like API calls but free of quota units.

        Image addresses come from the platform's answer, not from us: each one, and each redirect
        it takes, is checked like a webhook destination (no loopback, private, link-local or
        metadata address), so a poisoned post cannot make the server fetch from its own network.
        Raises ConnectorError for a refused address, a 4xx, too many redirects or a body above
        `max_bytes`; ConnectorUnavailable when retries run out."""
        last_error: PlatformError | None = None
        for attempt in range(self.max_retries + 1):
            if attempt:
                self.sleep(self._delay(attempt - 1, None))
            try:
                response = self._get_following_checked_redirects(url, endpoint)
            except ConnectorUnavailable as exc:
                last_error = exc
                continue
            with response:
                if response.status_code in RETRY_STATUSES:
                    last_error = ConnectorUnavailable(f"{self.platform} {endpoint}: HTTP {response.status_code}")
                    continue
                if response.status_code >= 300:
                    raise ConnectorError(
                        f"{self.platform} {endpoint}: HTTP {response.status_code} for {self.scrub(url)}"
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise ConnectorError(f"{self.platform} {endpoint}: image above {max_bytes:,} bytes at {url}")
                    chunks.append(chunk)
                return b"".join(chunks)
        raise ConnectorUnavailable(f"{last_error} (gave up after {self.max_retries + 1} attempts)")

    def _get_following_checked_redirects(self, url: str, endpoint: str) -> requests.Response:
        for _ in range(MAX_DOWNLOAD_REDIRECTS + 1):
            self._check_download_address(url, endpoint)
            response = self._send(url, None, endpoint, stream=True, follow_redirects=False)
            location = response.headers.get("Location", "")
            if response.status_code not in REDIRECT_STATUSES or not location:
                return response
            response.close()
            url = urljoin(url, location)
        raise ConnectorError(f"{self.platform} {endpoint}: more than {MAX_DOWNLOAD_REDIRECTS} redirects")

    def _check_download_address(self, url: str, endpoint: str) -> None:
        try:
            outbound.destination_check(url, field="image_url", refusal_hint=DOWNLOAD_REFUSAL_HINT, unresolved_ok=True)
        except InputError as exc:
            raise ConnectorError(f"{self.platform} {endpoint}: {self.scrub(str(exc))}") from None


def _json_or_none(response: requests.Response) -> Any:
    """The decoded body, or None when it is not JSON (an HTML error page, a truncated body)."""
    try:
        return json.loads(response.content or b"")
    except (ValueError, UnicodeDecodeError):
        return None
