"""The monitoring journey in real headless Chromium against the live test server: from the
alert inbox to a new watch on the demo shortlist, a rule added inline (htmx) with a field error
shown and fixed, a rule paused in place, and the notification settings with the webhook secret
shown once. Screenshots land in test-artifacts/screenshots/.

Skipped, with the reason, only where Debian's chromium / chromedriver are not installed."""

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


def test_watch_a_shortlist_add_a_rule_and_set_up_the_webhook(demo_site, live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from core.models import Organization
    from vetting.models import NotificationSettings, Watch, WatchRule
    from vetting.services.demo import DEMO_ORGANIZATION

    base = live_server.url
    driver = browser
    org = Organization.objects.get(name=DEMO_ORGANIZATION)
    shortlist = org.shortlists.order_by("id").first()
    log_in(driver, base, demo_site["username"], demo_site["password"])

    # Inbox → watches → new watch on the demo shortlist, starting with a sentiment rule.
    driver.get(base + "/alerts/")
    driver.find_element(By.CSS_SELECTOR, "a[href='/alerts/watches/']").click()
    wait_until(lambda: driver.current_url.endswith("/alerts/watches/"), what="the watches page")
    driver.get(base + "/alerts/watches/new/")
    wait_for(driver, "[data-testid=watch-form]")
    driver.find_element(By.ID, "id_name").send_keys("Launch partners 发布会")
    driver.find_element(By.CSS_SELECTOR, "input[name=target][value=shortlist]").click()
    Select(driver.find_element(By.ID, "id_shortlist")).select_by_value(str(shortlist.pk))
    for box in driver.find_elements(By.CSS_SELECTOR, "input[name=start_rules]"):
        if box.is_selected() != (box.get_attribute("value") == "sentiment"):
            box.click()  # only the sentiment rule to start with
    screenshot(driver, "20-watch-new")
    driver.find_element(By.CSS_SELECTOR, "[data-testid=watch-save]").click()
    wait_for(driver, "[data-testid=rules-table]")
    watch = Watch.objects.get(organization=org, name="Launch partners 发布会")
    assert watch.shortlist_id == shortlist.pk
    assert "发布会" in driver.find_element(By.CSS_SELECTOR, "[data-testid=watch-name]").text
    assert list(watch.rules.values_list("kind", flat=True)) == ["sentiment"]

    # Add a keyword rule inline; a bad number comes back as that field's error, in place.
    driver.find_element(By.CSS_SELECTOR, "[data-testid=add-rule-keyword]").click()
    form = wait_for(driver, "#rule-editor [data-testid=rule-form]")
    window = form.find_element(By.CSS_SELECTOR, "[name=window_days]")
    window.clear()
    window.send_keys("9999")
    form.find_element(By.CSS_SELECTOR, "[data-testid=rule-save]").click()
    error = wait_for(driver, "#rule-editor [data-error-for=window_days]")
    assert error.text, "no field error shown"
    assert driver.current_url.endswith(f"/alerts/watches/{watch.pk}/")  # still on the watch page
    assert watch.rules.count() == 1  # nothing saved
    screenshot(driver, "21-rule-field-error")
    window = driver.find_element(By.CSS_SELECTOR, "#rule-editor [name=window_days]")
    window.clear()
    window.send_keys("3")
    driver.find_element(By.CSS_SELECTOR, "#rule-editor [data-testid=rule-save]").click()
    wait_until(lambda: watch.rules.filter(kind="keyword").exists(), what="the keyword rule to be saved")
    keyword = WatchRule.objects.get(watch=watch, kind="keyword")
    assert keyword.params["window_days"] == 3
    row = wait_for(driver, f"#rule-{keyword.pk}")

    # Pause it in place (htmx swaps the row).
    row.find_element(By.CSS_SELECTOR, "[data-testid=rule-toggle]").click()
    wait_until(lambda: not WatchRule.objects.get(pk=keyword.pk).is_active and htmx_idle(driver), what="the pause")
    wait_until(
        lambda: "Resume" in driver.find_element(By.CSS_SELECTOR, f"#rule-{keyword.pk} [data-testid=rule-toggle]").text,
        what="the swapped row",
    )
    screenshot(driver, "22-watch-rules")

    # Notification settings: enabling the webhook shows its signing secret once, never again.
    driver.get(base + "/alerts/settings/")
    wait_for(driver, "[data-testid=settings-form]")
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid=webhook-secret]")
    enabled = driver.find_element(By.ID, "id_webhook_enabled")
    if not enabled.is_selected():
        enabled.click()
    url = driver.find_element(By.ID, "id_webhook_url")
    url.clear()
    url.send_keys("https://hooks.example.com/vetted")
    driver.find_element(By.CSS_SELECTOR, "[data-testid=settings-save]").click()
    secret_box = wait_for(driver, "[data-testid=webhook-secret]")
    config = NotificationSettings.objects.get(organization=org)
    assert config.webhook_enabled and config.webhook_url == "https://hooks.example.com/vetted"
    shown = secret_box.find_element(By.ID, "new-secret").get_attribute("value")
    assert config.webhook_secret and shown == config.webhook_secret
    screenshot(driver, "23-notification-settings-secret")
    driver.get(base + "/alerts/settings/")
    wait_for(driver, "[data-testid=settings-form]")
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid=webhook-secret]")
    assert config.webhook_secret not in driver.page_source
