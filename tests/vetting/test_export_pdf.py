"""The PDF vetting report an agency sends: a cover with the client brand, the shortlist, the date
and the language; a summary table of every creator; a page (or more) per creator with sentences,
rounded numbers and intervals, never raw data; one embedded font that draws Chinese and English;
page numbers; long notes wrapped, not cut. Checked on the HTML the PDF is laid out from, and on
the PDF itself with poppler (pdffonts, pdftotext) where it is installed (scripts/install_browser.sh)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.utils import timezone, translation

from tests.factories import (
    AccountFactory,
    AudienceProfileFactory,
    BrandFactory,
    CreatorFactory,
    HistoryPointFactory,
    OrganizationFactory,
    PostFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)

pytestmark = pytest.mark.django_db
POPPLER = shutil.which("pdffonts") and shutil.which("pdftotext")
LONG_NOTE = ("Call back after the spring campaign; rates negotiable. 春季活动后回电，报价可谈。 " * 60).strip()


@pytest.fixture
def vetted_shortlist():
    """A brand's shortlist of two vetted creators (one Chinese, one English), one with a
    3,000-character note."""
    from influencers.metrics.service import refresh_metrics
    from vetting.services.reports import vet_accounts

    org = OrganizationFactory()
    brand = BrandFactory(organization=org, name="Verdant Skin 青植", competitors=["Acme Skincare"])
    shortlist = ShortlistFactory(organization=org, brand=brand, name="Spring launch 春季")
    accounts = []
    for name, platform, followers in (("墨墨酱", "xiaohongshu", 10_200), ("Sophie Clarke", "tiktok", 250_000)):
        creator = CreatorFactory(display_name=name, categories=["beauty"])
        account = AccountFactory(creator=creator, platform=platform, handle=name.lower().replace(" ", ""))
        for offset in range(40, -1, -1):
            HistoryPointFactory(
                account=account,
                date=timezone.localdate() - dt.timedelta(days=offset),
                followers=followers - offset * 20,
            )
        for index in range(8):
            PostFactory(
                account=account,
                posted_at=timezone.now() - dt.timedelta(days=2 + index * 3),
                likes=int(followers * 0.03),
                comments=int(followers * 0.002),
                views=followers * 2,
                is_sponsored=index == 0,
                sponsor="Acme Skincare" if index == 0 else "",
                caption="晨间护肤 morning routine 😍✨",
            )
        AudienceProfileFactory(account=account)
        accounts.append(account)
        ShortlistEntryFactory(shortlist=shortlist, creator=creator, notes=LONG_NOTE if platform == "tiktok" else "")
    refresh_metrics([a.pk for a in accounts])
    vet_accounts([a.pk for a in accounts])
    return shortlist


def _html(shortlist, language):
    from vetting.services.exports.pdf import report_html
    from vetting.services.exports.rows import export_rows

    with translation.override(language):
        rows, context = export_rows(
            organization_id=shortlist.organization_id, shortlist_id=shortlist.pk, with_history=True
        )
        return report_html(rows, context=context, language=language), rows


def _text(html: str) -> str:
    html = re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_report_has_a_cover_a_summary_and_a_page_per_creator(vetted_shortlist):
    html, rows = _html(vetted_shortlist, "en")
    text = _text(html)
    assert "Vetting report" in text and "Verdant Skin 青植" in text and "Spring launch 春季" in text
    assert timezone.localdate().isoformat() in text and "English" in text  # date and language on the cover
    assert html.count('class="creator"') == 2 and "Summary" in text
    # Every creator in the summary with its platform, followers, ER and its formula, risk and reason,
    # match score and status, and a fee estimate.
    assert "Xiaohongshu (RED)" in text and "10.2K" in text and "(likes + saves + comments) / followers" in text
    assert "US$" in text and "Candidate" in text
    assert html.count("<svg") == 2  # a growth chart per creator


def test_the_report_reads_as_sentences_and_rounded_numbers(vetted_shortlist):
    html, _rows = _html(vetted_shortlist, "en")
    text = _text(html)
    assert "{'" not in text and "': " not in text and "None" not in text  # no raw Python data
    assert not re.search(r"\d\.\d{5,}", text)  # no unrounded fraction
    assert "How the signals combine" in text and "weighted mean of" in text
    assert "😍" not in html and "✨" not in html  # characters the font cannot draw are left out


def test_a_chinese_report_is_chinese_throughout(vetted_shortlist):
    from tests.frontend.test_translation import _catalogue_sentences

    html, _rows = _html(vetted_shortlist, "zh-hans")
    text = _text(html)
    assert "审核报告" in text and "简体中文" in text and "小红书" in text and "1.02万" in text
    assert "风险明细" in text and "加权平均" in text
    english = [s for s in _catalogue_sentences() if s in text]
    assert english == []


def test_the_pdf_embeds_its_one_font_and_draws_both_languages(vetted_shortlist, tmp_path):
    from vetting.services.exports.pdf import write_pdf
    from vetting.services.exports.rows import export_rows

    with translation.override("zh-hans"):
        rows, context = export_rows(
            organization_id=vetted_shortlist.organization_id, shortlist_id=vetted_shortlist.pk, with_history=True
        )
        path = tmp_path / "report.pdf"
        write_pdf(path, rows, context=context, progress=lambda n: None, language="zh-hans")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"STSong" not in data and b"Helvetica" not in data
    if not POPPLER:
        pytest.skip("poppler (pdffonts, pdftotext) not installed: scripts/install_browser.sh installs it")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert lines and all(" yes yes yes " in line for line in lines), fonts  # embedded, subset, unicode
    assert all("VettedSans" in line for line in lines)  # one family: nothing from the machine
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "审核报告" in text and "墨墨酱" in text and "Sophie Clarke" in text
    assert "☒" not in text and "\ufffd" not in text
    pages = text.count("\f")
    assert pages >= 4 and re.search(rf"页码 {pages} / {pages}", text)  # cover, summary, creators, method; numbered
    # The 3,000-character note is all there, wrapped over lines, not cut at the page's edge.
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", LONG_NOTE)[-200:] in flat


def test_writing_a_pdf_leaves_truncated_uploads_refused(vetted_shortlist, tmp_path):
    """WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process; the
    writer puts it back, so a worker that wrote a report still refuses a truncated image."""
    import io

    from PIL import Image, ImageFile

    from core.errors import InputError
    from core.services.media import inspect_image_bytes
    from vetting.services.exports.pdf import write_pdf
    from vetting.services.exports.rows import ExportContext

    write_pdf(tmp_path / "r.pdf", [], context=ExportContext(title="t"), progress=lambda n: None)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(buffer, format="PNG")
    with pytest.raises(InputError):
        inspect_image_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
