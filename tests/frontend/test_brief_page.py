"""The discovery page's "Describe your brief" box: the brief comes back as removable chips
carrying the discovery filters (and the brand form's fields), what was not understood is shown
as such, in English and Chinese; "Apply" is a plain GET of the discovery page."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from core.models import Role
from frontend.forms import BrandForm
from frontend.views.discovery import filters_from_query
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
BRIEF = "micro creators on TikTok in the UK, mostly women 18–34 into running, no alcohol content, love cats"


def text(response) -> str:
    return response.content.decode()


def hidden(body: str, form: str) -> list[tuple[str, str]]:
    """(name, value) of the hidden inputs of one of the fragment's two forms."""
    pattern = rf'<input type="hidden" form="{form}" name="([^"]+)" value="([^"]*)">'
    return [(name, value.replace("&#x27;", "'")) for name, value in re.findall(pattern, body)]


def test_the_discovery_page_has_the_brief_box(ui):
    body = text(ui.get(reverse("frontend:discovery")))
    assert 'data-testid="open-brief"' in body and 'id="brief-panel"' in body
    assert reverse("frontend:brief_parse") in body


def test_a_brief_comes_back_as_chips_with_the_discovery_parameters(ui):
    response = ui.post(reverse("frontend:brief_parse"), {"text": BRIEF}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = text(response)
    applied = hidden(body, "brief-apply")
    assert ("platform", "tiktok") in applied
    assert ("min_followers", "10000") in applied and ("max_followers", "50000") in applied
    assert ("country", "GB") in applied
    # rates are the page's percentages, not the API's fractions
    assert ("audience_gender", "female") in applied and ("audience_gender_min_pct", "50") in applied
    assert ("category", "fitness") in applied
    brand = hidden(body, "brief-brand")
    assert ("ta_age", "18-24: 41\n25-34: 59") in brand and ("excluded_topics", "alcohol") in brand
    assert body.count("data-remove-chip") >= 7
    # what was not understood is shown, not dropped
    assert 'data-testid="brief-unknown"' in body and "“cats”" in body
    assert 'data-testid="brief-save-brand"' in body


def test_a_viewer_can_apply_but_not_save_a_brand(client):
    viewer = MembershipFactory(role=Role.VIEWER)
    client.force_login(viewer.user)
    body = text(client.post(reverse("frontend:brief_parse"), {"text": BRIEF}, HTTP_HX_REQUEST="true"))
    assert 'data-testid="brief-apply"' in body and 'data-testid="brief-save-brand"' not in body


def test_an_empty_or_long_brief_says_why(ui):
    empty = ui.post(reverse("frontend:brief_parse"), {"text": "  "}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 422 and 'data-testid="brief-error"' in text(empty)
    long = ui.post(reverse("frontend:brief_parse"), {"text": "x" * 2001}, HTTP_HX_REQUEST="true")
    assert long.status_code == 422 and "2000" in text(long)


def test_the_chips_and_what_was_not_understood_read_in_chinese(ui):
    ui.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("frontend:discovery")})
    body = text(ui.post(reverse("frontend:brief_parse"), {"text": "小红书美妆博主，喜欢钓鱼"}, HTTP_HX_REQUEST="true"))
    assert "未识别" in body and "“钓鱼”" in body
    assert "应用到筛选" in body
    page = text(ui.get(reverse("frontend:discovery")))
    assert "描述你的需求" in page


def test_apply_fills_the_discovery_filters(ui, catalogue):
    query = "platform=tiktok&min_followers=100000&country=CN&not_worked_with=Lancôme 兰蔻&not_worked_with=Dior 迪奥"
    response = ui.get(reverse("frontend:discovery") + "?" + query)
    assert response.status_code == 200
    body = text(response)
    assert 'value="100000"' in body and "Tok Star" in body and "Alex Rivera" not in body


def test_repeated_brand_and_country_chips_are_joined():
    params, bad = filters_from_query(QueryDict("country=GB&country=IE&not_worked_with=Zara&not_worked_with=H%26M"))
    assert bad == [] and params == {"country": "GB, IE", "not_worked_with": "Zara, H&M"}


def test_save_as_brand_prefills_the_form_rescaled_to_the_chips_kept(ui):
    query = QueryDict(mutable=True)
    query.setlist("ta_countries", ["GB: 50"])  # the IE chip was removed
    query.setlist("ta_age", ["18-24: 41\n25-34: 59"])
    query.setlist("preferred_platforms", ["tiktok", "myspace"])
    query.setlist("competitors", ["Zara", "Zara"])
    query.update({"from_brief": "1", "description": "UK runners", "min_followers": "10000"})
    initial = BrandForm.initial_from_brief(query)
    assert initial["ta_countries"] == "GB: 100"
    assert initial["ta_age"] == "18-24: 41\n25-34: 59"
    assert initial["preferred_platforms"] == ["tiktok"]
    assert initial["competitors"] == "Zara" and initial["min_followers"] == 10_000
    page = text(ui.get(reverse("frontend:brand_create") + "?" + query.urlencode()))
    assert "UK runners" in page
    # The country picker opens on GB with 100%.
    assert '<option value="GB" selected>' in page and 'name="ta_countries_pct" value="100"' in page
