"""Issue 15 in the web UI: creator-level verdicts that name the risky account, "not enough
evidence" as its own level and filter choice, competitor posts as links, the combination rule
next to the signals, and re-running the vetting from the creator page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.models import Job, JobKind
from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    BrandFactory,
    CreatorFactory,
    MembershipFactory,
    PostFactory,
)

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def account(creator, platform, *, followers, level, risk, confidence=0.8, missing=(), handle=None):
    a = AccountFactory(creator=creator, platform=platform, **({"handle": handle} if handle else {}))
    AccountMetricsFactory(
        account=a,
        followers=followers,
        fake_risk=risk,
        risk_level=level,
        risk_confidence=confidence,
        risk_missing=list(missing),
    )
    return a


@pytest.fixture
def momo(db):
    creator = CreatorFactory(display_name="墨墨酱", country="CN")
    douyin = account(creator, "douyin", followers=90_000, level="low", risk=0.0, handle="zimo.makeup")
    xhs = account(creator, "xiaohongshu", followers=50_000, level="high", risk=1.0, confidence=0.83, handle="momo_xhs")
    thin = CreatorFactory(display_name="Thin Evidence")
    account(
        thin,
        "instagram",
        followers=20_000,
        level="insufficient",
        risk=0.9,
        confidence=0.12,
        missing=["follower_sample", "history"],
    )
    return {"creator": creator, "douyin": douyin, "xhs": xhs, "thin": thin}


def test_discovery_row_shows_the_creators_verdict_and_names_the_risky_account(ui, momo):
    page = body(ui.get(reverse("frontend:discovery")))
    row = page[page.index(f'data-creator-id="{momo["creator"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert "High risk" in row and "set by" in row and "@momo_xhs" in row
    assert "@zimo.makeup" in row  # the row's own account is the bigger Douyin
    thin = page[page.index(f'data-creator-id="{momo["thin"].pk}"') :]
    thin = thin[: thin.index("</tr>")]
    assert "Not enough evidence" in thin and "no follower sample, no follower history" in thin
    assert "confidence 12%" in thin


def test_the_low_filter_hides_a_creator_with_a_risky_account_and_insufficient_is_its_own_choice(ui, momo):
    low = body(ui.get(reverse("frontend:discovery") + "?risk_level=low"))
    assert "墨墨酱" not in low and "Thin Evidence" not in low
    insufficient = body(ui.get(reverse("frontend:discovery") + "?risk_level=insufficient"))
    assert "Thin Evidence" in insufficient and "墨墨酱" not in insufficient
    assert 'name="risk_level" value="insufficient"' in insufficient


def test_match_rows_show_the_verdict_and_link_competitor_posts(ui, member, momo):
    brand = BrandFactory(
        organization=member.organization, competitors=["Lumiskin"], preferred_platforms=[], min_followers=None
    )
    imported = PostFactory(
        account=momo["douyin"],
        is_sponsored=True,
        sponsor="Lumiskin",
        url="https://www.douyin.com/video/7",
        caption="serum",
    )
    bare = PostFactory(account=momo["xhs"], is_sponsored=True, sponsor="Lumiskin", url="", caption="gift")
    page = body(ui.get(reverse("frontend:brand_matches", args=[brand.pk])))
    row = page[page.index(f'data-creator-id="{momo["creator"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert "High risk" in row and 'data-testid="competitor-posts"' in row
    links = re.findall(r'<a href="([^"]+)"[^>]*data-testid="competitor-post"', row)
    assert "https://www.douyin.com/video/7" in links
    fallback = f"/creators/{momo['creator'].pk}/?account={momo['xhs'].pk}&amp;post={bare.pk}#post-{bare.pk}"
    assert fallback in row
    # The fallback lands on the creator page with that post shown and anchored.
    linked = body(
        ui.get(reverse("frontend:creator", args=[momo["creator"].pk]), {"account": momo["xhs"].pk, "post": bare.pk})
    )
    assert f'id="post-{bare.pk}"' in linked and 'data-testid="linked-post"' in linked
    assert 'href="https://www.douyin.com/video/7"' in linked  # sponsored posts link to the post itself
    assert imported.pk != bare.pk


def test_creator_page_names_the_risky_account_from_a_clean_accounts_tab(ui, momo):
    page = body(ui.get(reverse("frontend:creator", args=[momo["creator"].pk]), {"account": momo["douyin"].pk}))
    verdict = page[page.index('data-testid="creator-verdict"') :][:1500]
    assert "High risk" in verdict and f'href="?account={momo["xhs"].pk}#vet-title"' in verdict


def test_vetting_card_shows_the_rule_and_points_that_add_up(ui, catalogue):
    from vetting.services.reports import vet_accounts

    creator = catalogue[0]
    account_ = creator.accounts.get()
    vet_accounts([account_.pk])
    page = body(ui.get(reverse("frontend:creator", args=[creator.pk])))
    card = page[page.index('data-testid="vetting"') :]
    card = card[: card.index("</section>")]
    assert 'data-testid="combination-rule"' in card and "weighted mean of" in card and "decisive floor" in card
    assert 'data-testid="evidence-rule"' in card
    risk = account_.metrics.__class__.objects.get(pk=account_.pk).fake_risk
    adds = [int(n) for n in re.findall(r'data-testid="signal-adds">Adds <b>(\d+)</b>', card)]
    assert sum(adds) == round(risk * 100)
    # Every signal's colour is its own level; no signal badge contradicts it.
    signals = re.findall(r'data-signal="\w+" data-level="(\w*)">.*?<span class="badge badge-(\w+)', card, flags=re.S)
    assert len(signals) >= 7
    for level, badge in signals:
        assert badge == (level or "unknown")


def test_editors_re_run_the_vetting_from_the_creator_page(ui, catalogue, django_capture_on_commit_callbacks):
    creator = catalogue[1]
    page = body(ui.get(reverse("frontend:creator", args=[creator.pk])))
    assert 'data-testid="revet"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = ui.post(reverse("frontend:creator_revet", args=[creator.pk]))
    job = Job.objects.get(kind=JobKind.SCORE)
    assert response.status_code == 302 and response["Location"] == reverse("frontend:job", args=[job.pk])
    assert job.params == {"creator_ids": [creator.pk]} and job.result["accounts"] == 1


def test_viewers_cannot_re_run_the_vetting(client, catalogue):
    viewer = MembershipFactory(role="viewer")
    client.force_login(viewer.user)
    creator = catalogue[0]
    assert 'data-testid="revet"' not in body(client.get(reverse("frontend:creator", args=[creator.pk])))
    assert client.post(reverse("frontend:creator_revet", args=[creator.pk])).status_code == 403
    assert not Job.objects.filter(kind=JobKind.SCORE).exists()


def test_not_enough_evidence_in_chinese(ui, momo):
    ui.post(reverse("set_language"), {"language": "zh-hans"})
    page = body(ui.get(reverse("frontend:discovery")))
    assert "证据不足" in page and "无粉丝样本" in page
