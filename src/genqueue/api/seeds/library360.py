"""Seed 002's character-library routes: `POST /api/v1/characters/{id}/generate-360-set`
(202 at once, then poll `/api/v1/jobs/{jobId}/status`) and the old synchronous
`POST /api/v1/characters/{id}/generate-core-set`, which waits for its job's end.

Bodies and answers are seed 002's own shapes (no envelope); errors use the common error
envelope. A character that is not the caller's is 404; one without a master reference
image is 422, before anything is queued or charged.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from genqueue.api.deps import caller
from genqueue.api.envelope import json_response
from genqueue.api.errors import error_responses
from genqueue.api.models import JobStatus
from genqueue.api.state import ApiState
from genqueue.api.views import iso, status_view
from genqueue.apps.library360.requests import (
    CHARACTER_ID_LENGTH,
    TYPE_360_SET,
    TYPE_CORE_SET,
    CoreSetOptions,
    SetOptions,
)
from genqueue.engine.job import Job, JobState

router = APIRouter(prefix="/api/v1/characters", tags=["character library (seed 002)"])

CharacterId = Annotated[
    str,
    Path(min_length=1, max_length=CHARACTER_ID_LENGTH, description="The character's id."),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="The same key and body return the first job, charged once.",
    ),
]
DEFAULT_SYNC_WAIT_SECONDS = 1800
MAX_SYNC_WAIT_SECONDS = 3600
RECHECK_SECONDS = 2.0
"""The sync route re-reads its job at least this often, events or not."""
SYNC_STATUS = {JobState.COMPLETED: 200, JobState.FAILED: 502, JobState.CANCELLED: 409}


class Accepted(BaseModel):
    success: bool
    jobId: str
    status: str = Field(description="`accepted`.")
    message: str
    estimatedCompletionTime: str | None = Field(
        description="When the set should be done (ISO 8601 UTC), from measured durations."
    )
    pollUrl: str


@router.post(
    "/{characterId}/generate-360-set",
    status_code=202,
    response_model=Accepted,
    responses=error_responses(400, 402, 404, 413, 422),
    summary="Start a 360° image set (seed 002)",
)
async def generate_360_set(
    characterId: CharacterId,
    request: Request,
    body: SetOptions | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Queues a `360-set` job of `imageCount` shots (default 27) and answers at once."""
    state, user = caller(request)
    options = body or SetOptions()
    job = await _submit(state, user.user_id, TYPE_360_SET, characterId, options, idempotency_key)
    count = len(job.data["shots"])
    message = (
        f"360° image generation job started. Generating {count} image{'s' if count != 1 else ''}."
    )
    return json_response(await _accepted(state, job, message), 202)


@router.post(
    "/{characterId}/generate-core-set",
    response_model=JobStatus,
    responses={
        202: {"model": Accepted, "description": "Still running after waitSeconds: poll."},
        409: {"model": JobStatus, "description": "The job was cancelled while it ran."},
        502: {"model": JobStatus, "description": "The job failed (`error` says why)."},
        **error_responses(400, 402, 404, 413, 422),
    },
    summary="Make the core shots and wait for them (seed 002's old synchronous route)",
)
async def generate_core_set(
    characterId: CharacterId,
    request: Request,
    body: CoreSetOptions | None = None,
    waitSeconds: Annotated[
        int,
        Query(ge=1, le=MAX_SYNC_WAIT_SECONDS, description="How long to wait before a 202."),
    ] = DEFAULT_SYNC_WAIT_SECONDS,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Queues a `core-set` job and answers when it ends, with the status body of
    `GET /api/v1/jobs/{jobId}/status`: 200 completed, 502 failed, 409 cancelled. A job
    still running after `waitSeconds` answers 202 with its `pollUrl`; it goes on."""
    state, user = caller(request)
    options = body or CoreSetOptions()
    job = await _submit(state, user.user_id, TYPE_CORE_SET, characterId, options, idempotency_key)
    job = await _wait_for_end(state, job.id, waitSeconds)
    now = state.engine.clock()
    if not job.state.is_final:
        message = "Core set generation is still running. Poll pollUrl for its results."
        return json_response(await _accepted(state, job, message), 202)
    body_out = status_view(job, now)
    body_out["success"] = job.state is JobState.COMPLETED
    return json_response(body_out, SYNC_STATUS[job.state])


async def _submit(
    state: ApiState,
    owner: str,
    job_type: str,
    character_id: str,
    options: BaseModel,
    idempotency_key: str | None,
) -> Job:
    data: dict[str, Any] = {"characterId": character_id, **options.model_dump(exclude_none=True)}
    submitted = await state.engine.submit(owner, job_type, data, idempotency_key=idempotency_key)
    return submitted.job


async def _accepted(state: ApiState, job: Job, message: str) -> dict[str, Any]:
    completion_at = await state.completion_estimator.completion_at(job, state.engine.clock())
    return {
        "success": True,
        "jobId": job.id,
        "status": "accepted",
        "message": message,
        "estimatedCompletionTime": iso(completion_at),
        "pollUrl": f"/api/v1/jobs/{job.id}/status",
    }


async def _wait_for_end(state: ApiState, job_id: str, seconds: float) -> Job:
    """The job once it has ended, or as it is after `seconds`: woken by its events, and
    re-read every RECHECK_SECONDS in case the event feed lags."""
    deadline = time.monotonic() + seconds
    subscription = await state.events.subscribe(job_id=job_id)
    try:
        while True:
            job = await state.engine.get(job_id)
            left = deadline - time.monotonic()
            if job.state.is_final or left <= 0:
                return job
            await subscription.next(min(RECHECK_SECONDS, left))
    finally:
        subscription.close()
