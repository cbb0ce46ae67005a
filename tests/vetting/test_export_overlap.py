"""The PDF and XLSX exports of a shortlist carry its audience overlap: the unique reach with its
interval, the matrix (numbers in the XLSX, shaded cells in the PDF), and every pair explained,
in the export's language; a search export has none."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from openpyxl import load_workbook

from tests.factories import OrganizationFactory, overlap_shortlist

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortlist():
    return overlap_shortlist(OrganizationFactory(), "Overlap 重合")


def _rows(shortlist, language, **kwargs):
    from vetting.services.exports.rows import export_rows

    with translation.override(language):
        return export_rows(organization_id=shortlist.organization_id, shortlist_id=shortlist.pk, **kwargs)


def _pdf_text(shortlist, language):
    from vetting.services.exports.pdf import report_html

    with translation.override(language):
        rows, context = _rows(shortlist, language, with_history=True, with_overlap=True)
        html = report_html(rows, context=context, language=language)
    section = html.split('data-section="overlap"', 1)[1].split("</section>", 1)[0]
    return html, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_the_pdf_has_the_matrix_and_the_unique_reach(shortlist):
    html, text = _pdf_text(shortlist, "en")
    assert "Unique reach: 160 distinct followers (95% interval 160–160) of 200 followers" in text
    assert "40.0%" in text and "unknown" in text
    assert "Anna × Ben 本: 40.0% of the smaller audience also follows the other on Instagram" in text
    assert "Unknown: Cleo has no follower sample" in text
    # the estimate's cell is shaded by its share; the others are not
    assert html.count("background:#FFFFFF") == 7  # 3 diagonal + 4 unknown
    assert "background:#FFFFFF" not in re.search(r'<td class="num" style="([^"]*)">40.0%', html).group(1)


def test_the_pdf_in_chinese(shortlist):
    _html, text = _pdf_text(shortlist, "zh-hans")
    assert "受众重合" in text and "去重覆盖：160 名不重复粉丝" in text and "未知" in text
    assert "Unique reach" not in text and "unknown" not in text


def _xlsx(shortlist, language, tmp_path):
    from vetting.services.exports.tabular import write_xlsx

    rows, context = _rows(shortlist, language, with_overlap=True)
    path = tmp_path / "out.xlsx"
    with translation.override(language):
        write_xlsx(path, rows, context=context, progress=lambda n: None)
    return load_workbook(path)


def test_the_xlsx_has_an_overlap_sheet(shortlist, tmp_path):
    sheet = _xlsx(shortlist, "en", tmp_path)["Audience overlap"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Unique reach", 160, 160, 160] == values[2][:4]
    header = next(i for i, row in enumerate(values) if row[1:4] == ["Anna", "Ben 本", "Cleo"])
    anna = values[header + 1]
    assert anna[:4] == ["Anna", "—", 0.4, "unknown"]
    assert sheet.cell(row=header + 2, column=3).number_format == "0.0%"
    pairs = [row for row in values if row[0] == "Anna" and row[1] == "Ben 本"]
    assert pairs and pairs[0][2:5] == [0.4, 0.4, 0.4]
    assert pairs[0][5].startswith("40.0% of the smaller audience")


def test_the_xlsx_in_chinese(shortlist, tmp_path):
    sheet = _xlsx(shortlist, "zh-hans", tmp_path)["受众重合"]
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "去重覆盖" in text and "未知" in text and "Unique reach" not in text


def test_a_search_export_has_no_overlap(shortlist):
    from vetting.services.exports.rows import export_rows

    _rows_, context = export_rows(organization_id=shortlist.organization_id, filters={}, with_overlap=True)
    assert context.overlap is None


def test_the_export_job_writes_the_overlap_into_the_pdf(
    shortlist, settings, tmp_path, django_capture_on_commit_callbacks
):
    import shutil
    import subprocess

    from core.models import JobStatus
    from vetting.services.exports import export_create

    settings.MEDIA_ROOT = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_create(organization=shortlist.organization, fmt="pdf", shortlist=shortlist, language="en")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    pdf = job.result["path"]
    assert open(pdf, "rb").read(5) == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
        assert "Audience overlap" in text and "Unique reach: 160" in text
