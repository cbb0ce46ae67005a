"""Every page of the web UI through the Django test client: status, key content, empty
states, Chinese rendering, and organisation isolation (another organisation's brand,
shortlist or job is a 404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import JobKind, JobStatus
from tests.factories import (
    BrandFactory,
    CreatorNoteFactory,
    JobFactory,
    MembershipFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# --- Login / shell --------------------------------------------------------------------------


def test_pages_require_login(client):
    for name in ("frontend:discovery", "frontend:brands", "frontend:shortlists", "frontend:jobs"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("frontend:login"))


def test_login_page_renders_form_and_signs_in(client, member):
    page = client.get(reverse("frontend:login"))
    assert page.status_code == 200
    assert 'name="username"' in text(page) and 'name="password"' in text(page)
    response = client.post(reverse("frontend:login"), {"username": member.user.username, "password": "pass-word-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:discovery")


def test_login_with_a_wrong_password_shows_an_error_not_a_500(client, member):
    response = client.post(reverse("frontend:login"), {"username": member.user.username, "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in text(response)


def test_layout_shows_organisation_language_switcher_and_local_assets(ui, member):
    body = text(ui.get(reverse("frontend:jobs")))
    assert member.organization.name in body
    assert reverse("set_language") in body and "简体中文" in body
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert "http://" not in body.replace("http://www.w3.org", "") and "https://" not in body


def test_logout_is_a_post_and_ends_the_session(ui):
    response = ui.post(reverse("frontend:logout"))
    assert response.status_code == 302
    assert ui.get(reverse("frontend:jobs")).status_code == 302


# --- Discovery ------------------------------------------------------------------------------


def test_discovery_empty_catalogue_explains_how_to_fill_it(ui):
    response = ui.get(reverse("frontend:discovery"))
    assert response.status_code == 200
    assert 'data-testid="results-empty"' in text(response)
    assert "seed_demo" in text(response)


def test_discovery_lists_creators_with_metrics(ui, catalogue):
    body = text(ui.get(reverse("frontend:discovery")))
    for creator in catalogue:
        assert creator.display_name in body
    # Sorted by followers (the default): the TikTok star first.
    assert body.index("Tok Star") < body.index("Lin Mei 林美") < body.index("Alex Rivera")
    assert "900K" in body  # followers, compact


def test_discovery_filters_through_the_shared_filterset(ui, catalogue):
    body = text(ui.get(reverse("frontend:discovery"), {"platform": "tiktok"}))
    assert "Tok Star" in body and "Alex Rivera" not in body
    body = text(ui.get(reverse("frontend:discovery"), {"min_followers": "100000", "max_followers": "500000"}))
    assert "Lin Mei 林美" in body and "Tok Star" not in body and "Alex Rivera" not in body


def test_discovery_htmx_request_gets_only_the_results_fragment(ui, catalogue):
    response = ui.get(reverse("frontend:discovery"), {"q": "Alex"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body and 'data-testid="results-table"' in body
    assert "Alex Rivera" in body and "Tok Star" not in body


def test_discovery_percent_inputs_become_fractions(ui, catalogue):
    # Every creator in the fixture has an ER of about 3.2%; 50% excludes all of them.
    assert "Alex Rivera" in text(ui.get(reverse("frontend:discovery"), {"min_engagement_rate_pct": "1"}))
    body = text(ui.get(reverse("frontend:discovery"), {"min_engagement_rate_pct": "50"}))
    assert "Alex Rivera" not in body and 'data-testid="results-empty"' in body


def test_discovery_bad_filter_is_an_error_state_not_a_500(ui, catalogue):
    response = ui.get(reverse("frontend:discovery"), {"min_engagement_rate_pct": "lots"})
    assert response.status_code == 422
    assert "cannot be applied" in text(response)
    response = ui.get(reverse("frontend:discovery"), {"audience_country": "China"})
    assert response.status_code == 422


def test_discovery_shows_the_data_age_and_filters_stale_data(ui, catalogue):
    import datetime as dt

    from django.utils import timezone

    from influencers.metrics.service import refresh_metrics
    from tests.factories import AccountFactory, CreatorFactory, HistoryPointFactory, PostFactory

    old = AccountFactory(creator=CreatorFactory(display_name="Old Timer"))
    HistoryPointFactory(account=old, date=dt.date(2019, 5, 1), followers=20_000)
    PostFactory(account=old, posted_at=dt.datetime(2019, 5, 30, 9, tzinfo=dt.UTC), likes=600, comments=20)
    refresh_metrics([old.pk])

    body = text(ui.get(reverse("frontend:discovery")))
    assert "data as of 2019-05-30" in body and f"data as of {timezone.localdate().isoformat()}" in body
    assert body.count('data-testid="stale-badge"') == 1  # only the old account
    assert 'name="stale"' in body and "Stale data only" in body
    stale = text(ui.get(reverse("frontend:discovery"), {"stale": "true"}))
    assert "Old Timer" in stale and "Alex Rivera" not in stale
    recent = text(ui.get(reverse("frontend:discovery"), {"stale": "false"}))
    assert "Old Timer" not in recent and "Alex Rivera" in recent
    page = text(ui.get(reverse("frontend:creator", args=[old.creator_id])))
    assert "data as of 2019-05-30" in page and 'data-testid="stale-badge"' in page
    assert "3.10%" in page  # the headline ER of an account last seen in 2019: 620 / 20,000


def test_discovery_pages_results(ui, db):
    from influencers.metrics.service import refresh_metrics
    from tests.factories import AccountFactory, CreatorFactory

    accounts = [AccountFactory(creator=CreatorFactory(display_name=f"Creator {i:02d}")) for i in range(30)]
    refresh_metrics([a.pk for a in accounts])
    first = text(ui.get(reverse("frontend:discovery"), {"sort": "name"}))
    second = text(ui.get(reverse("frontend:discovery"), {"sort": "name", "page": "2"}))
    assert "Creator 00" in first and "Creator 29" not in first
    assert "Creator 29" in second and "Creator 00" not in second
    assert "30 creators" in first


def test_discovery_brand_partner_filters(ui, member, catalogue):
    from tests.factories import BrandFactory

    lin, alex, tok = catalogue
    lin_post = lin.accounts.get().posts.get(is_sponsored=True)
    lin_post.sponsor = "Rival Co"
    lin_post.save()
    brand = BrandFactory(organization=member.organization, name="Our Brand", competitors=["Rival Co"])

    body = text(ui.get(reverse("frontend:discovery"), {"worked_with": "rival co"}))
    assert "Lin Mei 林美" in body and "Alex Rivera" not in body
    body = text(ui.get(reverse("frontend:discovery"), {"not_worked_with": "Acme Skincare"}))
    assert "Lin Mei 林美" in body and "Alex Rivera" not in body and "Tok Star" not in body
    body = text(ui.get(reverse("frontend:discovery"), {"brand": brand.pk, "no_competitor_partners": "true"}))
    assert "Lin Mei 林美" not in body and "Alex Rivera" in body and "Tok Star" in body
    assert 'name="no_competitor_partners" value="true" checked' in body


# --- Creator page ---------------------------------------------------------------------------


def test_creator_page_shows_identity_metrics_growth_and_sponsored_posts(ui, catalogue):
    creator = catalogue[0]
    response = ui.get(reverse("frontend:creator", args=[creator.pk]))
    body = text(response)
    assert response.status_code == 200
    assert creator.display_name in body
    assert 'data-kind="growth"' in body and 'id="growth-data"' in body
    assert "Acme Skincare" in body  # sponsored post history
    partners = body[body.index('data-testid="brand-partners"') :]
    assert "Past brand partners" in partners and "Acme Skincare" in partners[: partners.index("</section>")]
    assert 'data-testid="vetting"' in body
    assert "chart.umd.min.js" in body


def test_creator_page_shows_price_and_reach_labelled_as_an_estimate(ui, catalogue):
    from vetting.monitoring import rate_table

    body = text(ui.get(reverse("frontend:creator", args=[catalogue[0].pk])))
    section = body[body.index('data-testid="estimate"') :]
    assert "Estimate" in section[:400] and "Cost per post" in section and "Reach per post" in section
    assert rate_table().as_of in section  # the rate table's date is named beside the figures


def test_lookalikes_load_after_the_page_and_explain_an_empty_index(ui, catalogue):
    page = text(ui.get(reverse("frontend:creator", args=[catalogue[0].pk])))
    url = reverse("frontend:creator_lookalikes", args=[catalogue[0].pk])
    assert f'hx-get="{url}"' in page and 'hx-trigger="load"' in page
    response = ui.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "once images are embedded" in text(response)  # nothing embedded in this fixture


def test_creator_page_unknown_creator_is_a_404(ui):
    assert ui.get(reverse("frontend:creator", args=[999999])).status_code == 404


def test_creator_notes_are_private_to_the_organisation(ui, member, catalogue):
    creator = catalogue[0]
    CreatorNoteFactory(creator=creator, text="Other agency's secret rate")
    url = reverse("frontend:creator_note_add", args=[creator.pk])
    response = ui.post(url, {"text": "Quoted 8k per post"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Quoted 8k per post" in text(response)
    page = text(ui.get(reverse("frontend:creator", args=[creator.pk])))
    assert "Quoted 8k per post" in page and "secret rate" not in page


def test_empty_note_is_refused_with_a_message(ui, catalogue):
    response = ui.post(
        reverse("frontend:creator_note_add", args=[catalogue[0].pk]), {"text": "  "}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422 and 'role="alert"' in text(response)


def test_add_creator_to_a_new_and_an_existing_shortlist(ui, member, catalogue):
    creator = catalogue[1]
    url = reverse("frontend:creator_shortlist_add", args=[creator.pk])
    response = ui.post(url, {"new_shortlist": "Spring launch"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Spring launch" in text(response)
    shortlist = member.organization.shortlists.get(name="Spring launch")
    assert list(shortlist.entries.values_list("creator_id", flat=True)) == [creator.pk]
    again = ui.post(url, {"shortlist": shortlist.pk}, HTTP_HX_REQUEST="true")
    assert "Already on" in text(again)


def test_cannot_add_to_another_organisations_shortlist(ui, catalogue):
    foreign = ShortlistFactory()
    response = ui.post(
        reverse("frontend:creator_shortlist_add", args=[catalogue[0].pk]),
        {"shortlist": foreign.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert foreign.entries.count() == 0


# --- Brands ---------------------------------------------------------------------------------


def test_brands_empty_state(ui):
    body = text(ui.get(reverse("frontend:brands")))
    assert 'data-testid="brands-empty"' in body


def test_brand_create_from_the_form_parses_lists_and_audience(ui, member):
    response = ui.post(
        reverse("frontend:brand_create"),
        {
            "name": "Lotus Skin",
            "values": "sustainable, 环保，天然",
            "excluded_keywords": "gambling",
            "ta_age": "18-24: 50\n25-34: 50",
            "ta_age_weight": "2",
            "ta_countries": "CN: 100",
        },
    )
    assert response.status_code == 302
    brand = member.organization.brands.get(name="Lotus Skin")
    assert brand.values == ["sustainable", "环保", "天然"]
    assert brand.target_audience["age"] == {"weight": 2.0, "values": {"18-24": 0.5, "25-34": 0.5}}
    page = text(ui.get(reverse("frontend:brand", args=[brand.pk])))
    assert "环保" in page and "18-24" in page


def test_brand_form_shows_the_services_error_next_to_the_field(ui):
    response = ui.post(reverse("frontend:brand_create"), {"name": "Bad", "ta_gender": "female: 30\nmale: 30"})
    assert response.status_code == 422
    assert "add up to 60%" in text(response)  # in percent, as the person typed them
    response = ui.post(reverse("frontend:brand_create"), {"name": "Bad", "ta_gender": "female thirty"})
    assert response.status_code == 422 and "line 1" in text(response)


def test_mood_board_upload_adds_images_and_refuses_non_images(ui, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.frontend.conftest import png_bytes

    brand = BrandFactory(organization=member.organization)
    url = reverse("frontend:brand_mood_board", args=[brand.pk])
    good = SimpleUploadedFile("pastel.png", png_bytes(), content_type="image/png")
    response = ui.post(url, {"images": [good]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and brand.mood_board.count() == 1
    bad = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")
    response = ui.post(url, {"images": [bad]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "notes.png" in text(response)
    assert brand.mood_board.count() == 1


def test_brand_matches_page_renders_with_sliders(ui, member, catalogue):
    brand = BrandFactory(organization=member.organization)
    response = ui.get(reverse("frontend:brand_matches", args=[brand.pk]))
    assert response.status_code == 200
    assert 'type="range"' in text(response) and 'id="matches"' in text(response)


@pytest.mark.parametrize("name", ["frontend:brand", "frontend:brand_edit", "frontend:brand_matches"])
def test_another_organisations_brand_is_a_404(ui, name):
    foreign = BrandFactory()
    assert ui.get(reverse(name, args=[foreign.pk])).status_code == 404


# --- Shortlists -----------------------------------------------------------------------------


def test_shortlists_empty_state_and_create(ui, member):
    assert 'data-testid="shortlists-empty"' in text(ui.get(reverse("frontend:shortlists")))
    response = ui.post(reverse("frontend:shortlist_create"), {"name": "Q3 campaign"})
    shortlist = member.organization.shortlists.get(name="Q3 campaign")
    assert response["Location"] == reverse("frontend:shortlist", args=[shortlist.pk])
    assert 'data-testid="entries-empty"' in text(ui.get(response["Location"]))


def test_shortlist_page_lists_entries_and_changes_status_inline(ui, member, catalogue):
    shortlist = ShortlistFactory(organization=member.organization, name="Launch")
    entry = ShortlistEntryFactory(shortlist=shortlist, creator=catalogue[0])
    body = text(ui.get(reverse("frontend:shortlist", args=[shortlist.pk])))
    assert catalogue[0].display_name in body and 'data-testid="export-pdf"' in body
    url = reverse("frontend:shortlist_entry", args=[shortlist.pk, entry.pk])
    response = ui.post(url, {"status": "approved"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'value="approved" selected' in text(response)
    assert response["HX-Trigger"] == "entry-status-changed"  # app.js refreshes the status tabs
    entry.refresh_from_db()
    assert entry.status == "approved"
    assert entry.events.filter(action="status", new_value="approved").exists()


def test_shortlist_bulk_status_and_remove(ui, member, catalogue):
    shortlist = ShortlistFactory(organization=member.organization)
    entries = [ShortlistEntryFactory(shortlist=shortlist, creator=c) for c in catalogue]
    url = reverse("frontend:shortlist_bulk", args=[shortlist.pk])
    ui.post(url, {"entry": [entries[0].pk, entries[1].pk], "action": "status:contacted"})
    assert sorted(shortlist.entries.filter(status="contacted").values_list("pk", flat=True)) == sorted(
        [entries[0].pk, entries[1].pk]
    )
    ui.post(url, {"entry": [entries[2].pk], "action": "remove"})
    assert shortlist.entries.count() == 2


def test_shortlist_export_csv_runs_as_a_job_with_a_download(
    ui,
    member,
    catalogue,
    django_capture_on_commit_callbacks,
):
    shortlist = ShortlistFactory(organization=member.organization, name="Export me")
    ShortlistEntryFactory(shortlist=shortlist, creator=catalogue[0])
    url = reverse("frontend:shortlist_export", args=[shortlist.pk])
    with django_capture_on_commit_callbacks(execute=True):  # the job is enqueued on commit
        response = ui.post(url, {"format": "csv"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="job-' in text(response)
    job = member.organization.jobs.get(kind=JobKind.EXPORT)
    assert job.status == JobStatus.SUCCEEDED  # eager Celery in tests
    page = text(ui.get(reverse("frontend:shortlist", args=[shortlist.pk])))
    assert reverse("frontend:job_download", args=[job.pk]) in page
    download = ui.get(reverse("frontend:job_download", args=[job.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    assert catalogue[0].display_name in content


@pytest.mark.parametrize("name", ["frontend:shortlist"])
def test_another_organisations_shortlist_is_a_404(ui, name):
    foreign = ShortlistFactory()
    assert ui.get(reverse(name, args=[foreign.pk])).status_code == 404
    assert ui.post(reverse("frontend:shortlist_export", args=[foreign.pk]), {"format": "csv"}).status_code == 404


# --- Jobs -----------------------------------------------------------------------------------


def test_jobs_empty_state(ui):
    assert "No jobs yet" in text(ui.get(reverse("frontend:jobs")))


def test_jobs_page_shows_progress_and_polls_while_running(ui, member):
    JobFactory(organization=member.organization, kind=JobKind.EMBED, status=JobStatus.RUNNING, total=200, done=50)
    body = text(ui.get(reverse("frontend:jobs")))
    assert 'aria-valuenow="25"' in body
    assert 'hx-trigger="every 2s"' in body


def test_a_running_import_shows_its_phase_and_the_phase_progress(ui, member):
    phase = {"name": "vetting the accounts", "step": 4, "steps": 7, "done": 50, "total": 200}
    job = JobFactory(
        organization=member.organization, status=JobStatus.RUNNING, result={"phase": phase}, done=650, total=1400
    )
    body = text(ui.get(reverse("frontend:job", args=[job.pk])))
    assert "Step 4 of 7: vetting the accounts" in body and "50 / 200" in body
    assert 'aria-valuenow="46"' in body  # the whole job: 650 of 1400 account-steps
    ui.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("frontend:jobs")})
    assert "第 4 步，共 7 步：审核账号" in text(ui.get(reverse("frontend:job", args=[job.pk])))


def test_jobs_page_stops_polling_when_all_finished(ui, member):
    JobFactory(organization=member.organization, kind=JobKind.IMPORT, status=JobStatus.FAILED, error="row 3: bad")
    body = text(ui.get(reverse("frontend:jobs")))
    assert "row 3: bad" in body and "every 2s" not in body


def test_another_organisations_job_is_a_404(ui):
    other = MembershipFactory().organization
    job = JobFactory(organization=other, kind=JobKind.EXPORT)
    assert ui.get(reverse("frontend:job", args=[job.pk])).status_code == 404
    assert ui.get(reverse("frontend:job_download", args=[job.pk])).status_code == 404


# --- Chinese --------------------------------------------------------------------------------


def test_chinese_interface_after_switching_language(ui, catalogue):
    response = ui.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("frontend:discovery")})
    assert response.status_code == 302
    body = text(ui.get(reverse("frontend:discovery")))
    assert 'lang="zh-Hans"' in body
    assert "发现" in body  # "Discovery" translated
    assert "Lin Mei 林美" in body  # Chinese data displays as it is
    assert "12万" in body  # 120,000 followers in Chinese number units


# --- Roles ----------------------------------------------------------------------------------


def test_viewer_sees_no_write_controls_and_cannot_write(client, catalogue):
    from core.models import Role

    viewer = MembershipFactory(role=Role.VIEWER)
    client.force_login(viewer.user)
    creator = catalogue[0]
    page = text(client.get(reverse("frontend:creator", args=[creator.pk])))
    assert 'name="text"' not in page  # no note form
    response = client.post(
        reverse("frontend:creator_note_add", args=[creator.pk]), {"text": "hi"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422 and not creator.org_notes.exists()
    assert "New brand" not in text(client.get(reverse("frontend:brands")))
    response = client.post(reverse("frontend:brand_create"), {"name": "Nope"})
    assert response.status_code == 422 and not viewer.organization.brands.exists()


def test_entry_of_another_organisations_shortlist_is_a_404(ui, catalogue):
    foreign = ShortlistEntryFactory(creator=catalogue[0])
    url = reverse("frontend:shortlist_entry", args=[foreign.shortlist_id, foreign.pk])
    assert ui.post(url, {"status": "rejected"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "candidate"


def test_matches_weights_come_from_the_sliders(ui, member, catalogue):
    brand = BrandFactory(organization=member.organization)
    body = text(ui.get(reverse("frontend:brand_matches", args=[brand.pk]), {"w_audience_fit": "80"}))
    assert 'id="w_audience_fit" name="w_audience_fit" min="0" max="100" step="5" value="80"' in body


def test_discovery_shows_audience_fit_for_the_selected_brand(ui, member, catalogue):
    from vetting.scoring.audience_fit import DIMENSIONS, audience_fit

    brand = BrandFactory(organization=member.organization)
    without = text(ui.get(reverse("frontend:discovery")))
    assert "Audience fit</th>" not in without
    body = text(ui.get(reverse("frontend:discovery"), {"brand": brand.pk}))
    assert "Audience fit</th>" in body
    profile = catalogue[0].accounts.get().audience_profiles.get()
    expected = audience_fit(brand.target_audience, {d: getattr(profile, d) for d in DIMENSIONS}, as_of=profile.as_of)
    assert f'<span class="fit-pill num">{round(expected.fit * 100)}</span>' in body
    # Another organisation's brand is ignored, not an error.
    assert "Audience fit</th>" not in text(ui.get(reverse("frontend:discovery"), {"brand": BrandFactory().pk}))


def test_out_of_range_ids_are_a_404_not_a_500(ui):
    huge = "9" * 25
    for path in (f"/creators/{huge}/", f"/brands/{huge}/", f"/shortlists/{huge}/", f"/jobs/{huge}/"):
        assert ui.get(path).status_code == 404, path


def test_add_selected_creators_from_discovery_to_a_shortlist(ui, member, catalogue):
    body = text(ui.get(reverse("frontend:discovery")))
    assert 'form="add-form" data-bulk-item' in body and 'id="add-form"' in body
    url = reverse("frontend:shortlist_add_creators")
    ids = [catalogue[0].pk, catalogue[1].pk]
    response = ui.post(url, {"creator": ids, "new_shortlist": "From discovery"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "2 added" in text(response)
    shortlist = member.organization.shortlists.get(name="From discovery")
    assert sorted(shortlist.entries.values_list("creator_id", flat=True)) == sorted(ids)
    again = ui.post(
        url, {"creator": [catalogue[0].pk, catalogue[2].pk], "shortlist": shortlist.pk}, HTTP_HX_REQUEST="true"
    )
    assert "1 added" in text(again) and "1 already" in text(again)
    nothing = ui.post(url, {"shortlist": shortlist.pk}, HTTP_HX_REQUEST="true")
    assert nothing.status_code == 422
    foreign = ui.post(url, {"creator": ids, "shortlist": ShortlistFactory().pk}, HTTP_HX_REQUEST="true")
    assert foreign.status_code == 422


def _ranked_creator_ids(body: str) -> list[int]:
    import re

    return [int(i) for i in re.findall(r'class="match-row" data-row data-creator-id="(\d+)"', body)]


def test_brand_matches_show_the_ranking_and_rerank_with_the_sliders(ui, member, catalogue):
    from vetting.services.matching import rank_creators_for_brand

    # Alex's audience is all men, the brand's target: first on audience fit alone.
    alex = catalogue[1].accounts.get().audience_profiles.get()
    alex.gender = {"male": 1.0}
    alex.save()
    brand = BrandFactory(
        organization=member.organization, target_audience={"gender": {"weight": 1, "values": {"male": 1.0}}}
    )
    url = reverse("frontend:brand_matches", args=[brand.pk])
    body = text(ui.get(url))
    expected = [row["creator_id"] for row in rank_creators_for_brand(brand=brand, limit=25)]
    assert expected and _ranked_creator_ids(body) == expected
    assert 'data-testid="match-why"' in body and "Audience fit" in body
    # Sliders (0..100) re-rank the fragment with the weights they send (0..1).
    orders = []
    for part in ("audience_fit", "authenticity"):
        sliders = {
            f"w_{p}": "100" if p == part else "0"
            for p in ("audience_fit", "authenticity", "value_alignment", "engagement")
        }
        fragment = text(ui.get(url, sliders, HTTP_HX_REQUEST="true"))
        weights = {key[2:]: float(value) / 100 for key, value in sliders.items()}
        ranked = [row["creator_id"] for row in rank_creators_for_brand(brand=brand, weights=weights, limit=25)]
        assert "<html" not in fragment and _ranked_creator_ids(fragment) == ranked
        orders.append(ranked)
    assert orders[0][0] == catalogue[1].pk and orders[0] != orders[1]
    # All weights at zero is refused by the ranking with a message, not a 500.
    zero = {f"w_{p}": "0" for p in ("audience_fit", "authenticity", "value_alignment", "engagement")}
    assert "cannot be ranked" in text(ui.get(url, zero, HTTP_HX_REQUEST="true"))


def test_brand_partner_texts_are_translated(ui, catalogue):
    ui.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("frontend:discovery")})
    body = text(ui.get(reverse("frontend:discovery")))
    assert "从未与所选品牌的竞品合作" in body and "合作过（付费内容）" in body
    body = text(ui.get(reverse("frontend:creator", args=[catalogue[0].pk])))
    assert "合作过的品牌" in body and "Past brand partners" not in body


# --- `next` after adding to a shortlist: this site only, never a 500 -----------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://evil.example/phish", "/shortlists/"),
        ("//evil.example/phish", "/shortlists/"),
        ("/\\evil.example/phish", "/shortlists/"),
        ("http://testserver.evil.example/", "/shortlists/"),
        ("javascript:alert(1)", "/shortlists/"),
        ("nonexistent_view_name", "/shortlists/"),
        ("frontend:discovery", "/shortlists/"),
        ("", "/shortlists/"),
        ("/?q=serum&platform=instagram", "/?q=serum&platform=instagram"),
    ],
)
def test_add_to_shortlist_returns_only_to_this_site(ui, member, given, expected):
    from tests.factories import CreatorFactory, ShortlistFactory

    shortlist = ShortlistFactory(organization=member.organization)
    creator = CreatorFactory()
    response = ui.post(
        reverse("frontend:shortlist_add_creators"),
        {"creator": [creator.pk], "shortlist": shortlist.pk, "next": given},
    )
    assert response.status_code == 302 and response["Location"] == expected


def test_login_and_language_switch_ignore_a_foreign_next(client, member):
    login = client.post(
        reverse("frontend:login") + "?next=https://evil.example/",
        {"username": member.user.username, "password": "pass-word-123", "next": "https://evil.example/"},
    )
    assert login.status_code == 302 and login["Location"] == reverse("frontend:discovery")
    switched = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "https://evil.example/"})
    assert switched.status_code == 302 and "evil.example" not in switched["Location"]
