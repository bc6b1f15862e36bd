"""Video generation (seed 001), in the milestones its clients show:
10 character and media loaded, 20 motion prompt generated, 30 image handed to the video
provider, 40 video task submitted, 50–80 while polling, 85 downloaded, 95 media entry
created, 100 complete."""

from __future__ import annotations

import asyncio

from genqueue.apps.characters.imaging import sketch_of
from genqueue.apps.characters.poses import pose_named
from genqueue.apps.characters.requests import VideoData
from genqueue.apps.characters.run import Run
from genqueue.apps.domain import Media, load_character, load_media, save_media
from genqueue.providers.base import GeneratedVideo, RetryableProviderError, VideoSpec

GENERATED_VIDEO = "video"
POLLING_FROM = 50.0
POLLING_TO = 80.0


async def generate_video(run: Run, request: VideoData) -> Media:
    character = await load_character(run.records, request.characterId, run.owner)
    source = await load_media(run.records, request.mediaId, run.owner)
    await run.progress(10, "Character and media loaded")
    pose = pose_named(request.poseId) if request.poseId is not None else None
    motion = await run.providers.text.motion_prompt(
        sketch_of(character), pose.id if pose is not None else source.pose
    )
    await run.progress(20, "Motion prompt generated")
    still = await run.assets.read(source.asset_key)
    await run.progress(30, "Image uploaded to the video provider")
    spec = VideoSpec(
        image=still,
        prompt=motion,
        duration=request.duration,
        resolution=request.resolution,
        seed=f"{character.id}:{run.id}",
    )
    task_id = await run.providers.video.submit(spec)
    await run.progress(40, "Video task submitted")
    await _wait_until_ready(run, task_id)
    video = await run.providers.video.fetch(task_id)
    await run.progress(85, "Video downloaded")
    media = await _keep_video(run, source, video, request, motion)
    await run.progress(95, "Media entry created")
    await run.progress(100, "Complete")
    return media


async def _wait_until_ready(run: Run, task_id: str) -> None:
    """Poll the task, reporting 50–80% as the provider advances (never going back)."""
    provider = run.providers.video
    shown = POLLING_FROM
    await run.progress(shown, "Polling for video")
    while True:
        await asyncio.sleep(provider.poll_interval)
        poll = await provider.poll(task_id)
        if poll.state == "failed":
            # A new task may well succeed: the attempt is retried like any provider hiccup.
            raise RetryableProviderError(
                f"video task {task_id} failed: {poll.error or 'no reason'}"
            )
        if poll.state == "ready":
            await run.progress(POLLING_TO, "Video ready")
            return
        reached = POLLING_FROM + (POLLING_TO - POLLING_FROM) * min(max(poll.progress, 0.0), 1.0)
        if reached > shown:
            shown = reached
            await run.progress(round(shown, 1), "Polling for video")


async def _keep_video(
    run: Run, source: Media, video: GeneratedVideo, request: VideoData, motion: str
) -> Media:
    stem = f"{source.id}-{request.duration}s-{request.resolution}"
    asset = await run.store_file(stem, video.data, video.content_type)
    media = Media(
        id=run.record_id(GENERATED_VIDEO),
        owner=run.owner,
        character_id=source.character_id,
        type="video",
        url=asset.url,
        asset_key=asset.key,
        content_type=asset.content_type,
        pose=request.poseId or source.pose,
        details={
            "duration": video.duration,
            "resolution": request.resolution,
            "width": video.width,
            "height": video.height,
            "sourceMediaId": source.id,
            "motionPrompt": motion,
        },
        job_id=run.job_id,
    )
    return await save_media(run.records, media, run.now())
