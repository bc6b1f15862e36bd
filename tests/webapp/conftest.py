"""The demo web app's tests: its routes in process, and the app in real headless Chromium
against a real `genqueue serve` process on loopback (SQLite, fast local generators)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.api.conftest import api, serve_process, start_api
from tests.dashboard.conftest import ARTIFACTS, browser

__all__ = ["ARTIFACTS", "Served", "api", "browser", "served", "start_api", "store_url"]

STEP_SECONDS = "0.05"
EXPECT_TIMEOUT_MS = 15_000
"""Playwright's default is 5 s; a job on a loaded 2-core machine can take longer."""
USER_TOKEN_LINE = re.compile(r"^user token \(sub dev-user\):\s+(\S+)$", re.MULTILINE)


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """SQLite only: what the app shows does not depend on the store."""
    return f"sqlite:///{tmp_path / 'webapp.db'}"


@dataclass
class Served:
    url: str
    user_token: str
    """The user token `serve` printed for its dev secret."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`genqueue serve` as `make run` starts it (no GENQUEUE_JWT_SECRET: a dev secret and
    printed tokens), on a fresh SQLite file, with steps slow enough to watch progress."""
    env = {
        "GENQUEUE_STORE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "GENQUEUE_ASSETS_DIR": str(tmp_path / "assets"),
        "GENQUEUE_LOCAL_STEP_SECONDS": STEP_SECONDS,
        "GENQUEUE_WORKERS": "6",
    }
    with serve_process(tmp_path, env) as process:
        match = USER_TOKEN_LINE.search(process.log_path.read_text())
        assert match is not None, "serve printed no user token"
        yield Served(process.url, match.group(1))
