"""Pytest fixtures for the fakes. One server of each kind runs for the whole session;
each test gets it with every knob, record and task reset. Listed in tests/conftest.py's
`pytest_plugins`, so every test directory can ask for them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.openai_server import OpenAIServer
from tests.fakes.video_server import VideoServer


@pytest.fixture(scope="session")
def _openai_session() -> Iterator[OpenAIServer]:
    with OpenAIServer().serve() as fake:
        yield fake


@pytest.fixture(scope="session")
def _video_session() -> Iterator[VideoServer]:
    with VideoServer().serve() as fake:
        yield fake


@pytest.fixture
def openai_server(_openai_session: OpenAIServer) -> Iterator[OpenAIServer]:
    _openai_session.reset()
    yield _openai_session
    _openai_session.reset()


@pytest.fixture
def video_server(_video_session: VideoServer) -> Iterator[VideoServer]:
    _video_session.reset()
    yield _video_session
    _video_session.reset()


def remote_settings(openai: OpenAIServer, video: VideoServer) -> dict[str, Any]:
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
