"""Headless Chromium for the browser tests: Debian's chromium driven through its chromedriver
(W3C WebDriver via selenium). Nothing is downloaded: when the binaries are missing the tests
skip and say how to install them (scripts/install_browser.sh)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DOWNLOADS = ARTIFACTS / "downloads"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--password-store=basic",
    "--hide-scrollbars",
)


def _first(paths: tuple[str, ...], name: str) -> str | None:
    for path in paths:
        if Path(path).is_file():
            return path
    return shutil.which(name)


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed (pip install -r requirements.txt)"
    if _first(CHROMIUM_CANDIDATES, "chromium") is None:
        return "Debian's chromium is not installed (scripts/install_browser.sh: apt-get install chromium)"
    if _first(CHROMEDRIVER_CANDIDATES, "chromedriver") is None:
        return "chromedriver is not installed (run scripts/install_browser.sh: apt-get install chromium-driver)"
    return None


def make_driver(*, width: int = 1440, height: int = 900, downloads: Path = DOWNLOADS, language: str = "en-GB"):
    """A headless Chromium WebDriver that saves downloads to `downloads` without asking."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads.mkdir(parents=True, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = _first(CHROMIUM_CANDIDATES, "chromium")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--lang={language}")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
            "safebrowsing.enabled": False,
            "intl.accept_languages": language,
        },
    )
    # An explicit driver path: selenium-manager is never asked to fetch one.
    service = Service(executable_path=_first(CHROMEDRIVER_CANDIDATES, "chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    # Headless Chromium saves downloads only when told where, through the DevTools protocol.
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


def screenshot(driver, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(int(height) + 120, 700), 4000))
    driver.save_screenshot(str(path))
    driver.set_window_size(width, 900)
    return path


WAIT = 20  # seconds; the machine is small and shared


def wait_for(driver, css: str, *, timeout: float = WAIT, visible: bool = True):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    condition = ec.visibility_of_element_located if visible else ec.presence_of_element_located
    return WebDriverWait(driver, timeout).until(condition((By.CSS_SELECTOR, css)))


def wait_until(predicate, *, timeout: float = WAIT, what: str = "condition"):
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except StaleElementReferenceException:  # htmx swapped the element between find and read
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def htmx_idle(driver) -> bool:
    return driver.execute_script("return document.querySelectorAll('.htmx-request').length === 0")


def log_in(driver, base: str, username: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "/login/")
    wait_for(driver, "#id_username")
    screenshot(driver, "01-login")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for(driver, "[data-testid=results-table]")


def downloaded(driver, suffix: str, *, timeout: float = WAIT) -> Path:
    """The finished download ending in `suffix` (Chromium writes .crdownload until done)."""

    def ready() -> Path | None:
        files = [p for p in driver.downloads.glob(f"*{suffix}") if p.stat().st_size > 0]
        return files[0] if files else None

    return wait_until(ready, timeout=timeout, what=f"a downloaded {suffix} file")
