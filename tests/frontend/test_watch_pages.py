"""Watch and rule pages (/alerts/watches/): list, create/edit/delete a watch, rules with the rule
validator's field errors, toggle, evaluate now; organisation isolation and viewer refusals."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.models import Job, JobKind, Role
from tests.factories import (
    AlertFactory,
    BrandFactory,
    CreatorFactory,
    MembershipFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
    WatchFactory,
    WatchRuleFactory,
)
from vetting.models import RuleKind, Watch, WatchRule

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def field_errors(html: str, field: str) -> list[str]:
    """The error messages the form shows at the field named `field`."""
    return re.findall(rf'<span class="error" role="alert" data-error-for="{field}">(.*?)</span>', html, re.S)


@pytest.fixture
def org(member):
    return member.organization


@pytest.fixture
def shortlist(org):
    shortlist = ShortlistFactory(organization=org, name="Spring launch")
    for name in ("Lin Mei 林美", "Alex Rivera"):
        ShortlistEntryFactory(shortlist=shortlist, creator=CreatorFactory(display_name=name))
    return shortlist


@pytest.fixture
def watch(org, shortlist):
    watch = WatchFactory(organization=org, shortlist=shortlist, name="Spring watch")
    WatchRuleFactory(watch=watch, kind=RuleKind.KEYWORD, params={"keywords": ["casino"], "window_days": 7})
    return watch


# --- list -------------------------------------------------------------------------------------------


def test_watch_list_shows_own_watches_with_rules_and_open_alerts(ui, org, watch):
    WatchRuleFactory(watch=watch, kind=RuleKind.SENTIMENT, is_active=False)
    AlertFactory(organization=org, watch=watch)
    AlertFactory(organization=org, watch=watch, status="resolved")
    foreign = WatchFactory(name="Their watch")
    body = text(ui.get(reverse("frontend:alert_watches")))
    row = re.search(rf'<tr data-row id="watch-{watch.pk}">.*?</tr>', body, re.S).group(0)
    assert "Spring watch" in row and watch.brand.name in row and "Spring launch" in row
    assert "1 / 2" in row  # active rules / all rules
    assert f'href="/alerts/?watch={watch.pk}"' in row and ">1</span>" in row  # one open alert (resolved not counted)
    assert foreign.name not in body


def test_watch_list_query_count_does_not_grow_with_watches(ui, org, django_assert_max_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The demo-banner flag is cached for 30 s: one set by an earlier test could expire between the
    # two requests on a slow run and add a query to the second only.
    cache.clear()
    WatchRuleFactory(watch=WatchFactory(organization=org, creators=[CreatorFactory()]))
    with CaptureQueriesContext(connection) as one:
        ui.get(reverse("frontend:alert_watches"))
    for _ in range(6):
        WatchRuleFactory(watch=WatchFactory(organization=org, creators=[CreatorFactory(), CreatorFactory()]))
    with django_assert_max_num_queries(len(one)):
        ui.get(reverse("frontend:alert_watches"))


# --- create / edit / delete a watch ---------------------------------------------------------------------


def test_create_a_watch_on_a_shortlist_with_starting_rules(ui, org, shortlist, member):
    brand = BrandFactory(organization=org)
    response = ui.post(
        reverse("frontend:alert_watch_create"),
        {
            "name": "Launch watch",
            "brand": brand.pk,
            "target": "shortlist",
            "shortlist": shortlist.pk,
            "is_active": "on",
            "start_rules": ["keyword", "competitor"],
        },
    )
    watch = Watch.objects.get(organization=org, name="Launch watch")
    assert response.status_code == 302 and response["Location"] == reverse("frontend:alert_watch", args=[watch.pk])
    assert (watch.brand, watch.shortlist, watch.is_active, watch.created_by) == (brand, shortlist, True, member.user)
    assert sorted(watch.rules.values_list("kind", flat=True)) == ["competitor", "keyword"]
    keyword = watch.rules.get(kind="keyword")
    assert keyword.params["window_days"] == 7 and keyword.params["min_count"] == 2  # the kind's defaults


def test_create_a_watch_on_picked_creators_by_checkbox_id_and_page_link(ui, org, shortlist):
    on_list = shortlist.entries.first().creator
    by_id, by_link = CreatorFactory(), CreatorFactory()
    response = ui.post(
        reverse("frontend:alert_watch_create"),
        {
            "name": "Picked",
            "target": "creators",
            "shortlist": shortlist.pk,  # ignored: the target is picked creators
            "creators": [on_list.pk],
            "other_creators": f"{by_id.pk}, http://testserver/creators/{by_link.pk}/",
        },
    )
    assert response.status_code == 302
    watch = Watch.objects.get(organization=org, name="Picked")
    assert watch.shortlist is None and watch.is_active is False  # unchecked box: paused
    assert set(watch.creators.values_list("pk", flat=True)) == {on_list.pk, by_id.pk, by_link.pk}


def test_watch_form_offers_only_the_organisations_choices(ui, shortlist):
    """Brands, shortlists and creators (those on its shortlists) of the organisation only."""
    foreign_brand, foreign_list = BrandFactory(name="Rival brand"), ShortlistFactory(name="Rival list")
    stranger = CreatorFactory(display_name="Not on any list")
    body = text(ui.get(reverse("frontend:alert_watch_create")))
    assert "Spring launch" in body and "Lin Mei 林美" in body
    assert foreign_brand.name not in body and foreign_list.name not in body and stranger.display_name not in body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"target": "shortlist"}, "shortlist", "Choose a shortlist"),
        ({"target": "creators"}, "creators", "name a shortlist or at least one creator"),
        ({"target": "creators", "other_creators": "@linmei"}, "other_creators", "is not a creator id"),
        ({"target": "creators", "other_creators": "999999999"}, "creators", "unknown creator id(s) 999999999"),
        ({"target": "shortlist", "name": "Spring watch"}, "name", "exists already"),
        ({"target": "shortlist", "name": ""}, "name", "required"),
    ],
)
def test_bad_watch_input_shows_the_field_error_and_writes_nothing(
    ui,
    org,
    shortlist,
    watch,
    data,
    field,
    message,
) -> None:
    posted = {"name": "New one", "shortlist": shortlist.pk if field != "shortlist" else "", **data}
    response = ui.post(reverse("frontend:alert_watch_create"), posted)
    assert response.status_code == 422
    errors = field_errors(text(response), field)
    assert any(message in e for e in errors), errors
    assert Watch.objects.filter(organization=org).count() == 1


def test_another_organisations_shortlist_or_brand_is_refused_at_the_field(ui, org):
    foreign_list, foreign_brand = ShortlistFactory(), BrandFactory()
    data = {"name": "Sneaky", "target": "shortlist", "shortlist": foreign_list.pk, "brand": foreign_brand.pk}
    response = ui.post(reverse("frontend:alert_watch_create"), data)
    assert response.status_code == 422
    html = text(response)
    assert field_errors(html, "shortlist") and field_errors(html, "brand")
    assert not Watch.objects.filter(name="Sneaky").exists()


def test_edit_a_watch_from_shortlist_to_picked_creators_and_pause_it(ui, org, watch):
    creator = CreatorFactory()
    page = text(ui.get(reverse("frontend:alert_watch_edit", args=[watch.pk])))
    assert 'value="Spring watch"' in page and 'name="start_rules"' not in page
    response = ui.post(
        reverse("frontend:alert_watch_edit", args=[watch.pk]),
        {"name": "Renamed", "target": "creators", "other_creators": str(creator.pk)},
    )
    assert response.status_code == 302
    watch.refresh_from_db()
    assert (watch.name, watch.shortlist, watch.is_active) == ("Renamed", None, False)
    assert list(watch.creators.all()) == [creator]
    assert watch.rules.count() == 1  # rules untouched


def test_failed_edit_changes_nothing(ui, org, watch):
    WatchFactory(organization=org, name="Taken", creators=[CreatorFactory()])
    response = ui.post(
        reverse("frontend:alert_watch_edit", args=[watch.pk]),
        {"name": "Taken", "target": "shortlist", "shortlist": watch.shortlist_id, "is_active": "on"},
    )
    assert response.status_code == 422 and any("exists already" in e for e in field_errors(text(response), "name"))
    watch.refresh_from_db()
    assert watch.name == "Spring watch"


def test_delete_a_watch_keeps_its_alerts(ui, org, watch):
    alert = AlertFactory(organization=org, watch=watch)
    response = ui.post(reverse("frontend:alert_watch_delete", args=[watch.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("frontend:alert_watches")
    assert not Watch.objects.filter(pk=watch.pk).exists() and not WatchRule.objects.filter(watch_id=watch.pk).exists()
    alert.refresh_from_db()
    assert alert.watch is None


# --- rules ------------------------------------------------------------------------------------------


def test_watch_page_lists_rules_with_their_thresholds_and_kinds_to_add(ui, watch):
    body = text(ui.get(reverse("frontend:alert_watch", args=[watch.pk])))
    rule = watch.rules.get()
    row = re.search(rf'<tr id="rule-{rule.pk}".*?</tr>', body, re.S).group(0)
    assert "Excluded keywords or topics" in row
    assert "Keywords: <b>casino</b>" in row and "Window (days): <b>7</b>" in row
    for kind in RuleKind.values:
        assert f'data-testid="add-rule-{kind}"' in body


def test_add_a_rule_with_parameters(ui, watch):
    url = reverse("frontend:alert_rule_create", args=[watch.pk])
    form = text(ui.get(url, {"kind": "sentiment"}))
    assert 'name="margin"' in form and 'name="history_days"' in form and 'name="keywords"' not in form
    response = ui.post(
        url,
        {
            "kind": "sentiment",
            "name": "Pile-on",
            "margin": "0.3",
            "z_threshold": "4",
            "window_days": "5",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = watch.rules.get(kind="sentiment")
    assert rule.name == "Pile-on" and rule.is_active
    assert (rule.params["margin"], rule.params["z_threshold"], rule.params["window_days"]) == (0.3, 4.0, 5)
    assert rule.params["history_days"] == 90  # empty box → default


@pytest.mark.parametrize(
    ("kind", "data", "field", "message"),
    [
        ("keyword", {"window_days": "abc"}, "window_days", "must be a number"),
        ("keyword", {"window_days": "0"}, "window_days", "must be between 1 and 365"),
        ("keyword", {"min_count": "2.5"}, "min_count", "must be a whole number"),
        (
            "keyword",
            {"window_days": "120", "lookback_days": "30"},
            "window_days",
            "must not be longer than the look-back period",
        ),
        ("sentiment", {"window_days": "30", "history_days": "20"}, "history_days", "must be longer than the window"),
        ("sentiment", {"margin": "1.5"}, "margin", "must be between 0 and 1"),
        ("growth_anomaly", {"min_severity": "extreme"}, "min_severity", "valid choice"),
    ],
)
def test_bad_rule_parameters_show_the_validators_error_at_the_field(
    ui,
    watch,
    kind,
    data,
    field,
    message,
) -> None:
    response = ui.post(reverse("frontend:alert_rule_create", args=[watch.pk]), {"kind": kind, **data})
    assert response.status_code == 422
    errors = field_errors(text(response), field)
    assert any(message in e for e in errors), errors
    assert watch.rules.count() == 1


def test_rule_form_over_htmx_returns_the_fragment_with_errors_then_redirects(ui, watch):
    url = reverse("frontend:alert_rule_create", args=[watch.pk])
    loaded = ui.get(url, {"kind": "competitor"}, HTTP_HX_REQUEST="true")
    assert loaded.status_code == 200 and "<html" not in text(loaded) and 'name="competitors"' in text(loaded)
    bad = ui.post(url, {"kind": "competitor", "lookback_days": "-3"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and "<html" not in text(bad)
    assert any("must be between 1 and 730" in e for e in field_errors(text(bad), "lookback_days"))
    good = ui.post(url, {"kind": "competitor", "competitors": "Lumiskin 璐美肤, Glowco"}, HTTP_HX_REQUEST="true")
    assert good["HX-Redirect"] == reverse("frontend:alert_watch", args=[watch.pk])
    assert watch.rules.get(kind="competitor").params["competitors"] == ["Lumiskin 璐美肤", "Glowco"]


def test_unknown_rule_kind_is_a_404(ui, watch):
    url = reverse("frontend:alert_rule_create", args=[watch.pk])
    assert ui.get(url, {"kind": "telepathy"}).status_code == 404
    assert ui.post(url, {"kind": "telepathy"}).status_code == 404


def test_edit_a_rule_keeps_its_kind_and_shows_its_values(ui, watch):
    rule = watch.rules.get()
    url = reverse("frontend:alert_rule_edit", args=[rule.pk])
    form = text(ui.get(url))
    assert 'name="keywords" value="casino"' in form
    response = ui.post(url, {"kind": "sentiment", "keywords": "casino, 赌博", "min_count": "3", "is_active": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.kind == "keyword" and rule.params["keywords"] == ["casino", "赌博"] and rule.params["min_count"] == 3
    bad = ui.post(url, {"keywords": "casino", "lookback_days": "9999"})
    assert bad.status_code == 422 and field_errors(text(bad), "lookback_days")
    rule.refresh_from_db()
    assert rule.params["lookback_days"] == 90


def test_toggle_a_rule_over_htmx_returns_its_row(ui, watch):
    rule = watch.rules.get()
    response = ui.post(reverse("frontend:alert_rule_toggle", args=[rule.pk]), HTTP_HX_REQUEST="true")
    rule.refresh_from_db()
    assert rule.is_active is False
    assert text(response).strip().startswith(f'<tr id="rule-{rule.pk}"') and "Resume" in text(response)
    ui.post(reverse("frontend:alert_rule_toggle", args=[rule.pk]))
    rule.refresh_from_db()
    assert rule.is_active is True


def test_delete_a_rule(ui, watch):
    rule = watch.rules.get()
    response = ui.post(reverse("frontend:alert_rule_delete", args=[rule.pk]))
    assert response.status_code == 302 and not WatchRule.objects.filter(pk=rule.pk).exists()


def test_evaluate_now_queues_a_watch_job_and_opens_it(ui, org, member, watch):
    response = ui.post(reverse("frontend:alert_evaluate"))
    job = Job.objects.get(kind=JobKind.WATCH, organization=org)
    assert response.status_code == 302 and response["Location"] == reverse("frontend:job", args=[job.pk])
    assert job.created_by == member.user and job.params["organization_id"] == org.pk


def test_evaluate_now_stays_on_the_watch(ui, org, watch):
    back = reverse("frontend:alert_watch", args=[watch.pk])
    response = ui.post(reverse("frontend:alert_evaluate"), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert "Evaluation queued" in ui.get(back).content.decode()


# --- organisation isolation and roles ---------------------------------------------------------------


def test_another_organisations_watch_and_rule_are_404s(ui):
    foreign = WatchFactory(name="Theirs", creators=[CreatorFactory()])
    rule = WatchRuleFactory(watch=foreign)
    for name in ("alert_watch", "alert_watch_edit"):
        assert ui.get(reverse(f"frontend:{name}", args=[foreign.pk])).status_code == 404
    assert ui.post(reverse("frontend:alert_watch_edit", args=[foreign.pk]), {"name": "Mine"}).status_code == 404
    assert ui.post(reverse("frontend:alert_watch_delete", args=[foreign.pk])).status_code == 404
    assert ui.post(reverse("frontend:alert_rule_create", args=[foreign.pk]), {"kind": "keyword"}).status_code == 404
    assert ui.get(reverse("frontend:alert_rule_edit", args=[rule.pk])).status_code == 404
    assert ui.post(reverse("frontend:alert_rule_edit", args=[rule.pk]), {"min_count": "5"}).status_code == 404
    assert ui.post(reverse("frontend:alert_rule_toggle", args=[rule.pk])).status_code == 404
    assert ui.post(reverse("frontend:alert_rule_delete", args=[rule.pk])).status_code == 404
    foreign.refresh_from_db()
    rule.refresh_from_db()
    assert foreign.name == "Theirs" and rule.is_active and rule.params == {} and foreign.rules.count() == 1


@pytest.fixture
def viewer_ui(client, watch):
    viewer = MembershipFactory(organization=watch.organization, role=Role.VIEWER)
    client.force_login(viewer.user)
    return client


def test_viewer_reads_watches_without_write_controls(viewer_ui, watch):
    listing = text(viewer_ui.get(reverse("frontend:alert_watches")))
    assert "Spring watch" in listing and "New watch" not in listing and "evaluate-now" not in listing
    page = text(viewer_ui.get(reverse("frontend:alert_watch", args=[watch.pk])))
    assert "casino" in page
    assert "rule-toggle" not in page and "add-rule-keyword" not in page and "watch-delete" not in page


def test_viewer_cannot_write_watches_or_rules(viewer_ui, watch, shortlist):
    rule = watch.rules.get()
    new_watch = {"name": "V", "shortlist": shortlist.pk, "target": "shortlist"}
    attempts = [
        ("get", reverse("frontend:alert_watch_create"), {}),
        ("post", reverse("frontend:alert_watch_create"), new_watch),
        ("post", reverse("frontend:alert_watch_edit", args=[watch.pk]), {"name": "V", "target": "creators"}),
        ("post", reverse("frontend:alert_watch_delete", args=[watch.pk]), {}),
        ("post", reverse("frontend:alert_rule_create", args=[watch.pk]), {"kind": "keyword"}),
        ("post", reverse("frontend:alert_rule_edit", args=[rule.pk]), {"min_count": "9"}),
        ("post", reverse("frontend:alert_rule_toggle", args=[rule.pk]), {}),
        ("post", reverse("frontend:alert_rule_delete", args=[rule.pk]), {}),
        ("post", reverse("frontend:alert_evaluate"), {}),
    ]
    for method, url, data in attempts:
        assert getattr(viewer_ui, method)(url, data).status_code == 403, url
    watch.refresh_from_db()
    rule.refresh_from_db()
    assert watch.name == "Spring watch" and Watch.objects.count() == 1
    assert rule.is_active and "min_count" not in rule.params and watch.rules.count() == 1
    assert not Job.objects.filter(kind=JobKind.WATCH).exists()


# --- inbox links ------------------------------------------------------------------------------------


def test_alert_inbox_links_to_watches_and_settings_and_filters_by_watch(ui, org, watch):
    mine = AlertFactory(organization=org, watch=watch, title="From the watch")
    other = AlertFactory(organization=org, title="From elsewhere")
    inbox = text(ui.get(reverse("frontend:alerts")))
    assert f'href="{reverse("frontend:alert_watches")}"' in inbox
    assert f'href="{reverse("frontend:alert_settings")}"' in inbox
    filtered = text(ui.get(reverse("frontend:alerts"), {"watch": watch.pk}))
    assert f'id="alert-{mine.pk}"' in filtered and f'id="alert-{other.pk}"' not in filtered
    assert 'data-testid="watch-filter"' in filtered and f'&watch={watch.pk}"' in filtered  # tabs keep the filter
    # Another organisation's watch id is ignored, not an error.
    foreign = WatchFactory(creators=[CreatorFactory()])
    unfiltered = text(ui.get(reverse("frontend:alerts"), {"watch": foreign.pk}))
    assert f'id="alert-{other.pk}"' in unfiltered and 'data-testid="watch-filter"' not in unfiltered


def test_watch_pages_in_chinese(ui, watch):
    ui.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("frontend:alert_watches")})
    listing = text(ui.get(reverse("frontend:alert_watches")))
    assert "监控" in listing and "新建监控" in listing
    page = text(ui.get(reverse("frontend:alert_watch", args=[watch.pk])))
    assert "排除的关键词或话题" in page and "时间窗口（天）: <b>7</b>" in page  # rule kind and parameter labels
    form = text(ui.get(reverse("frontend:alert_rule_create", args=[watch.pk]), {"kind": "keyword"}))
    assert "默认 7" in form  # the default shown beside an empty box


def test_watch_a_creator_from_their_page(ui, org, shortlist):
    creator = CreatorFactory(display_name="Not shortlisted yet")
    page = text(ui.get(reverse("frontend:creator", args=[creator.pk])))
    link = f"{reverse('frontend:alert_watch_create')}?creator={creator.pk}"
    assert f'href="{link}"' in page
    form = text(ui.get(link))
    assert re.search(rf'<input type="checkbox" name="creators" value="{creator.pk}"[^>]*checked', form)
    assert re.search(r'<input type="radio" name="target" value="creators"[^>]*checked', form)
    assert "Not shortlisted yet" in form
    # A malformed ?creator= is ignored (superscript digits pass str.isdigit but not int()).
    for junk in ("²", "abc", "9" * 30):
        assert ui.get(reverse("frontend:alert_watch_create"), {"creator": junk}).status_code == 200


def test_new_watch_on_an_already_watched_shortlist_shows_the_alerts_that_apply_to_it(ui, org, watch, shortlist):
    # Alerts are kept once per cause in an organisation: the first watch raised it, and a second
    # watch of the same brand, with a rule of the same kind on the same shortlist, covers it too.
    watched = shortlist.entries.first().creator
    AlertFactory(organization=org, watch=watch, brand=watch.brand, creator=watched, title="casino posts seen")
    second = WatchFactory(organization=org, shortlist=shortlist, brand=watch.brand, name="Second look")
    WatchRuleFactory(watch=second, kind=RuleKind.KEYWORD)
    other_kind = WatchFactory(organization=org, shortlist=shortlist, brand=watch.brand, name="Sentiment only")
    WatchRuleFactory(watch=other_kind, kind=RuleKind.SENTIMENT)
    other_brand = WatchFactory(organization=org, shortlist=shortlist, name="Other brand")
    WatchRuleFactory(watch=other_brand, kind=RuleKind.KEYWORD)
    body = text(ui.get(reverse("frontend:alert_watches")))

    def row(w):
        return re.search(rf'<tr data-row id="watch-{w.pk}">.*?</tr>', body, re.S).group(0)

    assert f'href="/alerts/?watch={second.pk}"' in row(second) and ">1</span>" in row(second)
    assert f"?watch={other_kind.pk}" not in row(other_kind)  # no keyword rule: not its alert
    assert f"?watch={other_brand.pk}" not in row(other_brand)  # another brand's cause
    inbox = text(ui.get(reverse("frontend:alerts"), {"watch": second.pk}))
    assert "casino posts seen" in inbox
    assert "casino posts seen" not in text(ui.get(reverse("frontend:alerts"), {"watch": other_kind.pk}))
