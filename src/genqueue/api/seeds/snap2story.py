"""Seed 004, Snap2Story: `POST /api/jobs/generate-image`, `GET /api/jobs/{jobId}/status`,
`GET /api/jobs/stats`, `GET /api/jobs/health` (and `DELETE /api/jobs/{jobId}` to cancel).

Bodies are the seed's own; errors are the common error envelope. Status words: queued
(also while delayed for a retry), processing, completed, failed, cancelled. Progress
events for `websocketSubscription` are served by the Socket.IO side.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.responses import Response

from genqueue.api.auth import Principal
from genqueue.api.deps import caller, visible_job
from genqueue.api.envelope import json_response
from genqueue.api.errors import error_responses
from genqueue.api.state import ApiState
from genqueue.api.views import iso
from genqueue.apps.snap2story import SNAP_JOB
from genqueue.apps.snap2story.photo import MAX_BASE64_CHARS, MAX_PHOTO_BYTES
from genqueue.apps.snap2story.request import SnapRequest
from genqueue.engine.catalog import SNAP_QUEUE
from genqueue.engine.errors import StoreUnavailable
from genqueue.engine.job import Job, JobState
from genqueue.engine.store import WorkerInfo

router = APIRouter(tags=["seed 004: snap2story"])

JobId = Annotated[str, Path(min_length=1, max_length=100, description="The job's id.")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="The same key and body return the first job, charged once.",
    ),
]
HEALTH_TIMEOUT_SECONDS = 3.0
WORDS = {
    JobState.PENDING: "queued",
    JobState.DELAYED: "queued",
    JobState.ACTIVE: "processing",
    JobState.COMPLETED: "completed",
    JobState.FAILED: "failed",
    JobState.CANCELLED: "cancelled",
}
MESSAGES = {
    JobState.PENDING: "Job is queued, waiting for a worker",
    JobState.DELAYED: "Job is queued for another attempt",
    JobState.ACTIVE: "Generating image with AI...",
    JobState.COMPLETED: "Image generated successfully",
    JobState.FAILED: "Image generation failed",
    JobState.CANCELLED: "Job was cancelled",
}


class GenerateImage(SnapRequest):
    """The seed's request; a photo over 10 MB is 413, a bad one 422."""

    originalImageBase64: str | None = Field(
        default=None,
        description=(
            "The photo: a JPEG, PNG or WebP of at most 10 MB and 40 megapixels, as a data URL "
            "(`data:image/jpeg;base64,...`) or bare base64."
        ),
        examples=["data:image/png;base64,iVBORw0KGgo..."],
    )


class ImageQueued(BaseModel):
    jobId: str
    status: str = Field(description="Always `queued`.")
    message: str
    statusUrl: str
    websocketSubscription: str = Field(description="`job:<jobId>`, the Socket.IO room.")


class ImageResult(BaseModel):
    imageUrl: str = Field(description="`/assets/<key>`: works without a token.")
    assetKey: str
    contentType: str
    width: int
    height: int
    heroName: str
    themeId: str
    styleKey: str
    kind: str


class ImageJobStatus(BaseModel):
    """Which fields are present depends on `status`."""

    jobId: str
    status: str = Field(description="queued, processing, completed, failed or cancelled")
    progress: float = Field(description="0–100")
    message: str
    position: int | None = Field(
        default=None, description="The place in line while queued: 1 is the next to start."
    )
    attemptsMade: int
    createdAt: str | None = None
    startedAt: str | None = None
    completedAt: str | None = None
    result: ImageResult | None = Field(default=None, description="Once completed.")
    error: str | None = Field(default=None, description="Once failed.")


class QueueStats(BaseModel):
    waiting: int
    active: int
    completed: int
    failed: int
    delayed: int = Field(description="Waiting out a retry backoff.")
    cancelled: int
    paused: bool


class StoreHealth(BaseModel):
    reachable: bool
    error: str | None = None


class WorkerHealth(BaseModel):
    live: int = Field(description="Workers whose heartbeat is younger than one lease.")
    serving: int = Field(description="Live workers that run the snap2story queue.")
    slots: int = Field(description="Jobs those workers run at once.")
    running: int


class ServiceHealth(BaseModel):
    status: str = Field(
        description="healthy; degraded when no live worker serves the queue (jobs wait); "
        "unhealthy (503) when the store does not answer."
    )
    queue: str
    store: StoreHealth
    workers: WorkerHealth
    timestamp: str | None


@router.post(
    "/api/jobs/generate-image",
    status_code=202,
    response_model=ImageQueued,
    responses=error_responses(400, 402, 404, 413, 422),
    summary="Queue an image generation (seed 004)",
)
async def generate_image(
    body: GenerateImage, request: Request, idempotency_key: IdempotencyKey = None
) -> Response:
    """The photo is decoded, checked and stored before anything is queued or charged.
    An `originalImageKey` that is not one of the caller's uploads is 404."""
    state, user = caller(request)
    if body.originalImageBase64 is not None and len(body.originalImageBase64) > MAX_BASE64_CHARS:
        limit = MAX_PHOTO_BYTES // (1024 * 1024)
        raise HTTPException(413, f"the photo is too large: at most {limit} MB")
    data = body.model_dump(exclude_none=True)
    submitted = await state.engine.submit(
        user.user_id, SNAP_JOB, data, idempotency_key=idempotency_key
    )
    job_id = submitted.job.id
    message = "Job queued successfully" if submitted.created else "Job already queued"
    return json_response(
        {
            "jobId": job_id,
            "status": "queued",
            "message": message,
            "statusUrl": f"/api/jobs/{job_id}/status",
            "websocketSubscription": f"job:{job_id}",
        },
        202,
    )


