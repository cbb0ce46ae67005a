"""The health endpoint is the one unauthenticated API endpoint and reports its parts."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_health_answers_without_login_and_reports_database_and_broker():
    response = APIClient().get(reverse("api:health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_schema_requires_login():
    assert APIClient().get(reverse("api:schema")).status_code in (401, 403)
