"""Sign-in forms with brute-force protection (the web UI's /login/ and the admin's), and the
password-reset request form with a per-address limit. The counting and the audit trail are
`core.services.login_guard`; these forms only ask it before checking a password and tell it
the outcome."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import ngettext

from core.http import client_ip
from core.models import LoginOutcome
from core.services.login_guard import login_lock, login_record, reset_request_allowed


class ThrottledLoginMixin:
    """Refuse a sign-in while its account name or address is locked out; record every attempt."""

    request: Any
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        request = self.request
        ip = client_ip(request) if request is not None else None
        where = {
            "path": request.path if request is not None else "",
            "user_agent": request.META.get("HTTP_USER_AGENT", "") if request is not None else "",
        }
        lock = login_lock(username=username, ip=ip)
        if lock is not None:
            login_record(username=username, ip=ip, outcome=LoginOutcome.LOCKED, **where)
            raise forms.ValidationError(
                ngettext(
                    "Too many failed sign-in attempts. Try again in %(minutes)s minute, or reset your password.",
                    "Too many failed sign-in attempts. Try again in %(minutes)s minutes, or reset your password.",
                    lock.minutes_left,
                )
                % {"minutes": lock.minutes_left},
                code="locked_out",
            )
        try:
            cleaned = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            login_record(username=username, ip=ip, outcome=LoginOutcome.FAILED, **where)
            raise
        login_record(username=username, ip=ip, outcome=LoginOutcome.SUCCEEDED, **where)
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The web UI's sign-in."""


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's sign-in (staff only), with the same lock-out."""


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form (the same answer whether or not the address has an account); an
    address that asked PASSWORD_RESETS_PER_IP times in the window gets no more emails."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        request = kwargs.get("request")  # PasswordResetView passes it
        ip = client_ip(request) if request is not None else None
        email = self.cleaned_data.get("email", "")
        path = request.path if request is not None else ""
        if not reset_request_allowed(ip=ip):
            login_record(username=email, ip=ip, outcome=LoginOutcome.LOCKED, path=path)
            return
        login_record(username=email, ip=ip, outcome=LoginOutcome.RESET_REQUESTED, path=path)
        super().save(*args, **kwargs)
