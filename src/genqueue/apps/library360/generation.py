"""One shot of a set: generate, retry while under the quality threshold, save as Media.

Every finished shot becomes one record of the job's partial results (`ShotRecord`), as
soon as it exists: an accepted shot with its media, or a failed one with the reason and
what to try next. The final result and the progress estimates are read from them.
"""

from __future__ import annotations

import mimetypes
import time
import uuid
from dataclasses import dataclass
from typing import Any

from genqueue.apps.domain import Character, Media, save_media
from genqueue.apps.library360.shots import Shot
from genqueue.assets.base import AssetStore
from genqueue.engine.records import RecordStore
from genqueue.providers.base import CharacterSketch, GeneratedImage, ImageProvider, ImageSpec

MEDIA_NAMESPACE = uuid.UUID("0b7d6f55-3a41-4c0e-9a0e-5b2f7c1d3600")
GENERATED = "generated"
FAILED = "failed"


def shot_media_id(job_id: str, shot: Shot) -> str:
    """The same job and shot name the same Media, so a job that runs again rewrites it."""
    return str(uuid.uuid5(MEDIA_NAMESPACE, f"{job_id}:{shot.name}"))


def score(quality: float) -> int | float:
    """A quality score as seed 002 shows it: 92, or 92.5 when it has a fraction."""
    rounded = round(quality, 1)
    return int(rounded) if rounded == int(rounded) else rounded


@dataclass(frozen=True, slots=True)
class SetRun:
    """What every shot of one job shares."""

    job_id: str
    job_type: str
    character: Character
    reference: bytes | None
    style: str
    threshold: float
    max_retries: int
    images: ImageProvider
    assets: AssetStore
    records: RecordStore

    def spec(self, shot: Shot, attempt: int) -> ImageSpec:
        character = self.character
        prompt = (
            f"{character.name}: {character.description or 'a character'}. "
            f"{shot.describe()}, {self.style.replace('_', ' ')} style, "
            "the same character as in the reference image."
        )
        sketch = CharacterSketch(
            seed=character.id,
            name=character.name,
            description=character.description,
            personality=character.personality,
        )
        return ImageSpec(
            prompt=prompt,
            seed=character.id,
            character=sketch,
            angle=shot.angle.name,
            lens=shot.lens.name,
            style=self.style,
            reference=self.reference,
            attempt=attempt,
        )


async def make_shot(run: SetRun, shot: Shot, now: float) -> dict[str, Any]:
    """Up to 1 + maxRetries attempts; the first at or above the threshold is kept.

    Provider errors propagate: a retryable one retries the job (which resumes after the
    shots already made), a final one fails it at once.
    """
    started = time.monotonic()
    best: GeneratedImage | None = None
    attempts = 0
    for attempt in range(1, run.max_retries + 2):
        attempts = attempt
        image = await run.images.generate(run.spec(shot, attempt))
        if best is None or image.quality > best.quality:
            best = image
        if image.quality >= run.threshold:
            media = await _save(run, shot, image, attempts, now)
            return generated_record(shot, media, image, attempts, _ms_since(started))
    assert best is not None
    return failed_record(run, shot, best.quality, attempts, _ms_since(started))


async def _save(run: SetRun, shot: Shot, image: GeneratedImage, attempts: int, now: float) -> Media:
    character = run.character
    extension = mimetypes.guess_extension(image.content_type) or ".bin"
    asset = await run.assets.put(
        character.owner, f"{shot.name}{extension}", image.data, image.content_type
    )
    media = Media(
        id=shot_media_id(run.job_id, shot),
        owner=character.owner,
        character_id=character.id,
        type="image",
        url=asset.url,
        asset_key=asset.key,
        content_type=image.content_type,
        angle=shot.name,
        quality=image.quality,
        details={
            "view": shot.angle.name,
            "lens": shot.lens.name,
            "style": run.style,
            "width": image.width,
            "height": image.height,
            "attempts": attempts,
            "jobType": run.job_type,
        },
        job_id=run.job_id,
    )
    return await save_media(run.records, media, now)


def generated_record(
    shot: Shot, media: Media, image: GeneratedImage, attempts: int, duration_ms: int
) -> dict[str, Any]:
    return {
        "status": GENERATED,
        "url": media.url,
        "angle": shot.name,
        "quality": score(image.quality),
        "dinoAssetId": media.asset_key,
        "mediaId": media.id,
        "attempts": attempts,
        "durationMs": duration_ms,
    }


def failed_record(
    run: SetRun, shot: Shot, best_quality: float, attempts: int, duration_ms: int
) -> dict[str, Any]:
    best = score(best_quality)
    threshold = score(run.threshold)
    return {
        "status": FAILED,
        "angle": shot.name,
        "reason": (
            f"quality {best} stayed under the threshold {threshold} after {attempts} "
            f"attempt{'s' if attempts != 1 else ''}"
        ),
        "attempts": attempts,
        "bestQuality": best,
        "retryRecommendation": (
            f"Submit a single-image job for {shot.name} with a higher maxRetries "
            f"(this one had {run.max_retries}), or lower qualityThreshold to {int(best_quality)} "
            "or less to keep an image like the best one."
        ),
        "durationMs": duration_ms,
    }


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
