"""Each seed flow through the demo app in real headless Chromium, against `genqueue serve`
as `make run` starts it: a character with its milestones, an image and a video of it, a
360° set whose shots fill in while it runs, a story written and read, a photo styled over
Socket.IO, a cancelled job and a failed one with its reason. Screenshots go to
test-artifacts/webapp-*.png."""

from __future__ import annotations

from pathlib import Path

import httpx
from PIL import Image
from playwright.async_api import Browser, Page, WebSocket, expect

from tests.api.conftest import bearer

from .browser import screenshot, signed_in
from .conftest import Served


def job_state(served: Served, job_id: str) -> dict[str, object]:
    response = httpx.get(f"{served.url}/api/v1/jobs/{job_id}", headers=bearer(served.user_token))
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()["data"]
    return data


async def create_character(page: Page, name: str) -> None:
    panel = page.get_by_test_id("character-panel")
    await panel.get_by_test_id("character-name-input").fill(name)
    await panel.get_by_test_id("character-create").click()
    await expect(panel.get_by_test_id("character-job")).to_have_attribute(
        "data-status", "completed"
    )
    await expect(panel.get_by_test_id("character-name")).to_have_text(name)


async def image_loaded(page: Page, test_id: str) -> None:
    image = page.get_by_test_id(test_id)
    await expect(image).to_be_visible()
    await page.wait_for_function(
        "id => { const i = document.querySelector(`[data-testid='${id}']`);"
        " return i && i.complete && i.naturalWidth > 0; }",
        arg=test_id,
    )


async def test_a_character_its_milestones_an_image_and_a_video(
    browser: Browser, served: Served
) -> None:
    page, log = await signed_in(browser, served)
    await create_character(page, "Mira")
    milestones = page.get_by_test_id("character-milestones").locator("li")
    await expect(milestones).to_have_count(6)
    reached = page.get_by_test_id("character-milestones").locator("li[data-reached='true']")
    await expect(reached).to_have_count(6)
    times = await milestones.locator(".at").all_inner_texts()
    assert len(set(times)) > 1, f"every milestone arrived at once: {times}"
    await image_loaded(page, "character-image")

    media = page.get_by_test_id("media-panel")
    await media.get_by_test_id("image-generate").click()
    await expect(media.get_by_test_id("image-job")).to_have_attribute("data-status", "completed")
    await image_loaded(page, "image-result")
    await media.get_by_test_id("video-generate").click()
    await expect(media.get_by_test_id("video-job")).to_have_attribute(
        "data-status", "completed", timeout=30_000
    )
    video = media.get_by_test_id("video-result")
    await expect(video).to_be_visible()
    await page.wait_for_function(
        "() => { const v = document.querySelector(\"[data-testid='video-result']\");"
        " return v && v.readyState >= 1 && v.duration > 0; }"
    )
    video_milestones = media.get_by_test_id("video-milestones").locator("li[data-reached='true']")
    await expect(video_milestones).to_have_count(8)
    jobs = page.get_by_test_id("jobs-panel")
    await expect(jobs.locator(".gq-job-list__item[data-status='completed']")).to_have_count(3)
    await screenshot(page, "character-media")
    assert log.errors == [], log.errors


async def test_a_360_set_fills_in_shot_by_shot(browser: Browser, served: Served) -> None:
    page, log = await signed_in(browser, served)
    await create_character(page, "Orrin")
    panel = page.get_by_test_id("set-panel")
    await panel.locator("#set-count").fill("9")
    await panel.get_by_test_id("set-start").click()
    await expect(panel.get_by_test_id("set-job")).to_have_attribute("data-status", "active")
    await page.wait_for_function(
        "() => { const g = document.querySelector(\"[data-testid='shots']\");"
        " const job = document.querySelector(\"[data-testid='set-job']\");"
        " const filled = Number(g && g.dataset.filled);"
        " return job.dataset.status === 'active' && filled >= 2 && filled < 9; }"
    )
    await screenshot(page, "set-filling")
    await expect(panel.get_by_test_id("set-job")).to_have_attribute(
        "data-status", "completed", timeout=30_000
    )
    grid = panel.get_by_test_id("shots")
    await expect(grid).to_have_attribute("data-filled", "9")
    await expect(panel.get_by_test_id("shot-empty")).to_have_count(0)
    generated = await panel.get_by_test_id("shot-generated").count()
    failed = await panel.get_by_test_id("shot-failed").count()
    assert generated + failed == 9
    assert generated >= 1
    await expect(panel.get_by_test_id("set-summary")).to_contain_text(f"{generated} generated")
    await screenshot(page, "set-done")
    assert log.errors == [], log.errors


async def test_a_running_360_set_is_cancelled_and_keeps_its_shots(
    browser: Browser, served: Served
) -> None:
    page, log = await signed_in(browser, served)
    await create_character(page, "Tamsin")
    panel = page.get_by_test_id("set-panel")
    await panel.get_by_test_id("set-start").click()
    job = panel.get_by_test_id("set-job")
    await expect(job).to_have_attribute("data-status", "active")
    await expect(panel.get_by_test_id("shot-generated").first).to_be_visible()
    await job.get_by_role("button", name="Cancel").click()
    await expect(job).to_have_attribute("data-status", "cancelled")
    filled = int(await panel.get_by_test_id("shots").get_attribute("data-filled") or "0")
    assert 1 <= filled < 27
    await expect(panel.get_by_test_id("shot-empty")).to_have_count(27 - filled)
    job_id = await job.get_attribute("data-job-id")
    assert job_id is not None
    assert job_state(served, job_id)["status"] == "cancelled"
    jobs = page.get_by_test_id("jobs-panel")
    await expect(jobs.locator(".gq-job-list__item[data-status='cancelled']")).to_contain_text("360")
    await screenshot(page, "set-cancelled")
    assert log.errors == [], log.errors


