"""Signing in to the demo app in real Chromium against `genqueue serve` with its dev secret:
the pasted user token is checked and kept across a reload; a bad one is refused with the
reason; the dev sign-in button works; signing out forgets the token."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.api.conftest import make_token

from .browser import open_app, screenshot, signed_in
from .conftest import Served


async def test_a_pasted_token_signs_in_and_survives_a_reload(
    browser: Browser, served: Served
) -> None:
    page, log = await open_app(browser, served)
    await expect(page.get_by_test_id("dev-login")).to_be_visible()
    await screenshot(page, "signin")
    await page.get_by_test_id("token-input").fill("not-a-token")
    await page.get_by_test_id("token-submit").click()
    await expect(page.get_by_test_id("signin-error")).to_contain_text("not accepted")
    await page.get_by_test_id("token-input").fill(served.user_token)
    await page.get_by_test_id("token-submit").click()
    await expect(page.get_by_test_id("user")).to_have_text("dev-user")
    await page.reload()
    await expect(page.get_by_test_id("user")).to_have_text("dev-user")
    await page.get_by_test_id("sign-out").click()
    await expect(page.get_by_test_id("signin")).to_be_visible()
    stored = await page.evaluate("() => window.localStorage.length")
    assert stored == 0
    assert log.errors == [], log.errors


async def test_the_dev_sign_in_button(browser: Browser, served: Served) -> None:
    page, log = await open_app(browser, served)
    await page.get_by_test_id("dev-login").click()
    await expect(page.get_by_test_id("user")).to_have_text("dev-user")
    assert log.errors == [], log.errors


async def test_signed_in_layout(browser: Browser, served: Served) -> None:
    page, log = await signed_in(browser, served)
    await expect(page.get_by_test_id("user")).to_have_text("dev-user")
    await screenshot(page, "home")
    await page.set_viewport_size({"width": 390, "height": 844})
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    await screenshot(page, "home-phone")
    assert log.errors == [], log.errors


async def test_a_saved_token_of_an_earlier_run_signs_out_with_the_reason(
    browser: Browser, served: Served
) -> None:
    stale = make_token("dev-user", key="the-secret-of-an-earlier-make-run-0123456789")
    page = await browser.new_page()
    page.set_default_timeout(20_000)
    await page.add_init_script(f"window.localStorage.setItem('genqueue.demo.token', '{stale}')")
    await page.goto(f"{served.url}/")
    await expect(page.get_by_test_id("signin-error")).to_contain_text("no longer accepted")
    await expect(page.get_by_test_id("panels")).to_have_count(0)
    await page.get_by_test_id("dev-login").click()
    await expect(page.get_by_test_id("user")).to_have_text("dev-user")
