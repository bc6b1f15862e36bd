"""Request and response models of the generic API, for validation and the OpenAPI schema.

Responses are written straight from `views.py`; these models document them (and the
schemathesis run checks that the two agree).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from genqueue.engine.engine import MAX_DELAY_SECONDS
from genqueue.engine.job import MAX_PRIORITY, MIN_PRIORITY

MAX_CREDIT_CHANGE = 1_000_000_000


def _utf8(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return text


class SubmitJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1, max_length=100, description="A registered job type.")
    data: Any = Field(default=None, description="The job's input, checked by its type.")
    priority: int | None = Field(
        default=None, ge=MIN_PRIORITY, le=MAX_PRIORITY, description="1 runs first."
    )
    delaySeconds: float | None = Field(
        default=None, ge=0, le=MAX_DELAY_SECONDS, allow_inf_nan=False
    )
    tags: dict[str, str] | None = Field(
        default=None, description="Names to values for filtering, e.g. characterId."
    )

    @field_validator("type")
    @classmethod
    def _type_text(cls, value: str) -> str:
        return _utf8(value)

    @field_validator("tags")
    @classmethod
    def _tag_text(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for name, text in (value or {}).items():
            _utf8(name)
            _utf8(text)
        return value


class Submitted(BaseModel):
    jobId: str
    status: str = Field(description="Always `pending` for a new job.")
    statusUrl: str


class ProgressView(BaseModel):
    percentage: float
    current: int | None
    total: int | None
    currentTask: str | None


class JobView(BaseModel):
    jobId: str
    queue: str
    type: str
    owner: str
    status: str = Field(description="pending, delayed, active, completed, failed or cancelled")
    progress: ProgressView
    data: Any
    tags: dict[str, str]
    priority: int
    result: Any
    partialResults: list[Any]
    failedReason: str | None
    attemptsMade: int
    maxAttempts: int
    stalledCount: int
    cost: int
    cancelRequested: bool
    position: int | None = Field(description="Jobs ahead of this one while it waits.")
    estimatedWaitSeconds: float | None
    runAt: str | None
    createdAt: str | None
    startedAt: str | None
    completedAt: str | None


class Pagination(BaseModel):
    total: int
    limit: int
    skip: int
    page: int
    hasMore: bool


class JobList(BaseModel):
    success: bool
    statusCode: int
    message: str
    data: list[JobView]
    pagination: Pagination


class JobStatus(BaseModel):
    """Seed 002's status body: status is pending, processing, completed, failed or cancelled."""

    success: bool
    jobId: str
    status: str
    jobType: str
    progress: ProgressView
    message: str
    results: Any
    partialResults: list[Any]
    error: str | None
    createdAt: str | None
    startedAt: str | None
    estimatedCompletionAt: str | None
    completedAt: str | None


class Credits(BaseModel):
    userId: str
    balance: int


class CreditChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int = Field(
        ge=-MAX_CREDIT_CHANGE,
        le=MAX_CREDIT_CHANGE,
        description="Credits to add; negative takes credits (a balance never goes below 0).",
    )
    note: str | None = Field(default=None, max_length=500)

    @field_validator("note")
    @classmethod
    def _note_text(cls, value: str | None) -> str | None:
        return None if value is None else _utf8(value)


class RateLimitView(BaseModel):
    maxStarts: int
    perSeconds: float


class QueueView(BaseModel):
    name: str
    paused: bool
    counts: dict[str, int]
    rateLimit: RateLimitView | None
    concurrency: int | None
    timeoutSeconds: float | None


class QueuePaused(BaseModel):
    name: str
    paused: bool


class Health(BaseModel):
    status: str


# -- the admin API ----------------------------------------------------------------------


class AdminJobPage(BaseModel):
    jobs: list[JobView]
    total: int = Field(description="Jobs matching every filter, over all pages.")
    limit: int
    skip: int


class AdminJobDetail(JobView):
    attempts: int = Field(description="Attempts that have ended (as attemptsMade).")
    stacktrace: list[str] = Field(
        description="The traceback of the last failed attempt (one entry), or empty."
    )


class JobDeleted(BaseModel):
    id: str
    deleted: bool


class QueueRetried(BaseModel):
    queue: str
    retried: int


class CleanQueue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["completed", "failed", "cancelled"]
    olderThanSeconds: float = Field(
        ge=0, le=MAX_DELAY_SECONDS * 10, allow_inf_nan=False, description="Finished before."
    )


class QueueCleaned(BaseModel):
    queue: str
    removed: int


class QueueEmptied(BaseModel):
    queue: str
    cancelled: int


class WorkerView(BaseModel):
    id: str
    host: str
    pid: int
    queues: list[str]
    concurrency: int
    running: int
    startedAt: str | None
    lastSeenAt: str | None
    alive: bool = Field(description="Its heartbeat is younger than one lease.")


class StatsRateLimit(BaseModel):
    max: int
    perSeconds: float


class QueueHealth(BaseModel):
    name: str
    counts: dict[str, int]
    paused: bool
    rateLimit: StatsRateLimit | None
    concurrency: int | None
    oldestWaitingAgeSeconds: float | None
    workers: list[str] = Field(description="Live workers serving the queue.")
    unserved: bool = Field(description="Jobs are waiting and no live worker serves the queue.")


class ThroughputPoint(BaseModel):
    minute: int = Field(description="The minute's start, Unix seconds.")
    queue: str
    completed: int
    failed: int


class DurationPercentiles(BaseModel):
    queue: str
    type: str
    count: int
    p50: float
    p90: float
    p99: float


class DepthPoint(BaseModel):
    minute: int
    queue: str
    waiting: int
    active: int
    delayed: int


class AdminStats(BaseModel):
    queues: list[QueueHealth]
    throughput: list[ThroughputPoint]
    durations: list[DurationPercentiles]
    depth: list[DepthPoint]
