"""Pytest fixtures for the fakes: each test gets a fresh server of its own, stopped after.
Listed in tests/conftest.py's `pytest_plugins`, so every test directory can ask for them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import OpenAIServer
from tests.fakes.video_server import VideoServer


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    fake = OpenAIServer()
    with fake.serve():
        yield fake


@pytest.fixture
def video_server() -> Iterator[VideoServer]:
    fake = VideoServer()
    with fake.serve():
        yield fake


def remote_settings(openai: OpenAIServer, video: VideoServer) -> dict[str, object]:
    """Settings overrides (field names) that point GENQUEUE_PROVIDER=openai at the fakes."""
    return {
        "provider": "openai",
        "openai_base_url": f"{openai.base_url}/v1",
        "openai_api_key": openai.api_key,
        "video_base_url": f"{video.base_url}/v1",
        "video_api_key": video.api_key,
    }


def remote_environment(openai: OpenAIServer, video: VideoServer) -> dict[str, str]:
    """The same as environment variables, for a `genqueue serve` subprocess."""
    return {
        "GENQUEUE_PROVIDER": "openai",
        "OPENAI_BASE_URL": f"{openai.base_url}/v1",
        "OPENAI_API_KEY": openai.api_key or "",
        "GENQUEUE_VIDEO_URL": f"{video.base_url}/v1",
        "GENQUEUE_VIDEO_API_KEY": video.api_key or "",
    }
