"""The domain's error types. Services raise these; the API and CLI turn them into a 4xx or
503 response or a CommandError, always with the file/row/field that was wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.messages import Message


def _english(message: str | Message) -> str:
    """The error's text for logs, the CLI and the API's `detail`: English, whatever the request's
    language (a Message is worded by the faces for people)."""
    if isinstance(message, str):
        return message
    from core.messages import render_message

    return render_message(message, "en")


class VettedError(Exception):
    """A problem the caller can fix (bad input, wrong state). Never a bug.

    `message` is an English text or, for errors a person reads in the web UI, a `Message` the faces
    word in the user's language (`user_message`)."""

    code = "invalid"

    def __init__(self, message: str | Message, *, field: str | None = None) -> None:
        super().__init__(_english(message))
        self.field = field
        self.message = None if isinstance(message, str) else message


class InputError(VettedError):
    """Bad user input, located as precisely as possible (file, row or record path, field)."""

    code = "invalid_input"

    def __init__(
        self, message: str | Message, *, source: str = "", location: str = "", field: str | None = None
    ) -> None:
        self.source = source
        self.location = location
        reason = _english(message)
        parts = [p for p in (source, location, f"field '{field}'" if field else "") if p]
        full = f"{', '.join(parts)}: {reason}" if parts else reason
        super().__init__(full, field=field)
        self.message = None if isinstance(message, str) else message
        self.reason = reason


class ImportValidationError(VettedError):
    """One or more InputErrors found while validating an import; nothing was written."""

    code = "import_invalid"

    def __init__(self, errors: list[InputError]) -> None:
        from core.messages import IMPORT_INVALID

        self.errors = errors
        shown = "\n".join(f"  - {e}" for e in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} error(s), nothing was imported:\n{shown}{more}")
        # The headline in the reader's language; the lines (row, column, reason) stay as written.
        self.message = IMPORT_INVALID(n=len(errors))


class InvalidState(VettedError):
    """An operation asked of an object in the wrong state (e.g. starting a finished job)."""

    code = "invalid_state"


class ServiceUnavailable(VettedError):
    """A dependency (broker, index) is not reachable right now; the caller may retry."""

    code = "service_unavailable"


class Throttled(VettedError):
    """The caller asked too often, or has too much running at once; `retry_after` seconds later
    it may ask again. The faces answer 429 with Retry-After."""

    code = "throttled"

    def __init__(self, message: str, *, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotFound(VettedError):
    """The object asked for does not exist, or belongs to another organisation (the two look the
    same from outside, so no one learns what another organisation has). The faces answer 404."""

    code = "not_found"


class PermissionDenied(VettedError):
    """The caller's role does not allow this. The faces answer 403."""

    code = "permission_denied"
