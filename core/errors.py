"""The domain's error types. Services raise these; the API and CLI turn them into a 4xx or
503 response or a CommandError, always with the file/row/field that was wrong."""

from __future__ import annotations


class VettedError(Exception):
    """A problem the caller can fix (bad input, wrong state). Never a bug."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InputError(VettedError):
    """Bad user input, located as precisely as possible (file, row or record path, field)."""

    code = "invalid_input"

    def __init__(self, message: str, *, source: str = "", location: str = "", field: str | None = None) -> None:
        self.source = source
        self.location = location
        parts = [p for p in (source, location, f"field '{field}'" if field else "") if p]
        full = f"{', '.join(parts)}: {message}" if parts else message
        super().__init__(full, field=field)
        self.reason = message


class ImportValidationError(VettedError):
    """One or more InputErrors found while validating an import; nothing was written."""

    code = "import_invalid"

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  - {e}" for e in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} error(s), nothing was imported:\n{shown}{more}")


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
