"""What the SDK returns: frozen views of the generic API's answers (`/api/v1/jobs/...`).

Each `from_api` reads the camelCase JSON the server writes (api/views.py); times become
aware UTC datetimes. Unknown extra fields are ignored so a newer server stays readable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from genqueue.engine.job import JobState, Progress

FINAL_EVENT_KINDS = frozenset({"completed", "failed", "cancelled"})


def parse_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


JobProgress = Progress
"""A job's progress: `percentage` 0–100, `current` of `total`, `current_task` (the engine's
own type, read from the API's `{percentage, current, total, currentTask}`)."""


@dataclass(frozen=True, slots=True)
class Job:
    """One job as `GET /api/v1/jobs/{jobId}` shows it."""

    id: str
    queue: str
    type: str
    owner: str
    status: JobState
    progress: JobProgress
    data: Any
    tags: Mapping[str, str]
    priority: int
    result: Any
    partial_results: tuple[Any, ...]
    failed_reason: str | None
    attempts_made: int
    max_attempts: int
    stalled_count: int
    cost: int
    cancel_requested: bool
    position: int | None
    estimated_wait_seconds: float | None
    run_at: datetime | None
    created_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None

    @property
    def is_final(self) -> bool:
        return self.status.is_final

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Job:
        return cls(
            id=raw["jobId"],
            queue=raw["queue"],
            type=raw["type"],
            owner=raw["owner"],
            status=JobState(raw["status"]),
            progress=JobProgress.from_dict(raw.get("progress")),
            data=raw.get("data"),
            tags=dict(raw.get("tags") or {}),
            priority=int(raw["priority"]),
            result=raw.get("result"),
            partial_results=tuple(raw.get("partialResults") or ()),
            failed_reason=raw.get("failedReason"),
            attempts_made=int(raw.get("attemptsMade") or 0),
            max_attempts=int(raw.get("maxAttempts") or 0),
            stalled_count=int(raw.get("stalledCount") or 0),
            cost=int(raw.get("cost") or 0),
            cancel_requested=bool(raw.get("cancelRequested")),
            position=raw.get("position"),
            estimated_wait_seconds=raw.get("estimatedWaitSeconds"),
            run_at=parse_time(raw.get("runAt")),
            created_at=parse_time(raw.get("createdAt")),
            started_at=parse_time(raw.get("startedAt")),
            completed_at=parse_time(raw.get("completedAt")),
        )


@dataclass(frozen=True, slots=True)
class Submission:
    """The answer to `submit`: `created` is False when an idempotency key matched a job."""

    job_id: str
    status: str
    status_url: str
    created: bool


@dataclass(frozen=True, slots=True)
class JobPage:
    jobs: tuple[Job, ...]
    total: int
    limit: int
    skip: int
    has_more: bool

    @classmethod
    def from_api(cls, body: Mapping[str, Any]) -> JobPage:
        pagination = body["pagination"]
        return cls(
            jobs=tuple(Job.from_api(item) for item in body["data"]),
            total=int(pagination["total"]),
            limit=int(pagination["limit"]),
            skip=int(pagination["skip"]),
            has_more=bool(pagination["hasMore"]),
        )


@dataclass(frozen=True, slots=True)
class Credits:
    user_id: str
    balance: int


@dataclass(frozen=True, slots=True)
class QueueInfo:
    """One queue as `GET /api/v1/queues` (admin) shows it."""

    name: str
    paused: bool
    counts: Mapping[str, int]
    max_starts: int | None
    per_seconds: float | None
    concurrency: int | None
    timeout_seconds: float | None

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> QueueInfo:
        rate = raw.get("rateLimit") or {}
        return cls(
            name=raw["name"],
            paused=bool(raw["paused"]),
            counts=dict(raw.get("counts") or {}),
            max_starts=rate.get("maxStarts"),
            per_seconds=rate.get("perSeconds"),
            concurrency=raw.get("concurrency"),
            timeout_seconds=raw.get("timeoutSeconds"),
        )


@dataclass(frozen=True, slots=True)
class JobEvent:
    """One event of a job: from its SSE stream (`id` is the feed id), or made from a poll
    (`id` None, `kind` "snapshot" or the final status word).

    `progress` is set on `progress` and `snapshot` events (and on final ones that carry
    the whole job); `job` is set when the event carries the whole job.
    """

    kind: str
    job_id: str
    id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    progress: JobProgress | None = None
    job: Job | None = None

    @property
    def is_final(self) -> bool:
        return self.kind in FINAL_EVENT_KINDS

    @classmethod
    def from_sse(cls, event_id: str | None, kind: str, data: Mapping[str, Any]) -> JobEvent:
        job = Job.from_api(data) if "status" in data and "queue" in data else None
        progress = job.progress if job is not None else None
        if kind == "progress":
            progress = JobProgress.from_dict(dict(data))
        return cls(kind, str(data.get("jobId", "")), event_id, data, progress, job)

    @classmethod
    def from_poll(cls, job: Job) -> JobEvent:
        kind = job.status.value if job.is_final else "snapshot"
        return cls(kind, job.id, None, {}, job.progress, job)
