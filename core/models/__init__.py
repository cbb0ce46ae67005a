"""Models every app shares: organisations with their members, and jobs."""

from core.models.jobs import FINISHED_STATUSES, Job, JobKind, JobStatus
from core.models.tenancy import Membership, Organization, Role

__all__ = ["FINISHED_STATUSES", "Job", "JobKind", "JobStatus", "Membership", "Organization", "Role"]
