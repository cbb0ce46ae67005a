"""The smaller items of issue 17, each where it could break again: case-insensitive country codes,
min > max flagged, the keyword highlighted and its own empty state, htmx triggers without eval
filters, gender chart colours fixed per gender, ("Evaluate now" staying on the watch: test_watch_pages.py)."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from tests.factories import AudienceProfileFactory
from tests.frontend.test_pages import text

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"


def test_the_creator_country_filter_ignores_case(ui, catalogue):
    for creator, country in zip(catalogue, ("CN", "CN", "US"), strict=True):
        creator.country = country
        creator.save(update_fields=["country"])
    lower = text(ui.get(reverse("frontend:discovery") + "?country=cn"))
    assert "Lin Mei" in lower and "Alex Rivera" in lower and "Tok Star" not in lower
    mixed = text(ui.get(reverse("frontend:discovery") + "?country=Cn,%20tw"))
    assert "Lin Mei" in mixed and "Tok Star" not in mixed


def test_a_minimum_above_its_maximum_is_flagged(ui, catalogue):
    response = ui.get(reverse("frontend:discovery") + "?min_followers=500000&max_followers=1000")
    assert response.status_code == 422
    assert "minimum is above the maximum" in text(response)


def test_the_keyword_is_highlighted_and_has_its_own_empty_state(ui, catalogue):
    page = text(ui.get(reverse("frontend:discovery") + "?q=rivera"))
    assert "<mark>Rivera</mark>" in page
    empty = text(ui.get(reverse("frontend:discovery") + "?q=zzqqxx"))
    assert "No creator matches “zzqqxx”" in empty and "numeric" not in empty.lower()


def test_no_htmx_trigger_needs_eval():
    """`[...]` in hx-trigger is an eval'd filter: with allowEval off htmx logs htmx:syntax:error."""
    for path in TEMPLATES.rglob("*.html"):
        for trigger in re.findall(r'hx-trigger="([^"]*)"', path.read_text()):
            assert "[" not in trigger, f"{path.name}: hx-trigger={trigger!r}"


def test_gender_chart_colours_belong_to_the_gender_not_the_rank():
    from frontend.views.charts import GENDER_COLOURS, audience_charts

    mostly_women = audience_charts(AudienceProfileFactory.build(gender={"female": 0.7, "male": 0.3}))["gender"]
    mostly_men = audience_charts(AudienceProfileFactory.build(gender={"male": 0.8, "female": 0.2}))["gender"]
    assert mostly_women["colours"] == mostly_men["colours"] == [GENDER_COLOURS["female"], GENDER_COLOURS["male"]]
    assert mostly_men["values"] == [0.2, 0.8]


def test_the_creator_page_links_the_platform_profile(ui, catalogue):
    account = catalogue[1].accounts.get()  # Alex Rivera on Instagram
    page = text(ui.get(reverse("frontend:creator", args=[catalogue[1].pk])))
    assert f'href="https://www.instagram.com/{account.handle}/"' in page and 'data-testid="profile-link"' in page


def test_no_profile_link_where_the_platform_needs_an_id_we_do_not_have(catalogue):
    from frontend.templatetags.vetted_ui import profile_url
    from tests.factories import AccountFactory

    assert profile_url(AccountFactory.build(platform="xiaohongshu", handle="lin", platform_user_id="")) == ""
    assert profile_url(AccountFactory.build(platform="tiktok", handle="lin.mei")) == "https://www.tiktok.com/@lin.mei"
