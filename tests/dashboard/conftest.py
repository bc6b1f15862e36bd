"""Browser tests: Debian's chromium driven by Playwright against a real server on loopback
(the API tests' start_api fixture). Without /usr/bin/chromium they are skipped loudly, and
fail under CI=true."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.api.conftest import api, start_api, store_url

__all__ = ["api", "browser", "start_api", "store_url"]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is required under CI=true: /usr/bin/chromium is missing")
    pytest.skip("BROWSER TESTS SKIPPED: /usr/bin/chromium is missing (apt install chromium)")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    _require_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        try:
            yield launched
        finally:
            await launched.close()
