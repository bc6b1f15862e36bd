"""Every test owns its configuration: settings from the developer's shell never leak in."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["tests.redis_support", "tests.fakes.fixtures"]

FOREIGN_SETTINGS = (
    "GENQUEUE_",
    "REDIS_",
    "WORKER_CONCURRENCY",
    "QUEUE_CONCURRENCY",
    "OPENAI_",
    "CORS_ORIGINS",
    "WS_PING_",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(FOREIGN_SETTINGS):
            monkeypatch.delenv(name)
