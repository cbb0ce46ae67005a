"""The Chinese interface is Chinese: every message id and label has a Chinese text, and the pages a
Chinese-speaking account manager walks through (discovery → creator → brand matches → shortlist →
alerts → jobs) show no English sentence of the catalogue — with real vetting reports, match
reasons, an alert and job logs on them, the parts that used to stay English."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from core.messages import label_kinds, templates
from tests.factories import BrandFactory, MembershipFactory, ShortlistEntryFactory, ShortlistFactory

pytestmark = pytest.mark.django_db

PO = Path(__file__).resolve().parents[2] / "frontend/locale/zh_Hans/LC_MESSAGES/django.po"
# Texts that read the same in Chinese: brand names of platforms and formats, dollar amounts.
SAME_IN_CHINESE = {
    "Instagram",
    "TikTok",
    "YouTube",
    "Pinterest",
    "Facebook",
    "CSV",
    "US$%(low)s–%(high)s",
    "US$%(low)s–%(high)s+",
}
_PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{[^}]*\}\}|\{%[^%]*%\}|%%")


def _has_words(text: str) -> bool:
    """Whether a template has English words besides its placeholders (else it reads the same)."""
    return bool(re.search(r"[A-Za-z]{2,}", _PLACEHOLDER.sub("", text)))


def test_every_message_and_label_has_a_chinese_text():
    ours = [t for t in templates() if not t.code.startswith("test.")]  # tests declare their own
    english = [t.text for t in ours] + [t.plural for t in ours if t.plural]
    english += [text for labels in label_kinds().values() for text in labels.values()]
    with translation.override("zh-hans"):
        untranslated = sorted(
            {
                text
                for text in english
                if _has_words(text) and text not in SAME_IN_CHINESE and translation.gettext(text) == text
            }
        )
    assert untranslated == []


def test_a_missing_translation_would_be_caught():
    """The check above fails on a text the catalogue does not know."""
    with translation.override("zh-hans"):
        assert translation.gettext("a sentence no catalogue has") == "a sentence no catalogue has"
    assert _has_words("%(n)s brand-new sentence") and not _has_words("%(share)s (%(low)s–%(high)s)")


def _catalogue_sentences() -> list[str]:
    """The English sentences of the catalogue: each msgid's runs of text between placeholders,
    markup and clause marks (parentheses, colons, semicolons) that have at least three words."""
    text = PO.read_text(encoding="utf-8")
    ids = [html.unescape(m.group(1).replace('\\"', '"')) for m in re.finditer(r'^msgid "(.+)"$', text, re.M)]
    out = set()
    for msgid in ids:
        plain = _PLACEHOLDER.sub("|", re.sub(r"<[^>]+>", "|", msgid))
        for piece in re.split(r"[|();:]", plain):
            piece = piece.strip(" .,“”\"'·—–-")
            if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 3:
                out.add(piece)
    return sorted(out)


def _visible_text(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body))


def _english_sentences(body: str, sentences: list[str]) -> list[str]:
    visible = _visible_text(body)
    return [s for s in sentences if s in visible]


def test_the_check_finds_an_english_sentence_of_the_catalogue():
    sentences = _catalogue_sentences()
    assert "of the sampled followers look fake" in sentences  # a message template's words
    page = "<p>12.5% of the sampled followers look fake</p><script>var x = 'Vetting breakdown';</script>"
    assert _english_sentences(page, sentences) == ["of the sampled followers look fake"]


@pytest.fixture
def walked(client, catalogue, django_capture_on_commit_callbacks):
    """A member in Chinese, with the catalogue vetted, a brand with its brief, a shortlist, a
    watch whose rule raised an alert, and finished and failed jobs."""
    from core.models import JobKind
    from core.services.jobs import failure_message, job_fail, job_submit
    from tests.factories import WatchFactory, WatchRuleFactory
    from vetting.monitoring.evaluation import evaluate_watches
    from vetting.services.reports import vet_accounts, vetting_run_submit

    member = MembershipFactory()
    client.force_login(member.user)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("frontend:discovery")})
    vet_accounts([a.pk for c in catalogue for a in c.accounts.all()])
    brand = BrandFactory(organization=member.organization, competitors=["Acme Skincare"])
    shortlist = ShortlistFactory(organization=member.organization, brand=brand)
    for creator in catalogue:
        ShortlistEntryFactory(shortlist=shortlist, creator=creator)
    watch = WatchFactory(organization=member.organization, brand=brand, shortlist=shortlist)
    WatchRuleFactory(watch=watch, kind="competitor", params={"lookback_days": 60})
    evaluate_watches(organization=member.organization)
    with django_capture_on_commit_callbacks(execute=True):  # the jobs run, as without a broker
        score = vetting_run_submit(creator_ids=[catalogue[0].pk], organization=member.organization, user=member.user)
    broken = job_submit(kind=JobKind.IMPORT, params={"path": "/tmp/nowhere.csv"}, organization=member.organization)
    job_fail(job_id=broken.pk, error="boom", message=failure_message(KeyError("boom")))
    return {
        "client": client,
        "creator": catalogue[0],
        "brand": brand,
        "shortlist": shortlist,
        "jobs": [score.pk, broken.pk],
    }


def test_the_chinese_walk_through_shows_no_english_sentence(walked):
    from vetting.models import Alert

    client = walked["client"]
    assert Alert.objects.exists(), "the competitor rule should have raised an alert"
    pages = {
        "discovery": reverse("frontend:discovery"),
        "search": reverse("frontend:discovery") + "?q=美妆",
        "creator": reverse("frontend:creator", args=[walked["creator"].pk]),
        "matches": reverse("frontend:brand_matches", args=[walked["brand"].pk]),
        "brand": reverse("frontend:brand", args=[walked["brand"].pk]),
        "shortlist": reverse("frontend:shortlist", args=[walked["shortlist"].pk]),
        "alerts": reverse("frontend:alerts"),
        "jobs": reverse("frontend:jobs"),
        **{f"job {pk}": reverse("frontend:job", args=[pk]) for pk in walked["jobs"]},
    }
    sentences = _catalogue_sentences()
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode()
        assert 'lang="zh-Hans"' in body
        english = _english_sentences(body, sentences)
        if english:
            found[name] = english
    assert found == {}


def test_a_chinese_page_reads_the_vetting_and_match_reasons_in_chinese(walked):
    client = walked["client"]
    creator = _visible_text(client.get(reverse("frontend:creator", args=[walked["creator"].pk])).content.decode())
    assert "虚假粉丝" in creator or "粉丝样本" in creator  # the vetting breakdown's words
    assert "加权平均" in creator  # the combination line
    matches = _visible_text(client.get(reverse("frontend:brand_matches", args=[walked["brand"].pk])).content.decode())
    assert "受众匹配" in matches and "互动质量" in matches
    alerts = _visible_text(client.get(reverse("frontend:alerts")).content.decode())
    assert "竞品 Acme Skincare" in alerts  # the alert's title, in Chinese, naming the competitor as it is
