"""Stateful schema fuzzing (issue 18, item 7c): schemathesis follows the OpenAPI links of the
served schema (api.schema.add_links) from each create into reads, updates, deletes and nested
creates of what it created, with real ids, and checks every answer: no server error, a documented
status, content type, headers and body.

Bounded (12 scenarios of at most 6 steps, derandomized: about 20 s of calls) so it stays under a
minute on two cores; STATEFUL_EXAMPLES=60 STATEFUL_STEPS=10 goes deeper (about 2 minutes). Each
scenario starts from the same data (a brand, a shortlist holding one creator), and ids drawn in
request bodies are replaced by those real ones, so creates succeed and links have something to
follow. Checked to fail when the schema is wrong: with `Job.status` edited to an integer in the
fetched schema, the export's 202 is reported (ST108, response violates schema).
"""

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
from tests.factories import (
    BrandFactory,
    CreatorFactory,
    MembershipFactory,
    OrganizationFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)


def _reset(organization_id: int, creator) -> dict[str, object]:
    """Delete what earlier scenarios created for the organisation; a brand and a shortlist holding
    `creator` again, and the ids a request body may name."""
    from core.models import IdempotencyKey, Job
    from vetting.models import Alert, Brand, Campaign, CreatorNote, NotificationSettings, Shortlist, Watch

    for model in (Campaign, Watch, Alert, CreatorNote, Shortlist, Brand, Job, IdempotencyKey, NotificationSettings):
        model.objects.filter(organization_id=organization_id).delete()
    brand = BrandFactory(organization_id=organization_id, name="Seed brand")
    shortlist = ShortlistFactory(organization_id=organization_id, name="Seed shortlist")
    ShortlistEntryFactory(shortlist=shortlist, creator=creator)
    return {
        "shortlist": shortlist.pk,
        "shortlist_id": shortlist.pk,
        "brand_id": brand.pk,
        "creator": creator.pk,
        "creator_id": creator.pk,
        "creator_ids": [creator.pk],
    }


# The resources whose creates link to their reads, updates, deletes and nested creates: steps go
# to chains of these rather than to operations that only answer 400/404 to made-up ids.
LINKED = r"^/api/v1/(brands|shortlists|notes|campaigns|exports|jobs|monitoring/(watches|rules))/"
COLLECTIONS = [
    f"/api/v1/{name}/" for name in ("brands", "shortlists", "notes", "campaigns", "jobs", "monitoring/watches")
]


def linked_operations(schema):
    return schema.include(path_regex=LINKED).exclude(method="GET", path=COLLECTIONS)


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
    creator = CreatorFactory()
    token = Token.objects.create(user=membership.user).key
    headers = {"Authorization": f"Token {token}"}
    raw = requests.get(f"{live_server.url}/api/v1/schema/?format=json", headers=headers, timeout=30)
    assert raw.status_code == 200
    schema = linked_operations(schemathesis.openapi.from_dict(raw.json()))
    calls: list[str] = []

    with requests.Session() as session:

        class Workflow(schema.as_state_machine()):  # type: ignore[misc]
            def setup(self):
                # Every scenario starts from the same data: Hypothesis replays choices and needs the
                # same answers to them (a name taken by an earlier scenario would change them).
                self.real_ids = _reset(membership.organization_id, creator)

            def before_call(self, case):
                # A random organisation id is a 403 before anything runs: act for our own.
                if case.headers and "X-Organization" in case.headers:
                    case.headers["X-Organization"] = str(membership.organization_id)
                # Made-up ids in bodies are 400s: put real ones where a valid-looking id was drawn.
                if isinstance(case.body, dict):
                    for key, value in self.real_ids.items():
                        if isinstance(case.body.get(key), type(value)) and not isinstance(case.body[key], bool):
                            case.body[key] = value

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
