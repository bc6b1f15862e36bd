"""The character platform (seeds 000 and 001): job types `character`, `image` and `video`.

Each job type checks its data (`validate`) and the submitter's records (`admit`) before it
is queued; its handler runs the pipeline of the same name with the seed's milestones.
"""

from __future__ import annotations

from typing import Any

from genqueue.apps.characters.admission import admit_image, admit_video
from genqueue.apps.characters.creation import create_character, discard_character
from genqueue.apps.characters.images import generate_image
from genqueue.apps.characters.requests import (
    CharacterData,
    ImageData,
    VideoData,
    validate_character,
    validate_image,
    validate_video,
)
from genqueue.apps.characters.run import Run
from genqueue.apps.characters.videos import generate_video
from genqueue.apps.domain import Media
from genqueue.engine.catalog import CHARACTER_QUEUE, IMAGE_QUEUE, VIDEO_QUEUE
from genqueue.engine.errors import DoNotRetry, LeaseLost
from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry

registry = Registry()


def media_result(media: Media) -> dict[str, Any]:
    return {"mediaId": media.id, "url": media.url, "error": None}


@registry.job("character", queue=CHARACTER_QUEUE, validate=validate_character)
async def character_job(ctx: JobContext, data: dict[str, Any]) -> dict[str, Any]:
    run = Run.of_job(ctx)
    try:
        character = await create_character(run, CharacterData.model_validate(data))
    except Exception as exc:
        if _failed_for_good(ctx, exc):
            await discard_character(run)
        raise
    return {"characterId": character.id, "error": None}


def _failed_for_good(ctx: JobContext, exc: Exception) -> bool:
    """Only a last attempt cleans up: an earlier one's records are rewritten by the next.
    After an interruption (a cancel, a lost lease) another worker may hold the job, so
    its records are left alone."""
    if ctx.cancelled or isinstance(exc, LeaseLost):
        return False
    return isinstance(exc, DoNotRetry) or ctx.attempt >= ctx.job.max_attempts


@registry.job("image", queue=IMAGE_QUEUE, validate=validate_image, admit=admit_image)
async def image_job(ctx: JobContext, data: dict[str, Any]) -> dict[str, Any]:
    return media_result(await generate_image(Run.of_job(ctx), ImageData.model_validate(data)))


@registry.job("video", queue=VIDEO_QUEUE, validate=validate_video, admit=admit_video)
async def video_job(ctx: JobContext, data: dict[str, Any]) -> dict[str, Any]:
    return media_result(await generate_video(Run.of_job(ctx), VideoData.model_validate(data)))
