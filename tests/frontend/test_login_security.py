"""Brute-force protection of /login/ and /admin/login/ (per account name and per address, lock-out
message in both languages, audit rows) and the password-reset flow (email through the backend,
the link works once, a reset ends the account's lock-out)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from core.models import LoginAttempt, LoginOutcome
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"


@pytest.fixture
def member(db):
    membership = MembershipFactory()
    user = membership.user
    user.set_password(PASSWORD)
    user.email = "maya@example.com"
    user.save()
    return user


def _login(client: Client, username: str, password: str, *, ip: str = "203.0.113.9", path: str = "/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_even_with_the_right_password(member, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    client = Client()
    for _ in range(5):
        response = _login(client, member.username, "wrong")
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    locked = _login(client, member.username, PASSWORD)
    assert locked.status_code == 200 and "_auth_user_id" not in client.session
    assert "Too many failed sign-in attempts. Try again in 15 minutes" in locked.content.decode()
    # The account name is compared without case; another name from another address still works.
    assert "Too many failed" in _login(Client(), member.username.upper(), PASSWORD, ip="198.51.100.7").content.decode()
    other = MembershipFactory().user
    other.set_password(PASSWORD)
    other.save()
    assert _login(Client(), other.username, PASSWORD, ip="198.51.100.7").status_code == 302

    outcomes = list(
        LoginAttempt.objects.filter(username_key=member.username.casefold()).values_list("outcome", flat=True)
    )
    assert outcomes.count(LoginOutcome.FAILED) == 5 and outcomes.count(LoginOutcome.LOCKED) == 2
    row = LoginAttempt.objects.filter(outcome=LoginOutcome.FAILED).first()
    assert (row.ip, row.path, row.username) == ("203.0.113.9", "/login/", member.username)


def test_the_lock_lifts_when_the_failures_leave_the_window(member, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        _login(Client(), member.username, "wrong")
    assert "Too many failed" in _login(Client(), member.username, PASSWORD).content.decode()
    LoginAttempt.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert _login(Client(), member.username, PASSWORD).status_code == 302


def test_a_success_clears_the_account_count(member, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(2):
        _login(Client(), member.username, "wrong")
    assert _login(Client(), member.username, PASSWORD).status_code == 302
    for _ in range(2):
        _login(Client(), member.username, "wrong")
    assert _login(Client(), member.username, PASSWORD).status_code == 302  # 2 since the success: not locked


def test_one_address_trying_many_names_is_locked(member, settings):
    settings.LOGIN_FAILURES_PER_IP = 4
    settings.LOGIN_FAILURES_PER_ACCOUNT = 100
    for n in range(4):
        _login(Client(), f"guess-{n}", "wrong", ip="192.0.2.50")
    locked = _login(Client(), member.username, PASSWORD, ip="192.0.2.50")
    assert "Too many failed" in locked.content.decode() and locked.status_code == 200
    assert _login(Client(), member.username, PASSWORD, ip="192.0.2.51").status_code == 302


def test_behind_a_proxy_the_client_address_is_counted(member, settings):
    settings.LOGIN_FAILURES_PER_IP = 2
    settings.LOGIN_FAILURES_PER_ACCOUNT = 100
    settings.TRUSTED_PROXY_COUNT = 1
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(2):  # a client spoofing the left part of the header is still counted by its real address
        Client().post(
            "/login/",
            {"username": f"x{n}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.77",
            **via_proxy,
        )
    other_client = Client().post(
        "/login/", {"username": member.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.78", **via_proxy
    )
    assert other_client.status_code == 302  # the proxy's own address is not what is locked
    same_client = Client().post(
        "/login/", {"username": member.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.77", **via_proxy
    )
    assert "Too many failed" in same_client.content.decode()


def test_the_lock_out_message_is_in_chinese_too(member, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 1
    _login(Client(), member.username, "wrong")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = client.post("/login/", {"username": member.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert "登录失败次数过多" in body.content.decode() and "15 分钟" in body.content.decode()


def test_the_admin_login_has_the_same_lock_out(member, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    member.is_staff = True
    member.save()
    for _ in range(3):
        response = _login(Client(), member.username, "wrong", path="/admin/login/")
        assert response.status_code == 200
    locked = _login(Client(), member.username, PASSWORD, path="/admin/login/")
    assert locked.status_code == 200 and "Too many failed sign-in attempts" in locked.content.decode()
    assert LoginAttempt.objects.filter(path="/admin/login/", outcome=LoginOutcome.LOCKED).count() == 1


def test_forty_fast_guesses_never_get_through(member):
    """The probe's case: 40 wrong passwords, then the right one."""
    client = Client()
    for _ in range(40):
        _login(client, member.username, "wrong")
    assert _login(client, member.username, PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.filter(outcome=LoginOutcome.FAILED).count() == 5  # the rest were never checked


# --- password reset ------------------------------------------------------------------------------


def _reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/password-reset/[^\s]+/)", message.body).group(1)


def test_password_reset_sends_a_link_that_works_once(member, settings):
    client = Client()
    assert 'href="/password-reset/"' in client.get("/login/").content.decode()
    sent = client.post("/password-reset/", {"email": "MAYA@example.com"}, follow=True)
    assert sent.status_code == 200 and "Check your email" in sent.content.decode()
    (message,) = mail.outbox
    assert message.to == ["maya@example.com"] and member.username in message.body
    link = _reset_link(message)
    form = client.get(link, follow=True)
    assert 'name="new_password1"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "a-brand-new-pass-42", "new_password2": "a-brand-new-pass-42"}
    )
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"
    member.refresh_from_db()
    assert member.check_password("a-brand-new-pass-42")
    again = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in again


def test_unknown_addresses_get_the_same_answer_and_no_mail(db):
    response = Client().post("/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert mail.outbox == []


def test_reset_requests_are_limited_per_address(member, settings):
    settings.PASSWORD_RESETS_PER_IP = 2
    for _ in range(4):
        response = Client().post("/password-reset/", {"email": member.email}, REMOTE_ADDR="203.0.113.20")
        assert response.status_code == 302  # the same answer either way
    assert len(mail.outbox) == 2


def test_a_password_reset_ends_the_account_lock_out(member, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    for _ in range(2):
        _login(Client(), member.username, "wrong")
    client = Client()
    client.post("/password-reset/", {"email": member.email})
    form = client.get(_reset_link(mail.outbox[0]), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "fresh-pass-9876", "new_password2": "fresh-pass-9876"})
    assert _login(Client(), member.username, "fresh-pass-9876").status_code == 302


def test_the_reset_pages_speak_chinese(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "重置密码" in client.get("/password-reset/").content.decode()
    assert "忘记密码" in client.get("/login/").content.decode()


def test_users_without_a_password_form_field_value_do_not_crash(db):
    assert User.objects.count() == 0
    response = Client().post("/login/", {"username": "", "password": ""})
    assert response.status_code == 200
