"""Factories of core: users, organisations, memberships, jobs, sign-in attempts, idempotency keys."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from core.models import IdempotencyKey, Job, JobKind, LoginAttempt, LoginOutcome, Membership, Organization, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    # Hashed when built: no second save after creation (what set_password would need).
    password = factory.django.Password("pass-word-123")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.EDITOR


class JobFactory(factory.django.DjangoModelFactory):
    """A PENDING job of `kind` (IMPORT unless given), owned by no organisation."""

    class Meta:
        model = Job

    kind = JobKind.IMPORT
    params = factory.LazyFunction(dict)


class LoginAttemptFactory(factory.django.DjangoModelFactory):
    """A failed sign-in as `maya` from a documentation address (pass `outcome` for another)."""

    class Meta:
        model = LoginAttempt

    username = "maya"
    username_key = factory.LazyAttribute(lambda o: o.username.casefold())
    ip = "203.0.113.9"
    outcome = LoginOutcome.FAILED
    path = "/login/"


class IdempotencyKeyFactory(factory.django.DjangoModelFactory):
    """A key whose first request (a brand create) was answered 201."""

    class Meta:
        model = IdempotencyKey

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    key = factory.Sequence(lambda n: f"key-{n}")
    method = "POST"
    path = "/api/v1/brands/"
    fingerprint = "0" * 64
    status_code = 201
    body = factory.LazyFunction(lambda: {"id": 1, "name": "Nova"})
    location = "http://testserver/api/v1/brands/1/"
