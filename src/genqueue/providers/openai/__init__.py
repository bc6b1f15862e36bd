"""The OpenAI-compatible providers (`GENQUEUE_PROVIDER=openai`): images and text from an
OpenAI-style API (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_IMAGE_MODEL`,
`OPENAI_TEXT_MODEL`), video from an asynchronous task API (`GENQUEUE_VIDEO_URL`,
`GENQUEUE_VIDEO_API_KEY`), every call bounded by `GENQUEUE_PROVIDER_TIMEOUT`."""

from __future__ import annotations

from dataclasses import dataclass

from genqueue.config import Settings
from genqueue.providers.base import (
    FinalProviderError,
    GeneratedVideo,
    Providers,
    VideoPoll,
    VideoSpec,
)
from genqueue.providers.openai.http import ApiClient, RateLimited, RetryableAfter
from genqueue.providers.openai.images import OpenAIImages
from genqueue.providers.openai.text import OpenAIText
from genqueue.providers.openai.video import RemoteVideo

__all__ = ["RateLimited", "RemoteProviders", "RetryableAfter", "from_settings"]


@dataclass(frozen=True, slots=True)
class RemoteProviders(Providers):
    """Providers that hold HTTP clients: `aclose()` (bootstrap calls it) releases them."""

    clients: tuple[ApiClient, ...] = ()

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


class UnconfiguredVideo:
    """Stands in when GENQUEUE_VIDEO_URL is not set: images and text still work, and a
    video job fails at once (final) saying what is missing."""

    poll_interval = 1.0
    MESSAGE = "video generation needs GENQUEUE_VIDEO_URL (and GENQUEUE_VIDEO_API_KEY)"

    async def submit(self, spec: VideoSpec) -> str:
        raise FinalProviderError(self.MESSAGE)

    async def poll(self, task_id: str) -> VideoPoll:
        raise FinalProviderError(self.MESSAGE)

    async def fetch(self, task_id: str) -> GeneratedVideo:
        raise FinalProviderError(self.MESSAGE)


def from_settings(settings: Settings) -> RemoteProviders:
    timeout = settings.provider_timeout_seconds
    openai = ApiClient("OpenAI", settings.openai_base_url, settings.openai_api_key, timeout)
    clients = [openai]
    video: RemoteVideo | UnconfiguredVideo = UnconfiguredVideo()
    if settings.video_base_url:
        video_client = ApiClient(
            "video service", settings.video_base_url, settings.video_api_key, timeout
        )
        clients.append(video_client)
        video = RemoteVideo(video_client, settings.video_poll_seconds)
    return RemoteProviders(
        images=OpenAIImages(openai, settings.openai_image_model),
        text=OpenAIText(openai, settings.openai_text_model),
        video=video,
        clients=tuple(clients),
    )
