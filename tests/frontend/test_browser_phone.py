"""The web UI on a phone (390 px wide, Chromium's mobile emulation): discovery, a creator page and a
shortlist never scroll sideways (the test fails when document.documentElement.scrollWidth exceeds
innerWidth, naming the widest elements); the navigation collapses behind a button, the filters
open in a drawer, and the brand brief, the search by look and an import work at that width."""

from __future__ import annotations

import pytest

from tests.frontend.browser import browser_missing_reason, htmx_idle, log_in, screenshot, wait_for, wait_until

MISSING = browser_missing_reason()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.sqlite_only,
    pytest.mark.skipif(MISSING is not None, reason=str(MISSING)),
]
# Not "mobile": a mobile layout viewport widens to fit overflowing content, hiding the very overflow tested.
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": False}
# The widest elements wider than the viewport, to say what overflows when the test fails.
WIDEST = """
const limit = window.innerWidth;
return Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > limit + 1 && getComputedStyle(e).position !== 'fixed')
  .filter(e => !e.closest('.table-wrap, .hscroll'))
  .slice(0, 5)
  .map(e => {
    const cls = typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '';
    return e.tagName.toLowerCase() + cls + ' ' + Math.round(e.getBoundingClientRect().right);
  });
"""


@pytest.fixture
def phone(browser):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    return browser


def assert_no_sideways_scroll(driver, what: str) -> None:
    wait_until(lambda: htmx_idle(driver), what="htmx to settle")
    scroll, inner = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == PHONE["width"], inner
    assert scroll <= inner, f"{what} is {scroll} px wide at {inner} px: {driver.execute_script(WIDEST)}"


def test_discovery_creator_and_shortlist_fit_a_phone(demo_site, live_server, phone):
    from selenium.webdriver.common.by import By

    from vetting.models import Shortlist

    driver, base = phone, live_server.url
    log_in(driver, base, demo_site["username"], demo_site["password"])
    assert_no_sideways_scroll(driver, "discovery")
    screenshot(driver, "phone-01-discovery")

    # The navigation is behind a button; the filters open in a drawer.
    nav = driver.find_element(By.CSS_SELECTOR, ".sidebar")
    assert not nav.is_displayed() or nav.size["width"] < 80 or nav.location["x"] < 0
    driver.find_element(By.CSS_SELECTOR, "[data-testid=nav-toggle]").click()
    wait_for(driver, ".sidebar .nav a[href='/shortlists/']")
    screenshot(driver, "phone-01b-menu")
    driver.find_element(By.CSS_SELECTOR, "[data-testid=nav-close]").click()
    wait_until(lambda: not nav.is_displayed(), what="the menu to close")
    assert not driver.find_element(By.CSS_SELECTOR, ".filters").is_displayed()
    driver.find_element(By.CSS_SELECTOR, "[data-testid=filters-toggle]").click()
    wait_for(driver, ".filters input[name=platform][value=instagram]")
    driver.find_element(By.CSS_SELECTOR, ".filters input[name=platform][value=instagram]").click()
    wait_until(lambda: "platform=instagram" in driver.current_url and htmx_idle(driver), what="filtered results")
    assert_no_sideways_scroll(driver, "discovery with the filter drawer open")
    screenshot(driver, "phone-02-filters")

    first = driver.find_element(By.CSS_SELECTOR, "[data-testid=results-table] a.name")
    driver.get(first.get_attribute("href"))
    wait_for(driver, "canvas[data-rendered]")
    assert_no_sideways_scroll(driver, "the creator page")
    chart = driver.find_element(By.CSS_SELECTOR, "canvas[data-kind=growth]")
    assert chart.size["width"] <= PHONE["width"]
    screenshot(driver, "phone-03-creator")

    shortlist = Shortlist.objects.filter(entries__isnull=False).first()
    driver.get(f"{base}/shortlists/{shortlist.pk}/")
    wait_for(driver, "body")
    assert_no_sideways_scroll(driver, "the shortlist")
    screenshot(driver, "phone-04-shortlist")
