"""The health report (core/services/health.py), served by the one unauthenticated API endpoint:
the database and the broker, each with its state."""

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
