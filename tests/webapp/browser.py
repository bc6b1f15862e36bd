"""Helpers of the browser tests: open the app signed in, save screenshots, and collect what
the page logs so a test fails on a CSP violation or an uncaught error."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.async_api import Browser, ConsoleMessage, Error, Page

from .conftest import ARTIFACTS, Served

TIMEOUT_MS = 20_000
VIEWPORT = {"width": 1440, "height": 1000}


@dataclass
class PageLog:
    errors: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        # An answer of 4xx is logged too; the tests expect some (a refused token).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def page_error(self, error: Error) -> None:
        self.errors.append(f"uncaught: {error}")


async def open_app(browser: Browser, served: Served) -> tuple[Page, PageLog]:
    """A fresh page on the app, before any sign-in."""
    page = await browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT_MS)
    log = PageLog()
    page.on("console", log.console)
    page.on("pageerror", log.page_error)
    await page.goto(f"{served.url}/")
    return page, log


async def signed_in(browser: Browser, served: Served) -> tuple[Page, PageLog]:
    """The app, signed in with the user token `serve` printed, pasted as a person would."""
    page, log = await open_app(browser, served)
    await page.get_by_test_id("token-input").fill(served.user_token)
    await page.get_by_test_id("token-submit").click()
    await page.get_by_test_id("panels").wait_for()
    return page, log


async def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(
        path=str(ARTIFACTS / f"webapp-{name}.png"), full_page=True, animations="disabled"
    )
