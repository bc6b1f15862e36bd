"""The asynchronous video client against the video fake: submit, poll, download."""

from __future__ import annotations

import asyncio
import base64
import io

import av
import pytest

from genqueue.providers.base import (
    FinalProviderError,
    RetryableProviderError,
    VideoPoll,
    VideoProvider,
    VideoSpec,
)
from genqueue.providers.openai import RemoteProviders
from tests.fakes.media import png
from tests.fakes.video_server import VideoServer
from tests.providers.conftest import MakeProviders

STILL = png(96, 96, "still")
SPEC = VideoSpec(STILL, "Mira waves", 5, "720p", "seed-7")


async def until_done(video: VideoProvider, task_id: str) -> list[VideoPoll]:
    polls: list[VideoPoll] = []
    async with asyncio.timeout(10):
        while not polls or polls[-1].state not in ("ready", "failed"):
            await asyncio.sleep(video.poll_interval)
            polls.append(await video.poll(task_id))
    return polls


async def test_a_video_is_submitted_polled_and_downloaded(
    providers: RemoteProviders, video_server: VideoServer
) -> None:
    task_id = await providers.video.submit(SPEC)
    polls = await until_done(providers.video, task_id)
    assert [p.state for p in polls] == ["running", "running", "ready"]
    assert [p.progress for p in polls] == [0.33, 0.66, 1.0]
    video = await providers.video.fetch(task_id)
    assert (video.content_type, video.width, video.height) == ("video/webm", 160, 90)
    assert video.duration == 5.0
    with av.open(io.BytesIO(video.data)) as container:
        frames = sum(1 for _ in container.decode(video=0))
        assert container.duration / 1_000_000 == pytest.approx(5.0)
    assert frames == 5 * video_server.fps
    submitted = video_server.recorded("/v1/videos")[0]
    assert submitted.headers["authorization"] == "Bearer test-key"
    body = submitted.json()
    assert base64.b64decode(body["image"]) == STILL
    assert (body["duration"], body["resolution"], body["seed"]) == (5, "720p", "seed-7")
    assert "Mira waves" in body["prompt"]


async def test_a_failed_task_polls_as_failed_with_its_reason(
    providers: RemoteProviders, video_server: VideoServer
) -> None:
    video_server.fail_tasks = "the model could not animate this image"
    task_id = await providers.video.submit(SPEC)
    polls = await until_done(providers.video, task_id)
    assert polls[-1] == VideoPoll("failed", 0.66, "the model could not animate this image")
    with pytest.raises(RetryableProviderError, match="not ready"):
        await providers.video.fetch(task_id)


async def test_video_errors_are_classified(
    providers: RemoteProviders, video_server: VideoServer
) -> None:
    video_server.fail_next(1, 503, path="/v1/videos")
    with pytest.raises(RetryableProviderError, match="video service answered 503"):
        await providers.video.submit(SPEC)
    with pytest.raises(FinalProviderError, match="400: 'duration'"):
        await providers.video.submit(VideoSpec(STILL, "p", 6, "720p", "s"))
    with pytest.raises(FinalProviderError, match="404"):
        await providers.video.poll("no-such-task")
    task_id = await providers.video.submit(SPEC)
    video_server.fail_next(1, 200, body=b'{"status": "exploded"}')
    with pytest.raises(FinalProviderError, match="unknown task status"):
        await providers.video.poll(task_id)
    video_server.fail_next(1, 200, body=b"<html>")
    with pytest.raises(RetryableProviderError, match="not JSON"):
        await providers.video.poll(task_id)


async def test_the_video_key_is_its_own(
    make_providers: MakeProviders, video_server: VideoServer
) -> None:
    providers = await make_providers(video_api_key="other")
    with pytest.raises(FinalProviderError, match="401"):
        await providers.video.submit(SPEC)
    assert video_server.recorded()[0].headers["authorization"] == "Bearer other"


async def test_without_a_video_url_video_fails_final_and_says_why(
    make_providers: MakeProviders,
) -> None:
    providers = await make_providers(video_base_url=None)
    assert len(providers.clients) == 1
    with pytest.raises(FinalProviderError, match="GENQUEUE_VIDEO_URL"):
        await providers.video.submit(SPEC)
