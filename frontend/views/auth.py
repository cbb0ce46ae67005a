"""Sign-in and password reset: Django's auth views with the throttled forms (frontend.forms_auth)
and the web UI's templates in English and Chinese. The reset email goes through EMAIL_BACKEND
(the console backend on the default run: the link is printed by the web process)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from core.http import client_ip
from core.models import LoginOutcome
from core.services.login_guard import login_record
from frontend.forms_auth import LoginForm, ThrottledPasswordResetForm


class LoginView(auth_views.LoginView):
    template_name = "frontend/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "frontend/password_reset_form.html"
    form_class = ThrottledPasswordResetForm
    email_template_name = "frontend/password_reset_email.txt"
    subject_template_name = "frontend/password_reset_subject.txt"
    success_url = reverse_lazy("frontend:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "frontend/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "frontend/password_reset_confirm.html"
    success_url = reverse_lazy("frontend:password_reset_complete")

    def form_valid(self, form: Any) -> Any:
        response = super().form_valid(form)
        # A new password ends the account's lock-out (the address's stays).
        login_record(
            username=form.user.get_username(),
            ip=client_ip(self.request),
            outcome=LoginOutcome.RESET_DONE,
            path=self.request.path[:40],  # not the token
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "frontend/password_reset_complete.html"
