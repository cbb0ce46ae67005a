"""The browser-test harness says why it cannot run instead of failing or downloading a browser."""

from __future__ import annotations

from tests.frontend import browser


def test_missing_chromium_is_a_skip_reason_naming_the_installer(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM_CANDIDATES", ("/nonexistent/chromium",))
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    reason = browser.browser_missing_reason()
    assert reason is not None and "chromium" in reason and "install_browser.sh" in reason


def test_missing_chromedriver_is_a_skip_reason(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("")
    monkeypatch.setattr(browser, "CHROMIUM_CANDIDATES", (str(fake),))
    monkeypatch.setattr(browser, "CHROMEDRIVER_CANDIDATES", ("/nonexistent/chromedriver",))
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    assert "chromedriver" in browser.browser_missing_reason()
