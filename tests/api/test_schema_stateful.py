"""Stateful schema fuzzing (issue 18, item 7c): schemathesis follows the OpenAPI links of the
served schema (api.schema.add_links) from each create into reads, updates, deletes and nested
creates of what it created, with real ids, and checks every answer: no server error, a documented
status, content type, headers and body. Bounded (few scenarios of few steps, derandomized) so
it runs in well under a minute on two cores; STATEFUL_EXAMPLES / STATEFUL_STEPS go deeper."""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.models import Role
from tests.factories import CreatorFactory, MembershipFactory, OrganizationFactory

SCENARIOS = int(os.environ.get("STATEFUL_EXAMPLES", "12"))
STEPS = int(os.environ.get("STATEFUL_STEPS", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_the_served_schema_links_creates_to_what_they_created(editor):
    raw = editor.client.get("/api/v1/schema/?format=json").json()
    brands = raw["paths"]["/api/v1/brands/"]["post"]["responses"]["201"]["links"]
    assert brands["GetBrandsRetrieve"] == {"operationId": "brands_retrieve", "parameters": {"id": "$response.body#/id"}}
    rules = raw["paths"]["/api/v1/monitoring/watches/{id}/rules/"]["post"]["responses"]["201"]["links"]
    assert rules["DeleteMonitoringRulesDestroy"]["parameters"] == {"id": "$response.body#/id"}
    export = raw["paths"]["/api/v1/exports/"]["post"]["responses"]["202"]["links"]
    assert export["GetJobsRetrieve"]["operationId"] == "jobs_retrieve"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_stateful_scenarios_find_no_server_error_and_no_answer_against_the_schema(live_server):
    from rest_framework.authtoken.models import Token

    membership = MembershipFactory(organization=OrganizationFactory(), role=Role.OWNER)
    creators = [CreatorFactory() for _ in range(3)]
    assert creators
    token = Token.objects.create(user=membership.user).key
    headers = {"Authorization": f"Token {token}"}
    raw = requests.get(f"{live_server.url}/api/v1/schema/?format=json", headers=headers, timeout=30)
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(raw.json())
    calls: list[str] = []

    with requests.Session() as session:

        class Workflow(schema.as_state_machine()):  # type: ignore[misc]
            def before_call(self, case):
                # A random organisation id is a 403 before anything runs: act for our own.
                if case.headers and "X-Organization" in case.headers:
                    case.headers["X-Organization"] = str(membership.organization_id)

            def get_call_kwargs(self, case):
                return {"base_url": live_server.url, "headers": headers, "session": session, "timeout": 30}

            def after_call(self, response, case):
                calls.append(f"{case.method} {case.path} -> {response.status_code}")

            def validate_response(self, response, case, additional_checks=None, **kwargs):
                case.validate_response(response, checks=CHECKS, headers=headers, transport_kwargs=kwargs)

        Workflow.run(
            settings=hypothesis_settings(
                max_examples=SCENARIOS,
                stateful_step_count=STEPS,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
        )
    # The scenarios reached objects they created (a link followed into a 2xx), not just 404s.
    followed = [c for c in calls if "{" in c and " -> 2" in c]
    assert followed, calls[:50]