async def test_a_story_is_written_and_read(browser: Browser, served: Served) -> None:
    page, log = await signed_in(browser, served)
    await expect(page.get_by_test_id("credits")).to_have_text("100 credits")
    panel = page.get_by_test_id("story-panel")
    await panel.get_by_test_id("story-prompt").fill("A clockmaker who can pause time")
    await panel.locator("#story-hero").fill("Ilse")
    await panel.get_by_test_id("story-write").click()
    await expect(panel.get_by_test_id("story-job")).to_have_attribute("data-status", "completed")
    await expect(panel.get_by_test_id("story-title")).not_to_be_empty()
    story = panel.get_by_test_id("story")
    await expect(story).to_contain_text("Ilse")
    assert await story.locator("p").count() >= 3
    await expect(page.get_by_test_id("credits")).to_have_text("99 credits")
    await screenshot(page, "story")
    assert log.errors == [], log.errors


async def test_a_photo_is_styled_live_over_socket_io(
    browser: Browser, served: Served, tmp_path: Path
) -> None:
    photo = tmp_path / "photo.png"
    Image.new("RGB", (320, 240), (40, 140, 200)).save(photo)
    page, log = await signed_in(browser, served)
    sockets: list[str] = []
    page.on("websocket", lambda socket: _record(sockets, socket))
    panel = page.get_by_test_id("snap-panel")
    await panel.get_by_test_id("snap-photo").set_input_files(str(photo))
    await image_loaded(page, "snap-original")
    await panel.get_by_test_id("snap-style").select_option("pop_art")
    await panel.get_by_test_id("snap-generate").click()
    job = panel.get_by_test_id("snap-job")
    await expect(job).to_have_attribute("data-status", "completed")
    await image_loaded(page, "snap-result")
    assert any("/socket.io/" in url for url in sockets), sockets
    job_id = await job.get_attribute("data-job-id")
    assert job_id is not None
    state = job_state(served, job_id)
    assert state["type"] == "snap-image"
    assert state["status"] == "completed"
    await screenshot(page, "snap")
    assert log.errors == [], log.errors


async def test_a_damaged_photo_is_refused_with_the_reason(
    browser: Browser, served: Served, tmp_path: Path
) -> None:
    photo = tmp_path / "damaged.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 20)
    page, log = await signed_in(browser, served)
    panel = page.get_by_test_id("snap-panel")
    await panel.get_by_test_id("snap-photo").set_input_files(str(photo))
    await panel.get_by_test_id("snap-generate").click()
    await expect(panel.get_by_role("alert")).to_contain_text("photo")
    await expect(panel.get_by_test_id("snap-job")).to_have_count(0)
    await screenshot(page, "snap-refused")
    assert log.errors == [], log.errors


def _record(sockets: list[str], socket: WebSocket) -> None:
    sockets.append(socket.url)


async def test_a_running_job_is_cancelled(browser: Browser, served: Served) -> None:
    page, log = await signed_in(browser, served)
    panel = page.get_by_test_id("demo-panel")
    await panel.get_by_test_id("demo-steps").fill("200")
    await panel.get_by_test_id("demo-step-seconds").fill("0.1")
    await panel.get_by_test_id("demo-submit").click()
    job = panel.get_by_test_id("demo-job")
    await expect(job).to_have_attribute("data-status", "active")
    await expect(job.get_by_role("progressbar")).not_to_have_attribute("aria-valuenow", "0")
    await job.get_by_role("button", name="Cancel").click()
    await expect(job).to_have_attribute("data-status", "cancelled")
    await expect(job.locator(".gq-job-card__status")).to_have_text("Cancelled")
    await expect(job.get_by_role("button", name="Cancel")).to_have_count(0)
    await expect(job.get_by_role("button", name="Retry")).to_be_visible()
    job_id = await job.get_attribute("data-job-id")
    assert job_id is not None
    state = job_state(served, job_id)
    assert state["status"] == "cancelled"
    await screenshot(page, "cancelled")
    assert log.errors == [], log.errors


async def test_a_failing_job_shows_its_retries_and_its_reason(
    browser: Browser, served: Served
) -> None:
    page, log = await signed_in(browser, served)
    panel = page.get_by_test_id("demo-panel")
    await panel.get_by_test_id("demo-steps").fill("2")
    await panel.get_by_test_id("demo-step-seconds").fill("0.05")
    await panel.get_by_test_id("demo-fail-attempts").fill("3")
    await panel.get_by_test_id("demo-submit").click()
    job = panel.get_by_test_id("demo-job")
    retrying = job.locator(".gq-job-card__retrying")
    await expect(retrying).to_contain_text("demo failure on attempt 1")
    await expect(job).to_have_attribute("data-status", "failed", timeout=30_000)
    reason = job.locator(".gq-job-card__reason")
    await expect(reason).to_have_text("demo failure on attempt 3 (failAttempts=3)")
    await expect(reason).to_have_attribute("role", "alert")
    await expect(job).to_contain_text("attempt 3 of 3")
    listed = page.get_by_test_id("jobs-panel").locator(".gq-job-list__item[data-status='failed']")
    await expect(listed).to_contain_text("demo failure on attempt 3")
    await screenshot(page, "failed")
    await page.emulate_media(color_scheme="dark")
    await screenshot(page, "failed-dark")
    assert log.errors == [], log.errors
