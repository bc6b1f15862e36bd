"""Seed 003, the story generator: `POST /api/generate`, `GET /api/job/{jobId}`,
`GET /api/story/{storyId}` (and `DELETE /api/job/{jobId}` to cancel), in the seed's shapes.

Bodies are the seed's own (no envelope); errors are the common error envelope. Status
words: pending (also while delayed for a retry), processing, completed, failed, cancelled.
The credit is charged in the same atomic step as the enqueue: 402 when the balance is short.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from genqueue.api.auth import Principal
from genqueue.api.deps import caller, visible_job
from genqueue.api.envelope import json_response
from genqueue.api.errors import error_responses
from genqueue.api.state import ApiState
from genqueue.api.views import iso
from genqueue.apps.domain import Story, load_story
from genqueue.apps.stories import STORY_JOB
from genqueue.apps.stories.request import StoryRequest
from genqueue.engine.job import Job, JobState

router = APIRouter(tags=["seed 003: stories"])

JobId = Annotated[str, Path(min_length=1, max_length=100, description="The job's id.")]
StoryId = Annotated[str, Path(min_length=1, max_length=100, description="The story's id.")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="The same key and body return the first job, charged once.",
    ),
]
WORDS = {
    JobState.PENDING: "pending",
    JobState.DELAYED: "pending",
    JobState.ACTIVE: "processing",
    JobState.COMPLETED: "completed",
    JobState.FAILED: "failed",
    JobState.CANCELLED: "cancelled",
}


class EstimatedWaitTime(BaseModel):
    position: int = Field(description="The job's place in line: 1 is the next to start.")
    queueLength: int = Field(description="Jobs waiting in the story queue.")
    activeJobs: int = Field(description="Stories being written now.")
    estimatedMinutes: int = Field(
        description="Minutes until it should start: ⌈jobs ahead / concurrency⌉ × the median "
        "of recent generation times, rounded up."
    )


class StoryQueued(BaseModel):
    jobId: str
    status: str = Field(description="Always `queued`.")
    message: str
    estimatedWaitTime: EstimatedWaitTime


class WaitTime(BaseModel):
    position: int = Field(description="The job's place in line: 1 is the next to start.")
    estimatedMinutes: int


class StoryResult(BaseModel):
    generationTime: float = Field(description="Seconds the generation took.")
    quality: str = Field(description="excellent, good or fair: how near the asked length.")
    words: int


class StoryJobStatus(BaseModel):
    """Which fields are present depends on `status`, as in the seed's examples."""

    jobId: str
    status: str = Field(description="pending, processing, completed, failed or cancelled")
    message: str | None = None
    waitTime: WaitTime | None = Field(default=None, description="While pending.")
    progress: float | None = Field(default=None, description="0–100, while processing.")
    storyId: str | None = Field(default=None, description="Once completed.")
    result: StoryResult | None = Field(default=None, description="Once completed.")
    error: str | None = Field(default=None, description="Once failed.")
    createdAt: str | None = None
    startedAt: str | None = None
    completedAt: str | None = None


class StoryView(BaseModel):
    id: str
    title: str
    text: str = Field(description="Paragraphs separated by blank lines.")
    wordCount: int
    prompt: str
    heroName: str | None
    genre: str | None
    audience: str | None
    language: str | None
    requestedWords: int | None
    jobId: str | None
    createdAt: str | None


def _minutes(seconds: float) -> int:
    return math.ceil(seconds / 60)


