"""`Idempotency-Key` on creates and job starts (docs/api.md, Idempotency).

The first request with a key runs and its answer (2xx) is stored with the key; a retry with the
same key and the same request gets that answer again, with `Idempotent-Replayed: true`, and
creates nothing. The same key with a different request is a 422; a retry while the first is still
running is a 409. Keys belong to one user in one organisation; an error answer frees the key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotencyConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_in_progress"
    default_detail = "a request with this Idempotency-Key is still running; retry later"


class IdempotencyMismatch(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = "this Idempotency-Key was used with a different request"


class BadIdempotencyKey(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_idempotency_key"
    default_detail = f"{HEADER} must be 1-{MAX_KEY_LENGTH} printable ASCII characters"


def _digest_file(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return f"file:{upload.name}:{upload.size}:{digest.hexdigest()}"


def fingerprint(request: Request) -> str:
    """sha256 of the method, the path (any version) and the parsed body (files by content)."""
    data = request.data
    if hasattr(data, "lists"):
        data = {key: values for key, values in data.lists()}
    body = json.dumps(data, sort_keys=True, default=_digest_file)
    path = request.path.replace("/api/v1/", "/api/", 1)
    return hashlib.sha256(f"{request.method} {path}\n{body}".encode()).hexdigest()


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Decorate a view's `post` (a create or a job start) to honour Idempotency-Key."""

    @wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not (0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()):
            raise BadIdempotencyKey()
        where = {"user": request.user, "organization": view.organization, "key": key}
        print_ = fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    **where, method=request.method, path=request.path[:500], fingerprint=print_
                )
        except IntegrityError:
            return _replay(IdempotencyKey.objects.get(**where), print_)
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if 200 <= response.status_code < 300:
            record.status_code = response.status_code
            record.body = response.data
            record.location = response.get("Location", "")[:1000]
            record.save(update_fields=["status_code", "body", "location"])
        else:
            record.delete()
        return response

    wrapper.idempotent = True  # type: ignore[attr-defined]  # read by api.schema
    return wrapper


def _replay(record: IdempotencyKey, print_: str) -> Response:
    if record.fingerprint != print_:
        raise IdempotencyMismatch()
    if record.status_code is None:
        raise IdempotencyConflict()
    response = Response(record.body, status=record.status_code)
    if record.location:
        response["Location"] = record.location
    response["Idempotent-Replayed"] = "true"
    return response
