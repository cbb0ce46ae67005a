"""Done-when of continuous vetting: on a small seeded demo catalogue, every rule kind raises at
least one alert, visible with its evidence in the inbox page and the API."""

from __future__ import annotations

import importlib.util
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from core.models import Organization, Role
from vetting.models import Alert, RuleKind
from vetting.monitoring.demo import BURST_PREFIX, demo_watches_seed
from vetting.services.demo import seed_demo

pytestmark = pytest.mark.slow

# Growth and engagement anomalies come from the vetting scorers; a tree without them cannot raise
# those two kinds (the service then reports none rather than guessing).
SCORERS = {
    RuleKind.GROWTH_ANOMALY: "vetting.scoring.growth",
    RuleKind.ENGAGEMENT_ANOMALY: "vetting.scoring.engagement",
}
EXPECTED_KINDS = {k for k in RuleKind.values if k not in SCORERS or importlib.util.find_spec(SCORERS[k])}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """A small demo catalogue ending today, with the demo watches evaluated; rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seed_demo(creators=36, seed=7, image_size=32, vet=False)
            yield demo_watches_seed()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
def test_every_rule_kind_raises_an_alert_on_the_demo(demo) -> None:
    assert set(demo["alerts_by_kind"]) == set(RuleKind.values)
    missing = [kind for kind, n in demo["alerts_by_kind"].items() if n == 0 and kind in EXPECTED_KINDS]
    assert not missing, demo
    org = Organization.objects.get(name=demo["organization"])
    for kind in EXPECTED_KINDS:
        alert = Alert.objects.filter(organization=org, kind=kind).first()
        assert alert.evidence, kind  # every alert carries its evidence
    sentiment = Alert.objects.get(organization=org, kind=RuleKind.SENTIMENT)
    cited = sentiment.evidence["comment_ids"]
    from influencers.models import CommentSample

    burst = set(CommentSample.objects.filter(external_id__startswith=BURST_PREFIX).values_list("pk", flat=True))
    assert burst and burst <= set(cited)  # the synthetic pile-on is what it cites


@pytest.mark.django_db
def test_running_the_demo_setup_again_raises_nothing_new(demo) -> None:
    before = Alert.objects.count()
    again = demo_watches_seed()
    assert again["evaluation"]["alerts_created"] == 0
    assert Alert.objects.count() == before


@pytest.mark.django_db
def test_demo_alerts_show_in_the_inbox_page_and_the_api(demo, client) -> None:
    from tests.api.conftest import client_for
    from tests.factories import MembershipFactory

    org = Organization.objects.get(name=demo["organization"])
    user = MembershipFactory(organization=org, role=Role.EDITOR).user
    client.force_login(user)
    page = client.get("/alerts/?status=all")
    assert page.status_code == 200
    html = page.content.decode()
    for alert in Alert.objects.filter(organization=org)[:25]:
        assert f'id="alert-{alert.pk}"' in html
    assert "demo_critic_0" in html or "This is a scam" in html  # the sentiment evidence is on the page

    api = client_for(user, org).get("/api/monitoring/alerts/", {"page_size": 100}).json()
    assert api["count"] == Alert.objects.filter(organization=org).count()
    assert {row["kind"] for row in api["results"]} >= EXPECTED_KINDS


@pytest.mark.django_db
def test_seed_demo_watches_command_reports_counts(demo) -> None:
    out = io.StringIO()
    call_command("seed_demo_watches", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "alerts by kind" in text and "Demo: creators to watch" in text