async def _image_job(state: ApiState, user: Principal, job_id: str) -> Job:
    """The caller's snap-image job; any other job (another user's, another type) is 404."""
    return await visible_job(state.engine, user, job_id, (SNAP_JOB,))


async def _status_body(state: ApiState, job: Job) -> dict[str, Any]:
    now = state.engine.clock()
    engine_state = job.effective_state(now)
    body: dict[str, Any] = {
        "jobId": job.id,
        "status": WORDS[engine_state],
        "progress": job.progress.percentage,
        "message": MESSAGES[engine_state],
        "attemptsMade": job.attempts_made,
        "createdAt": iso(job.created_at),
        "startedAt": iso(job.started_at),
        "completedAt": iso(job.completed_at),
    }
    if engine_state.is_waiting:
        ahead, _ = await state.wait_estimator.estimate(job, now)
        body["position"] = (ahead or 0) + 1
    elif engine_state is JobState.ACTIVE and job.progress.current_task:
        body["message"] = job.progress.current_task
    elif engine_state is JobState.COMPLETED:
        body["result"] = job.result
    elif engine_state is JobState.FAILED:
        body["error"] = job.failed_reason or MESSAGES[JobState.FAILED]
    return {k: v for k, v in body.items() if v is not None}


@router.get(
    "/api/jobs/{jobId}/status",
    response_model=ImageJobStatus,
    responses=error_responses(404),
    summary="An image job's status and progress (seed 004)",
)
async def image_job_status(jobId: JobId, request: Request) -> Response:
    """Another user's job is 404."""
    state, user = caller(request)
    job = await _image_job(state, user, jobId)
    return json_response(await _status_body(state, job))


@router.delete(
    "/api/jobs/{jobId}",
    response_model=ImageJobStatus,
    responses=error_responses(404, 409),
    summary="Cancel an image job",
)
async def cancel_image_job(jobId: JobId, request: Request) -> Response:
    """A waiting job ends at once; a running one is interrupted (refunded either way).
    A finished job is 409."""
    state, user = caller(request)
    await _image_job(state, user, jobId)
    job = await state.engine.cancel(jobId)
    body = await _status_body(state, job)
    if job.state is JobState.ACTIVE:
        body["message"] = "Cancellation requested"
    return json_response(body)


@router.get(
    "/api/jobs/stats",
    response_model=QueueStats,
    responses=error_responses(503),
    summary="The snap2story queue's counts (seed 004)",
)
async def queue_stats(request: Request) -> Response:
    """Counts over every user's jobs of the queue (finished ones for the retention time)."""
    state, _ = caller(request)
    engine = state.engine
    states = await engine.store.queue_states(engine.clock(), [SNAP_QUEUE])
    counts = states[0].counts if states else {}
    return json_response(
        {
            "waiting": counts.get(JobState.PENDING, 0),
            "active": counts.get(JobState.ACTIVE, 0),
            "completed": counts.get(JobState.COMPLETED, 0),
            "failed": counts.get(JobState.FAILED, 0),
            "delayed": counts.get(JobState.DELAYED, 0),
            "cancelled": counts.get(JobState.CANCELLED, 0),
            "paused": bool(states and states[0].paused),
        }
    )


@router.get(
    "/api/jobs/health",
    response_model=ServiceHealth,
    responses={503: {"model": ServiceHealth, "description": "The store does not answer"}},
    summary="Store reachability and live workers (seed 004)",
)
async def service_health(request: Request) -> Response:
    state, _ = caller(request)
    engine = state.engine
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            await engine.store.ping()
            workers = await engine.live_workers()
    except (StoreUnavailable, TimeoutError) as exc:
        error = str(exc) or f"no answer within {HEALTH_TIMEOUT_SECONDS:g} s"
        body = _health({"reachable": False, "error": error}, [], iso(engine.clock()))
        return json_response(body, 503)
    return json_response(_health({"reachable": True}, workers, iso(engine.clock())))


def _health(store: dict[str, Any], workers: list[WorkerInfo], at: str | None) -> dict[str, Any]:
    serving = [w for w in workers if SNAP_QUEUE in w.queues]
    status = "healthy" if serving else "degraded"
    return {
        "status": status if store["reachable"] else "unhealthy",
        "queue": SNAP_QUEUE,
        "store": store,
        "workers": {
            "live": len(workers),
            "serving": len(serving),
            "slots": sum(w.concurrency for w in serving),
            "running": sum(w.running for w in serving),
        },
        "timestamp": at,
    }
