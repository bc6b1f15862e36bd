"""Remote providers built by `from_settings` against the fakes, closed after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from genqueue.config import Settings
from genqueue.providers.openai import RemoteProviders, from_settings
from tests.fakes.fixtures import remote_settings
from tests.fakes.openai_server import OpenAIServer
from tests.fakes.video_server import VideoServer

MakeProviders = Callable[..., Awaitable[RemoteProviders]]


@pytest.fixture
async def make_providers(
    openai_server: OpenAIServer, video_server: VideoServer
) -> AsyncIterator[MakeProviders]:
    """Providers from settings that point at the fakes, with overrides (field names)."""
    built: list[RemoteProviders] = []

    async def make(**overrides: Any) -> RemoteProviders:
        values = {**remote_settings(openai_server, video_server), "video_poll_seconds": 0.01}
        values.update(overrides)
        providers = from_settings(Settings(**values))
        built.append(providers)
        return providers

    yield make
    for providers in built:
        await providers.aclose()


@pytest.fixture
async def providers(make_providers: MakeProviders) -> RemoteProviders:
    return await make_providers()