@router.post(
    "/api/generate",
    status_code=202,
    response_model=StoryQueued,
    responses=error_responses(400, 402, 413, 422),
    summary="Queue a story (seed 003)",
)
async def generate(
    body: StoryRequest, request: Request, idempotency_key: IdempotencyKey = None
) -> Response:
    """Charges the story's credit (GENQUEUE_COSTS, default 1) before queueing it; unknown
    fields are ignored."""
    state, user = caller(request)
    submitted = await state.engine.submit(
        user.user_id, STORY_JOB, body.as_job_data(), idempotency_key=idempotency_key
    )
    estimate = await state.engine.estimate_wait(submitted.job)
    message = (
        "Story generation queued successfully"
        if submitted.created
        else "Story generation was already queued"
    )
    body_out = {
        "jobId": submitted.job.id,
        "status": "queued",
        "message": message,
        "estimatedWaitTime": {
            "position": estimate.position + 1,
            "queueLength": estimate.queue_length,
            "activeJobs": estimate.active_jobs,
            "estimatedMinutes": _minutes(estimate.estimated_seconds),
        },
    }
    return json_response(body_out, 202)


async def _story_job(state: ApiState, user: Principal, job_id: str) -> Job:
    """The caller's story job; any other job (another user's, another type) is 404."""
    return await visible_job(state.engine, user, job_id, (STORY_JOB,))


async def _status_body(state: ApiState, job: Job) -> dict[str, Any]:
    now = state.engine.clock()
    engine_state = job.effective_state(now)
    body: dict[str, Any] = {"jobId": job.id, "status": WORDS[engine_state]}
    if engine_state.is_waiting:
        ahead, wait = await state.wait_estimator.estimate(job, now)
        body["waitTime"] = {"position": (ahead or 0) + 1, "estimatedMinutes": _minutes(wait or 0)}
    elif engine_state is JobState.ACTIVE:
        body["progress"] = job.progress.percentage
        body["message"] = job.progress.current_task
    elif engine_state is JobState.COMPLETED and isinstance(job.result, dict):
        body["storyId"] = job.result.get("storyId")
        body["result"] = {k: job.result.get(k) for k in ("generationTime", "quality", "words")}
    elif engine_state is JobState.FAILED:
        body["error"] = job.failed_reason or "Story generation failed"
    body.update(
        createdAt=iso(job.created_at),
        startedAt=iso(job.started_at),
        completedAt=iso(job.completed_at),
    )
    return {k: v for k, v in body.items() if v is not None}


@router.get(
    "/api/job/{jobId}",
    response_model=StoryJobStatus,
    responses=error_responses(404),
    summary="A story job's status (seed 003)",
)
async def story_job_status(jobId: JobId, request: Request) -> Response:
    """Poll this (the seed's front end does every 5 s) until `status` is completed, then
    read the story by its `storyId`. Another user's job is 404."""
    state, user = caller(request)
    job = await _story_job(state, user, jobId)
    return json_response(await _status_body(state, job))


@router.delete(
    "/api/job/{jobId}",
    response_model=StoryJobStatus,
    responses=error_responses(404, 409),
    summary="Cancel a story job",
)
async def cancel_story_job(jobId: JobId, request: Request) -> Response:
    """A waiting job ends at once; a running one is interrupted. Either way its credit is
    refunded. A finished job is 409."""
    state, user = caller(request)
    await _story_job(state, user, jobId)
    job = await state.engine.cancel(jobId)
    body = await _status_body(state, job)
    if job.state is JobState.ACTIVE:
        body["message"] = "Cancellation requested"
    return json_response(body)


def story_view(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "text": story.text,
        "wordCount": story.word_count,
        "prompt": story.prompt,
        "heroName": story.hero_name,
        "genre": story.options.get("genre"),
        "audience": story.options.get("audience"),
        "language": story.options.get("language"),
        "requestedWords": story.options.get("words"),
        "jobId": story.job_id,
        "createdAt": iso(story.created_at),
    }


@router.get(
    "/api/story/{storyId}",
    response_model=StoryView,
    responses=error_responses(404),
    summary="A finished story (seed 003)",
)
async def get_story(storyId: StoryId, request: Request) -> Response:
    """Another user's story is 404 (admins read every story)."""
    state, user = caller(request)
    owner = None if user.admin else user.user_id
    story = await load_story(state.engine.store, storyId, owner)
    return json_response(story_view(story))
