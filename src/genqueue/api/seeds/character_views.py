"""Seed 001's shapes: character jobs, media jobs, characters and media, in its own words.

Status words (PRODUCT.md, seed 001 column): pending (also for delayed), active,
completed, failed, cancelled; `waiting` is accepted as a filter for pending. Progress is
the whole percentage. The models document the views for the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from genqueue.api.views import iso
from genqueue.apps.domain import Character, Media
from genqueue.engine.errors import InvalidJobRequest
from genqueue.engine.job import Job, JobState

SEED_001_WORDS = {
    JobState.PENDING: "pending",
    JobState.DELAYED: "pending",
    JobState.ACTIVE: "active",
    JobState.COMPLETED: "completed",
    JobState.FAILED: "failed",
    JobState.CANCELLED: "cancelled",
}
WAITING = (JobState.PENDING, JobState.DELAYED)
SEED_001_FILTERS: dict[str, tuple[JobState, ...]] = {
    "pending": WAITING,
    "waiting": WAITING,
    "active": (JobState.ACTIVE,),
    "completed": (JobState.COMPLETED,),
    "failed": (JobState.FAILED,),
    "cancelled": (JobState.CANCELLED,),
}
STATUS_FILTER_HELP = (
    "pending (or waiting), active, completed, failed or cancelled; several comma-separated."
)


def states_for(status: str | None) -> list[JobState]:
    """The engine states a seed 001 `status` filter names (none: every state)."""
    states: list[JobState] = []
    for word in filter(None, (part.strip() for part in (status or "").split(","))):
        named = SEED_001_FILTERS.get(word)
        if named is None:
            raise InvalidJobRequest(f"unknown status {word!r}: {STATUS_FILTER_HELP}")
        states.extend(s for s in named if s not in states)
    return states


# -- jobs ----------------------------------------------------------------------------


class CharacterJobResult(BaseModel):
    characterId: str | None
    error: str | None


class CharacterJobView(BaseModel):
    jobId: str
    status: str = Field(description="pending, active, completed, failed or cancelled")
    progress: int = Field(description="0–100")
    result: CharacterJobResult | None = Field(description="Set once the job has ended.")
    failedReason: str | None
    attemptsMade: int
    createdAt: str | None
    startedAt: str | None
    completedAt: str | None


class MediaJobResult(BaseModel):
    mediaId: str | None
    url: str | None = Field(description="Where the file is served: /assets/...")
    error: str | None


class CharacterRef(BaseModel):
    name: str
    displayId: str


class MediaJobView(BaseModel):
    jobId: str
    type: str = Field(description="image or video")
    status: str = Field(description="pending, active, completed, failed or cancelled")
    progress: int = Field(description="0–100")
    result: MediaJobResult | None = Field(description="Set once the job has ended.")
    character: CharacterRef | None
    failedReason: str | None
    attemptsMade: int
    createdAt: str | None
    startedAt: str | None
    completedAt: str | None


def _common(job: Job, now: float) -> dict[str, Any]:
    return {
        "jobId": job.id,
        "status": SEED_001_WORDS[job.effective_state(now)],
        "progress": round(job.progress.percentage),
        "failedReason": job.failed_reason,
        "attemptsMade": job.attempts_made,
        "createdAt": iso(job.created_at),
        "startedAt": iso(job.started_at),
        "completedAt": iso(job.completed_at),
    }


def _result(job: Job, fields: tuple[str, ...]) -> dict[str, Any] | None:
    """The handler's result once completed; the failure reason in the same shape once failed."""
    if job.state is JobState.COMPLETED and isinstance(job.result, dict):
        return {name: job.result.get(name) for name in (*fields, "error")}
    if job.state is JobState.FAILED:
        return {**dict.fromkeys(fields), "error": job.failed_reason}
    return None


def character_job_view(job: Job, now: float) -> dict[str, Any]:
    view = _common(job, now)
    view["result"] = _result(job, ("characterId",))
    return view


def media_job_view(job: Job, now: float, character: Character | None) -> dict[str, Any]:
    view = _common(job, now)
    view["type"] = job.type
    view["result"] = _result(job, ("mediaId", "url"))
    view["character"] = (
        {"name": character.name, "displayId": character.display_id} if character else None
    )
    return view


# -- characters, media and poses ------------------------------------------------------


class CharacterView(BaseModel):
    id: str
    displayId: str
    name: str
    description: str
    personality: str | None
    masterReferenceId: str | None = Field(description="The master reference image's media id.")
    masterReferenceUrl: str | None
    attributes: dict[str, Any]
    jobId: str | None = Field(description="The job that created it (none when made in a request).")
    createdAt: str | None
    updatedAt: str | None


class MediaView(BaseModel):
    id: str
    characterId: str
    type: str = Field(description="image or video")
    url: str
    contentType: str
    pose: str | None
    quality: float | None
    details: dict[str, Any] = Field(description="width, height, duration, resolution...")
    jobId: str | None
    createdAt: str | None


class CharacterDetail(CharacterView):
    media: list[MediaView] = Field(description="Its images and videos, newest first.")
    mediaTotal: int


class PoseView(BaseModel):
    id: str
    name: str
    category: str
    prompt: str


def character_view(character: Character) -> dict[str, Any]:
    return {
        "id": character.id,
        "displayId": character.display_id,
        "name": character.name,
        "description": character.description,
        "personality": character.personality,
        "masterReferenceId": character.master_reference_id,
        "masterReferenceUrl": character.master_reference_url,
        "attributes": character.attributes,
        "jobId": character.job_id,
        "createdAt": iso(character.created_at),
        "updatedAt": iso(character.updated_at),
    }


def media_view(media: Media) -> dict[str, Any]:
    return {
        "id": media.id,
        "characterId": media.character_id,
        "type": media.type,
        "url": media.url,
        "contentType": media.content_type,
        "pose": media.pose,
        "quality": media.quality,
        "details": media.details,
        "jobId": media.job_id,
        "createdAt": iso(media.created_at),
    }


def character_detail(character: Character, media: list[Media], total: int) -> dict[str, Any]:
    return {
        **character_view(character),
        "media": [media_view(m) for m in media],
        "mediaTotal": total,
    }


# -- answers --------------------------------------------------------------------------


class Queued(BaseModel):
    jobId: str
    status: str = Field(description="Always pending for a new job.")
    statusUrl: str


class SeedPagination(BaseModel):
    total: int
    limit: int
    skip: int
    hasMore: bool


class CharacterJobList(BaseModel):
    success: bool
    statusCode: int
    message: str
    data: list[CharacterJobView]
    pagination: SeedPagination


class MediaJobList(BaseModel):
    success: bool
    statusCode: int
    message: str
    data: list[MediaJobView]
    pagination: SeedPagination


class CharacterList(BaseModel):
    success: bool
    statusCode: int
    message: str
    data: list[CharacterView]
    pagination: SeedPagination


def pagination(total: int, limit: int, skip: int, shown: int) -> dict[str, Any]:
    return {"total": total, "limit": limit, "skip": skip, "hasMore": skip + shown < total}
