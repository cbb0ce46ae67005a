"""Models every app shares: organisations with their members, jobs, sign-in attempts and API
idempotency keys."""

from core.models.idempotency import IdempotencyKey
from core.models.jobs import FINISHED_STATUSES, Job, JobKind, JobStatus
from core.models.security import LoginAttempt, LoginOutcome
from core.models.tenancy import Membership, Organization, Role

__all__ = [
    "FINISHED_STATUSES",
    "IdempotencyKey",
    "Job",
    "JobKind",
    "JobStatus",
    "LoginAttempt",
    "LoginOutcome",
    "Membership",
    "Organization",
    "Role",
]
