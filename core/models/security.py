"""Sign-in attempts: the audit trail of logins and password resets, and what the lock-out counts."""

from __future__ import annotations

from django.db import models


class LoginOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    LOCKED = "locked", "Refused: locked out"
    RESET_REQUESTED = "reset_requested", "Password reset requested"
    RESET_DONE = "reset_done", "Password reset"


class LoginAttempt(models.Model):
    """One attempt to sign in (web UI or admin) or to reset a password. Failures within
    LOGIN_FAILURE_WINDOW_SECONDS lock the account name and the address out
    (core.services.login_guard); rows older than LOGIN_AUDIT_DAYS are deleted."""

    at = models.DateTimeField(auto_now_add=True)
    username = models.CharField(max_length=150, blank=True, help_text="As typed (cut to 150 characters)")
    username_key = models.CharField(max_length=150, blank=True, help_text="Case-folded, what is counted")
    ip = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=LoginOutcome.choices)
    path = models.CharField(max_length=100, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["username_key", "at"], name="login_attempt_user_at_idx"),
            models.Index(fields=["ip", "at"], name="login_attempt_ip_at_idx"),
            models.Index(fields=["at"], name="login_attempt_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} sign-in as {self.username!r} from {self.ip} at {self.at:%Y-%m-%d %H:%M:%S}"
