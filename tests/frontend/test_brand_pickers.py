"""The brand brief's audience pickers: keys chosen from the catalogue's vocabulary, shares typed in
percent, every error shown at once at its field, and a Chinese brief giving non-zero audience fits."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from tests.frontend.test_pages import text


def test_pickers_offer_the_vocabulary_with_labels_in_the_pages_language(ui):
    with translation.override("zh-hans"):
        page = text(ui.get(reverse("frontend:brand_create"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert '<option value="CN">中国 (CN)</option>' in page
    assert '<option value="female">女性 (female)</option>' in page
    assert '<option value="beauty">美妆 (beauty)</option>' in page


def test_percent_rows_are_saved_as_shares(ui, member):
    response = ui.post(
        reverse("frontend:brand_create"),
        {
            "name": "Lotus",
            "ta_gender_key": ["female", "male", ""],
            "ta_gender_pct": ["80", "20%", ""],
            "ta_countries_key": ["CN"],
            "ta_countries_pct": ["100"],
        },
    )
    assert response.status_code == 302, text(response)
    brand = member.organization.brands.get(name="Lotus")
    assert brand.target_audience["gender"]["values"] == {"female": 0.8, "male": 0.2}
    assert brand.target_audience["countries"]["values"] == {"CN": 1.0}


def test_every_error_shows_at_once_at_its_field(ui, member):
    response = ui.post(
        reverse("frontend:brand_create"),
        {
            "name": "",
            "min_followers": "50000",
            "max_followers": "1000",
            "ta_gender_key": ["female", "male"],
            "ta_gender_pct": ["60", "60"],
            "ta_age_key": ["18-24", ""],
            "ta_age_pct": ["lots", "30"],
        },
    )
    assert response.status_code == 422
    page = text(response)
    assert 'data-error-for="ta_gender">the shares add up to 120%' in page
    assert 'data-error-for="ta_age">row 1: the share must be a percent' in page
    assert "row 2: choose what the share is of" in page
    assert 'data-error-for="max_followers"' in page
    assert 'data-error-for="name"' in page or "This field is required" in page
    assert not member.organization.brands.exists()


def test_a_chinese_brief_gets_non_zero_audience_fits(ui, member, catalogue):
    from vetting.services.matching import rank_creators_for_brand

    response = ui.post(
        reverse("frontend:brand_create"),
        {
            "name": "美妆品牌",
            "ta_gender_key": ["female", "male"],
            "ta_gender_pct": ["80", "20"],
            "ta_age_key": ["18-24", "25-34"],
            "ta_age_pct": ["50", "50"],
        },
    )
    assert response.status_code == 302, text(response)
    brand = member.organization.brands.get()
    rows = rank_creators_for_brand(brand=brand).rows
    fits = [part["score"] for row in rows for part in row["parts"] if part["name"] == "audience_fit"]
    assert len(fits) == 3 and all(fit > 0 for fit in fits)


def test_the_brief_form_bound_to_a_plain_dict_reads_the_pickers():
    # A form may be bound to a plain dict (Django's own multi-value widgets read one), not only to a
    # QueryDict: the pickers' rows are then lists. Reading them with QueryDict.getlist was an
    # AttributeError.
    from frontend.forms import BrandForm

    form = BrandForm(data={"name": "Lotus", "ta_gender_key": ["female", "male"], "ta_gender_pct": ["80", "20"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["ta_gender"] == {"female": 0.8, "male": 0.2}
    assert form.picker_rows("gender") == [("female", "80"), ("male", "20"), ("", ""), ("", "")]
