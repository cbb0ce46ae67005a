"""Reading an uploaded file without trusting it: refused before a byte is read when it declares a
size above the limit, and never read past the limit when it declares none (a streamed body)."""

from __future__ import annotations

from typing import IO, Protocol

from core.errors import InputError
from core.messages import UPLOAD_OVER_LIMIT, UPLOAD_TOO_LARGE, MessageTemplate


class Upload(Protocol):
    """What Django's UploadedFile offers that reading needs (tests pass plain files too). Read
    only: UploadedFile's `size` is a property."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def read(self, size: int = -1, /) -> bytes: ...


def read_upload(
    upload: Upload | IO[bytes],
    *,
    max_bytes: int,
    field: str,
    too_large: MessageTemplate = UPLOAD_TOO_LARGE,
) -> bytes:
    """The upload's bytes, at most `max_bytes`. Raises InputError naming the file and `field` when
    it is larger: from its declared size before reading it, else from what reading it found."""
    source = getattr(upload, "name", None) or ""
    declared = getattr(upload, "size", None)
    if declared is not None and declared > max_bytes:
        raise InputError(too_large(size=declared, limit=max_bytes), source=source, field=field)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        # Declared wrongly or not at all: reading stopped at the limit, so the real size is unknown.
        raise InputError(UPLOAD_OVER_LIMIT(limit=max_bytes), source=source, field=field)
    return data
