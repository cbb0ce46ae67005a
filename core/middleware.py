"""Response headers every page gets: the Content-Security-Policy (CONTENT_SECURITY_POLICY).

The pages run no inline script (behaviour lives in static files, chart data comes as JSON
`<script type="application/json">` blocks, which are data), so `script-src 'self'` holds: an
injected `<script>` or `onclick=` would not run even if an escaping bug let one through. Inline
`style` attributes are allowed (the templates use them for layout; they cannot run code).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy_header(policy: dict[str, list[str]]) -> str:
    """ "directive source source; directive ..." from {directive: [sources]}."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds CONTENT_SECURITY_POLICY to every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = policy_header(getattr(settings, "CONTENT_SECURITY_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header and HEADER not in response:
            response[HEADER] = self.header
        return response
