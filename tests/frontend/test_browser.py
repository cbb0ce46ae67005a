"""The main journeys of a marketer, in real headless Chromium against the live test server:
log in → filter discovery → aesthetic search with an uploaded image → open a creator → growth
chart and risk signals → add to a shortlist → export CSV and PDF and read the downloaded files
→ switch to Chinese. Screenshots of every page land in test-artifacts/screenshots/.

Skipped, with the reason, only where Debian's chromium / chromedriver are not installed
(scripts/install_browser.sh installs them; scripts/test.sh calls it)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest

from tests.frontend.browser import (
    browser_missing_reason,
    downloaded,
    htmx_idle,
    log_in,
    screenshot,
    wait_for,
    wait_until,
)

MISSING = browser_missing_reason()
# One run is enough: the SQLite run of scripts/test.sh (the view tests cover both databases).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.sqlite_only,
    pytest.mark.skipif(MISSING is not None, reason=str(MISSING)),
]


def test_marketer_journey_from_login_to_client_export(demo_site, live_server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from core.models import Organization
    from influencers.models import Creator
    from influencers.services.demo.images import draw_style_image
    from vetting.services.demo import DEMO_ORGANIZATION

    base = live_server.url
    driver = browser
    log_in(driver, base, demo_site["username"], demo_site["password"])

    # Discovery: every demo creator is listed; the demo banner says the data is synthetic.
    total = Creator.objects.count()
    assert driver.find_element(By.CSS_SELECTOR, "[data-testid=result-count]").text.startswith(f"{total} ")
    assert "synthetic" in driver.find_element(By.CSS_SELECTOR, ".banner").text
    screenshot(driver, "02-discovery")

    # Filter: Instagram only (htmx swaps the results and pushes the URL).
    before = driver.find_element(By.CSS_SELECTOR, "[data-testid=result-count]").text
    driver.find_element(By.CSS_SELECTOR, "input[name=platform][value=instagram]").click()
    wait_until(lambda: "platform=instagram" in driver.current_url and htmx_idle(driver), what="the filtered results")
    after = driver.find_element(By.CSS_SELECTOR, "[data-testid=result-count]").text
    assert after != before
    platforms = {
        e.text
        for e in driver.find_elements(By.CSS_SELECTOR, "[data-testid=results-table] [data-col=platform] .platform")
    }
    assert platforms == {"Instagram"}, platforms
    screenshot(driver, "03-discovery-filtered")

    # Select two results and add them to a new shortlist without leaving the page.
    url_before = driver.current_url
    boxes = driver.find_elements(By.CSS_SELECTOR, "[data-testid=results-table] [data-bulk-item]")
    picked = [int(b.get_attribute("value")) for b in boxes[:2]]
    for box in boxes[:2]:
        box.click()
    assert driver.find_element(By.CSS_SELECTOR, "[data-bulk-count]").text == "2"
    driver.find_element(By.ID, "add-new").send_keys("Journey picks")
    driver.find_element(By.CSS_SELECTOR, "[data-testid=add-selected]").click()
    status = wait_for(driver, "[data-testid=add-status]")
    assert "Journey picks" in status.text and driver.current_url == url_before
    journey = Organization.objects.get(name=DEMO_ORGANIZATION).shortlists.get(name="Journey picks")
    assert sorted(journey.entries.values_list("creator_id", flat=True)) == sorted(picked)

    # Aesthetic search: upload an image of one demo style; the embedder is named.
    style = sorted(set(demo_site["summary"].style_by_creator.values()))[0]
    query = tmp_path / "mood.jpg"
    draw_style_image(style, seed=4242, size=96).convert("RGB").save(query, "JPEG")
    driver.find_element(By.CSS_SELECTOR, "[data-testid=open-aesthetic]").click()
    wait_for(driver, "#aesthetic-panel")
    driver.find_element(By.CSS_SELECTOR, "[data-testid=aesthetic-images]").send_keys(str(query))
    driver.find_element(By.CSS_SELECTOR, "[data-testid=aesthetic-submit]").click()
    wait_for(driver, "[data-testid=aesthetic-results]")
    assert "Style descriptor" in driver.find_element(By.CSS_SELECTOR, "[data-testid=embedder-label]").text
    top_name = driver.find_element(By.CSS_SELECTOR, "[data-testid=aesthetic-results] tbody tr a.name").text
    top_creator = Creator.objects.get(display_name=top_name)
    assert demo_site["summary"].style_by_creator[top_creator.pk] == style  # the look we asked for
    screenshot(driver, "04-aesthetic-search")

    # Open the creator with a planted follower jump: growth chart drawn, risk signals listed.
    jumped = next(a for a, marks in demo_site["summary"].fraud_accounts.items() if "follower_jump" in marks)
    from influencers.models import Account

    creator = Account.objects.get(pk=jumped).creator
    driver.get(f"{base}/creators/{creator.pk}/?account={jumped}")
    canvas = wait_for(driver, "[data-testid=growth-chart]")
    wait_until(lambda: canvas.get_attribute("data-rendered") == "1", what="the growth chart to render")
    assert driver.find_element(By.CSS_SELECTOR, "[data-testid=creator-name]").text.startswith(creator.display_name)
    vetting = driver.find_element(By.CSS_SELECTOR, "[data-testid=vetting]")
    assert vetting.find_elements(By.CSS_SELECTOR, "[data-testid=signal]"), "no risk signal listed"
    assert driver.find_elements(By.CSS_SELECTOR, "[data-testid=anomaly-list] li"), "the follower jump is not marked"
    screenshot(driver, "05-creator")

    # Add to the demo shortlist.
    org = Organization.objects.get(name=DEMO_ORGANIZATION)
    shortlist = org.shortlists.order_by("id").first()
    Select(driver.find_element(By.ID, "shortlist-choice")).select_by_value(str(shortlist.pk))
    driver.find_element(By.CSS_SELECTOR, "[data-testid=shortlist-add]").click()
    flash = wait_for(driver, "[data-testid=shortlist-flash]")
    assert shortlist.name in flash.text
    assert shortlist.entries.filter(creator=creator).exists()

    # Shortlist → export CSV and PDF, download both, read them back.
    driver.get(f"{base}/shortlists/{shortlist.pk}/")
    wait_for(driver, "[data-testid=entries-table]")
    assert creator.display_name in driver.find_element(By.CSS_SELECTOR, "[data-testid=entries-table]").text
    screenshot(driver, "06-shortlist")
    names = list(shortlist.entries.values_list("creator__display_name", flat=True))
    for fmt in ("csv", "pdf"):
        earlier = {e.get_attribute("id") for e in driver.find_elements(By.CSS_SELECTOR, "#export-jobs .job")}
        driver.find_element(By.CSS_SELECTOR, f"[data-testid=export-{fmt}]").click()
        # The new job's card arrives at the top and follows the job until its download is ready.
        card = wait_until(
            lambda earlier=earlier: next(
                (
                    e
                    for e in driver.find_elements(By.CSS_SELECTOR, "#export-jobs .job")
                    if e.get_attribute("id") not in earlier
                ),
                None,
            ),
            what=f"the {fmt} export job",
        )
        card_id = card.get_attribute("id")
        link = wait_for(driver, f"#{card_id} [data-testid^=download-]")
        link.click()
        path = downloaded(driver, f".{fmt}")
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
            assert sorted(r["Creator"] for r in rows) == sorted(names)  # headers in the page's language
        else:
            assert path.read_bytes().startswith(b"%PDF")
            if shutil.which("pdftotext"):
                text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
                assert creator.display_name in text
                chinese = [n for n in names if any(ord(ch) > 0x2E80 for ch in n)]
                assert all(n in text for n in chinese), (chinese, text[:500])
        path.unlink()
        driver.get(f"{base}/shortlists/{shortlist.pk}/")
        wait_for(driver, "[data-testid=entries-table]")
    screenshot(driver, "07-shortlist-exported")

    # The brand's matches and the jobs page, for the screenshots (and that they render).
    brand = shortlist.brand or org.brands.first()
    driver.get(f"{base}/brands/{brand.pk}/")
    wait_for(driver, "[data-testid=brand-name]")
    screenshot(driver, "08-brand")
    driver.get(f"{base}/brands/{brand.pk}/matches/")
    wait_for(driver, "[data-testid=matches-table]")
    screenshot(driver, "09-brand-matches")
    # Moving a weight slider re-ranks in place (htmx) and keeps the weights in the URL.
    driver.execute_script(
        "const s = document.getElementById('w_authenticity'); s.value = 100;"
        "s.dispatchEvent(new Event('input', {bubbles: true}));"
    )
    wait_until(lambda: "w_authenticity=100" in driver.current_url and htmx_idle(driver), what="the re-ranked matches")
    first = driver.find_element(By.CSS_SELECTOR, "[data-testid=matches-table] tbody tr")
    assert first.find_element(By.CSS_SELECTOR, "[data-testid=match-score]").text.isdigit()
    driver.find_element(By.CSS_SELECTOR, "[data-testid=match-why] summary").click()
    screenshot(driver, "09b-brand-matches-reweighted")
    for path, css, name in (
        ("/brands/", "[data-testid=brand-card]", "10a-brands"),
        ("/shortlists/", "[data-testid=shortlists-table]", "10b-shortlists"),
        (f"/brands/{brand.pk}/edit/", "[data-testid=brand-save]", "10c-brand-edit"),
    ):
        driver.get(base + path)
        wait_for(driver, css)
        screenshot(driver, name)
    driver.get(f"{base}/jobs/")
    wait_for(driver, "#jobs-list")
    assert "Export" in driver.find_element(By.CSS_SELECTOR, "#jobs-list").text
    screenshot(driver, "10-jobs")


def test_switch_to_chinese_and_use_the_keyboard(demo_site, live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from influencers.models import Creator

    driver = browser
    log_in(driver, live_server.url, demo_site["username"], demo_site["password"])
    Select(driver.find_element(By.CSS_SELECTOR, "[data-testid=language]")).select_by_value("zh-hans")
    wait_until(lambda: driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans", what="Chinese page")
    nav = driver.find_element(By.CSS_SELECTOR, ".nav").text
    assert "发现" in nav and "候选名单" in nav
    assert "合成" in driver.find_element(By.CSS_SELECTOR, ".banner").text
    screenshot(driver, "11-zh-discovery")

    # Keyboard: "/" focuses the search box, Esc leaves it, j/j moves to the second row, Enter opens it.
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).send_keys("/").perform()
    assert driver.switch_to.active_element.get_attribute("id") == "id_q"
    ActionChains(driver).send_keys(Keys.ESCAPE).send_keys("j").send_keys("j").perform()
    active = driver.find_element(By.CSS_SELECTOR, "[data-row].is-active")
    rows = driver.find_elements(By.CSS_SELECTOR, "[data-testid=results-table] [data-row]")
    assert active == rows[1]
    target = active.find_element(By.CSS_SELECTOR, "[data-row-link]").get_attribute("href")
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait_until(lambda: driver.current_url == target, what="Enter to open the active row")

    chinese = next(c for c in Creator.objects.order_by("id") if any(ord(ch) > 0x2E80 for ch in c.display_name))
    driver.get(f"{live_server.url}/creators/{chinese.pk}/")
    wait_for(driver, "[data-testid=creator-name]")
    assert chinese.display_name in driver.find_element(By.CSS_SELECTOR, "[data-testid=creator-name]").text
    assert "粉丝增长" in driver.page_source
    screenshot(driver, "12-zh-creator")
