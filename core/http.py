"""What the faces (API, web pages) share for HTTP: answering with a private file, and the
client's address behind reverse proxies.

Mood boards and exports are organisation-private: they are never under a URL the web server or
Django serves to anyone (only the catalogue's images and avatars are, docs/deploy.md section 7).
A view checks who asks, then answers with `private_file_response`, which either streams the file
itself or, behind nginx or Apache, hands the sending to the web server
(PRIVATE_MEDIA_SERVER = "nginx": `X-Accel-Redirect` to an `internal` location;
"apache": `X-Sendfile`), so a large export does not hold a gunicorn thread.
"""

from __future__ import annotations

import ipaddress
import mimetypes
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header

SERVERS = ("django", "nginx", "apache")


def _media_relative(path: Path) -> str | None:
    """`path` relative to MEDIA_ROOT (posix), or None when it lies outside."""
    try:
        return path.resolve().relative_to(Path(settings.MEDIA_ROOT).resolve()).as_posix()
    except ValueError:
        return None


def private_file_response(
    *,
    path: Path | None = None,
    name: str | None = None,
    storage: Storage | None = None,
    filename: str,
    content_type: str | None = None,
    as_attachment: bool = False,
    max_age: int = 0,
) -> HttpResponseBase:
    """The file at `path` (on disk) or `name` (in `storage`, default media storage), for a caller
    the view has already authorised. 404 when it is missing. Never cached by shared caches."""
    storage = storage or default_storage
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if path is None and name is not None:
        try:
            path = Path(storage.path(name))
        except NotImplementedError:  # object storage: stream it through Django
            path = None
    server = getattr(settings, "PRIVATE_MEDIA_SERVER", "django")
    if path is not None:
        if not path.is_file():
            raise Http404("the file is missing")
        relative = _media_relative(path)
        if server == "nginx" and relative is not None:
            response: HttpResponseBase = HttpResponse(content_type=content_type)
            prefix = getattr(settings, "PRIVATE_MEDIA_INTERNAL_URL", "/_private_media/")
            response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(relative)
        elif server == "apache":
            response = HttpResponse(content_type=content_type)
            response["X-Sendfile"] = str(path.resolve())
        else:
            response = FileResponse(path.open("rb"), content_type=content_type)
    else:
        if name is None or not storage.exists(name):
            raise Http404("the file is missing")
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    disposition = content_disposition_header(as_attachment, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = f"private, max-age={max_age}" if max_age else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the
    entry that many places from the right of X-Forwarded-For (each proxy appends the address it
    saw; entries further left are whatever the client sent and are never trusted)."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    candidate = request.META.get("REMOTE_ADDR") or ""
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate.strip("[]")))
    except ValueError:
        return None
