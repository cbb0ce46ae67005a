"""Schema-driven fuzzing: schemathesis generates requests for every operation in /api/schema/
(fetched from the live test server) and sends them with a member's token. No response may be
a server error. A bounded number of examples per operation keeps the run well under a minute.
"""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from core.models import Role
from tests.factories import BrandFactory, CreatorFactory, MembershipFactory, OrganizationFactory, ShortlistFactory

# FUZZ_EXAMPLES=25 for a deeper run (about 3 minutes); 4 keeps the suite fast.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "4"))


def _make_probe(operation, base_url, session, headers, failures):
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def probe(case):
        response = case.call(base_url=base_url, session=session, headers=headers, timeout=30)
        if response.status_code >= 500:
            failures.append(
                f"{operation.method.upper()} {operation.path} -> {response.status_code}: "
                f"{response.text[:300]!r} (request: {case.as_curl_command(headers=headers)})"
            )
        if response.status_code >= 400:
            # Every error is JSON (the exception handler), never an HTML page.
            content_type = (response.headers.get("content-type") or [""])[0]
            assert content_type.startswith("application/json"), (
                operation.path,
                response.status_code,
                response.text[:200],
            )

    return probe


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_no_operation_answers_a_server_error(live_server, settings):
    from rest_framework.authtoken.models import Token

    org = OrganizationFactory(name=settings.ADMIN_ORGANIZATION_NAME)  # may also import: more code paths
    membership = MembershipFactory(organization=org, role=Role.OWNER)
    for _ in range(3):
        BrandFactory(organization=org)
        ShortlistFactory(organization=org)
        CreatorFactory()
    token = Token.objects.create(user=membership.user).key
    headers = {"Authorization": f"Token {token}"}

    raw = requests.get(f"{live_server.url}/api/schema/?format=json", headers=headers, timeout=30)
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(raw.json())

    failures: list[str] = []
    operations = 0
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            probe = _make_probe(operation, live_server.url, session, headers, failures)
            probe()
    assert operations >= 25
    assert not failures, "\n".join(failures[:20])
