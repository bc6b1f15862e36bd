"""The dashboard in real headless Chromium against a real server: an admin signs in
through the form, sees a queue's counts in several states, opens a failed job, retries it
through the in-page confirm dialog and sees it complete live, without a reload."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.api.conftest import Api, StartApi, make_token

from .conftest import ARTIFACTS

TIMEOUT_MS = 20_000


async def sign_in(page: Page, api: Api, token: str) -> None:
    await page.goto(f"{api.base_url}/admin/queues")
    await page.fill("input[name=token]", token)
    await page.click("button[type=submit]")


async def test_an_admin_retries_a_failed_job_and_sees_it_complete_live(
    start_api: StartApi, browser: Browser, tmp_path: Path
) -> None:
    api = await start_api(apps=["tests.dashboard.gate_app"])
    gate = tmp_path / "gate"
    await api.submit(type="demo", data={"steps": 2, "stepSeconds": 0.01})
    await api.submit(type="demo", data={"steps": 1}, delaySeconds=3600)
    failing = (await api.submit(type="gated", data={"gate": str(gate)})).json()["data"]["jobId"]
    await api.wait_for_status(failing, {"failed"})

    page = await browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    await sign_in(page, api, make_token("root", admin=True))
    card = page.get_by_test_id("queue-default")
    await expect(card.get_by_test_id("count-completed").locator(".chip-value")).to_have_text("1")
    await expect(card.get_by_test_id("count-delayed").locator(".chip-value")).to_have_text("1")
    await expect(card.get_by_test_id("count-failed").locator(".chip-value")).to_have_text("1")
    await expect(page.get_by_test_id("live")).to_have_attribute("data-state", "live")

    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    await page.emulate_media(color_scheme="dark")
    await page.screenshot(path=str(ARTIFACTS / "dashboard-dark.png"), full_page=True)

    await card.get_by_test_id("count-failed").click()
    row = page.locator(f"tr[data-job-id='{failing}']")
    await expect(row).to_have_attribute("data-status", "failed")
    await row.click()
    detail = page.get_by_test_id("detail")
    await expect(detail.get_by_test_id("failed-reason")).to_contain_text("gate")
    await expect(detail.get_by_test_id("stacktrace")).to_contain_text("GateClosed")
    await expect(detail.get_by_test_id("detail-owner")).to_have_text("alice")

    gate.touch()
    await detail.get_by_test_id("detail-retry").click()
    dialog = page.get_by_test_id("confirm")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("Retry job")
    await dialog.get_by_test_id("confirm-ok").click()
    await expect(page.get_by_test_id("toasts")).to_contain_text("queued again")
    await expect(detail).to_have_attribute("data-status", "completed")
    await expect(card.get_by_test_id("count-completed").locator(".chip-value")).to_have_text("2")
    await expect(card.get_by_test_id("count-failed").locator(".chip-value")).to_have_text("0")
    await page.screenshot(path=str(ARTIFACTS / "dashboard-detail.png"), full_page=True)
    assert (await api.job(failing))["status"] == "completed"


async def test_a_non_admin_token_is_refused_and_the_login_page_leaks_nothing(
    api: Api, browser: Browser
) -> None:
    await api.submit(type="demo", data={"steps": 1}, tags={"characterId": "secret-character"})
    page = await browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await page.goto(f"{api.base_url}/admin/queues")
    login_html = await page.content()
    for leak in ("default", "secret-character", "alice", "app.js"):
        assert leak not in login_html
    await sign_in(page, api, make_token("bob"))
    await expect(page.locator(".login-error")).to_contain_text("not an admin")
    assert await page.get_by_test_id("queues").count() == 0
    cookies = await page.context.cookies()
    assert not [c for c in cookies if c["name"] == "genqueue_admin"]


async def test_sign_out_returns_to_the_login(api: Api, browser: Browser) -> None:
    page = await browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await sign_in(page, api, make_token("root", admin=True))
    await expect(page.get_by_test_id("queue-default")).to_be_visible()
    cookie = next(c for c in await page.context.cookies() if c["name"] == "genqueue_admin")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    await page.get_by_test_id("logout").click()
    await expect(page.locator("input[name=token]")).to_be_visible()
    assert not [c for c in await page.context.cookies() if c["name"] == "genqueue_admin"]
