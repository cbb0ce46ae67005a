"""A Chinese-speaking account manager's walk, in real headless Chromium: discovery (a search for
美妆) → a creator → the brand's matches → the shortlist, exported as a PDF → alerts → jobs, all in
简体中文. No page shows an English sentence of the catalogue (names and handles are data), and the
exported PDF is Chinese throughout. Screenshots land in test-artifacts/screenshots/zh-*.png."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.frontend.browser import browser_missing_reason, downloaded, log_in, screenshot, wait_for, wait_until
from tests.frontend.test_translation import _catalogue_sentences

MISSING = browser_missing_reason()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.sqlite_only,
    pytest.mark.skipif(MISSING is not None, reason=str(MISSING)),
]


def test_the_chinese_walk_through_is_chinese_from_discovery_to_the_client_pdf(demo_site, live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from vetting.models import Alert, Shortlist
    from vetting.monitoring.demo import demo_watches_seed

    demo_watches_seed()  # watches on the demo shortlist, evaluated: alerts with evidence
    driver, base = browser, live_server.url
    log_in(driver, base, demo_site["username"], demo_site["password"])
    Select(driver.find_element(By.CSS_SELECTOR, "[data-testid=language]")).select_by_value("zh-hans")
    wait_until(lambda: driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans", what="Chinese")

    shortlist = Shortlist.objects.select_related("brand", "organization").get(name="Spring skincare launch 2026")
    org = shortlist.organization
    assert shortlist.brand is not None and Alert.objects.filter(organization=org).exists()
    creator = shortlist.entries.first().creator
    sentences = _catalogue_sentences()
    english: dict[str, list[str]] = {}

    def visit(name: str, path: str, ready: str) -> str:
        driver.get(base + path)
        wait_for(driver, ready)
        text = driver.find_element(By.TAG_NAME, "body").text
        found = [s for s in sentences if s in text]
        if found:
            english[name] = found
        screenshot(driver, f"zh-{name}")
        return text

    visit("01-discovery", "/", "[data-testid=results-table]")
    search = visit("02-search-meizhuang", "/?q=美妆", "body")
    assert "美妆" in search and "0 位博主" not in search  # the niche is found by its Chinese name
    page = visit("03-creator", f"/creators/{creator.pk}/", "[data-testid=vetting]")
    assert "审核明细" in page and "基准" in page
    matches = visit("04-matches", f"/brands/{shortlist.brand_id}/matches/", "[data-testid=matches-table]")
    assert "受众匹配" in matches
    visit("05-shortlist", f"/shortlists/{shortlist.pk}/", "[data-testid=entries-table]")

    # The PDF asked from the Chinese page is Chinese.
    driver.find_element(By.CSS_SELECTOR, "[data-testid=export-pdf]").click()
    link = wait_for(driver, "#export-jobs .job [data-testid^=download-]", timeout=90)
    link.click()
    path = downloaded(driver, ".pdf")
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "审核报告" in text and "风险明细" in text
        assert [s for s in sentences if s in " ".join(text.split())] == []
    path.unlink()

    alerts = visit("06-alerts", "/alerts/", "#alert-list")
    assert "证据" in alerts
    visit("07-jobs", "/jobs/", "#jobs-list")
    job = driver.find_element(By.CSS_SELECTOR, "#jobs-list .job .title a").get_attribute("href")
    visit("08-job", job.replace(base, ""), "[data-testid=job-log]")
    assert english == {}
