"""Browser tests: Playwright (sync API) driving the system's Chromium (Debian's `chromium` package; no browser
download) against pytest-django's live server. Skipped, with a message, where no Chromium is installed.

Set CONVOY_SCREENSHOTS=1 to write the screenshots the tests take into docs/screenshots/ (otherwise they go to
the test's temporary folder only, so that a test run does not rewrite tracked files)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CONVOY_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 860}}


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all browser tests (package scope: Playwright's event loop, and the permission
    to use the ORM beside it, end with the last browser test)."""
    if CHROMIUM is None:
        pytest.skip("no Chromium found (apt-get install chromium, or set CONVOY_CHROMIUM): browser tests skipped")
    from playwright.sync_api import sync_playwright

    # The sync API keeps an asyncio loop marked as running in this thread, which Django takes for async code;
    # the tests use the ORM between browser steps, never concurrently with it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            yield chromium
            chromium.close()


@pytest.fixture(autouse=True)
def no_auto_recompute(settings):
    """Data made by a test is committed at once here (transactional tests), which would queue recomputes that
    publish over the fixtures' schedule; a test that wants them sets SCHEDULE_AUTO_RECOMPUTE back."""
    settings.SCHEDULE_AUTO_RECOMPUTE = False


def _context(browser, live_server, options: dict):
    """A browser context that records what the Content-Security-Policy refused (Chromium reports each refusal as a
    console error) in `context.csp_refusals`; the page fixtures fail a test whose pages had any."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    context.set_default_timeout(10_000)
    context.csp_refusals = []

    def record(message) -> None:
        if "Content Security Policy" in message.text:
            context.csp_refusals.append(message.text)

    context.on("console", record)
    return context


def _close(context) -> None:
    refusals = context.csp_refusals
    context.close()
    assert not refusals, "the Content-Security-Policy refused something:\n" + "\n".join(refusals)


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page (390x844, touch) in a fresh browser context (no cookies), relative URLs on the live server."""
    context = _context(browser, live_server, PHONE)
    yield context.new_page()
    _close(context)


@pytest.fixture
def desktop_page(browser, live_server):
    """A desktop-sized page (1280x860) in a fresh browser context."""
    context = _context(browser, live_server, DESKTOP)
    yield context.new_page()
    _close(context)


@pytest.fixture
def screenshot(tmp_path):
    """screenshot(page, "fleet"): a PNG (the whole page, or the window with full_page=False) into the test's
    temporary folder, and into docs/screenshots/ when CONVOY_SCREENSHOTS=1. Returns the path written last."""

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        if os.environ.get("CONVOY_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, SCREENSHOTS / f"{name}.png")
            return SCREENSHOTS / f"{name}.png"
        return path

    return take
