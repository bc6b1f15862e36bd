"""The job model: states, progress and the job record every layer reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

JSON = Any

MIN_PRIORITY = 1
MAX_PRIORITY = 2_097_152
DEFAULT_PRIORITY = 100


class JobState(StrEnum):
    PENDING = "pending"
    DELAYED = "delayed"
    ACTIVE = "active"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES

    @property
    def is_waiting(self) -> bool:
        return self in (JobState.PENDING, JobState.DELAYED)


FINAL_STATES = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED})


@dataclass(frozen=True, slots=True)
class Progress:
    percentage: float = 0.0
    current: int | None = None
    total: int | None = None
    current_task: str | None = None

    def to_dict(self) -> dict[str, JSON]:
        return {
            "percentage": self.percentage,
            "current": self.current,
            "total": self.total,
            "currentTask": self.current_task,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, JSON] | None) -> Progress:
        if not raw:
            return cls()
        return cls(
            percentage=float(raw.get("percentage", 0.0)),
            current=raw.get("current"),
            total=raw.get("total"),
            current_task=raw.get("currentTask"),
        )


@dataclass(frozen=True, slots=True)
class Job:
    """One job as the store holds it. Times are Unix seconds (UTC)."""

    id: str
    queue: str
    type: str
    owner: str
    state: JobState
    data: JSON
    tags: dict[str, str] = field(default_factory=dict)
    priority: int = DEFAULT_PRIORITY
    progress: Progress = field(default_factory=Progress)
    partial_results: list[JSON] = field(default_factory=list)
    result: JSON = None
    failed_reason: str | None = None
    stacktrace: str | None = None
    attempts_made: int = 0
    max_attempts: int = 3
    stalled_count: int = 0
    cost: int = 0
    charged: int = 0
    run_at: float = 0.0
    created_at: float = 0.0
    started_at: float | None = None
    completed_at: float | None = None
    cancel_requested: bool = False
    idempotency_key: str | None = None
    worker_id: str | None = None

    def effective_state(self, now: float) -> JobState:
        """A delayed job whose time has come is pending, even before a worker promotes it."""
        if self.state is JobState.DELAYED and self.run_at <= now:
            return JobState.PENDING
        return self.state

    @property
    def duration(self) -> float | None:
        if self.started_at is None or self.completed_at is None:
            return None
        return self.completed_at - self.started_at


@dataclass(frozen=True, slots=True)
class Lease:
    """What a worker holds while it runs a job: the fencing token for every write."""

    job_id: str
    token: str
    expires_at: float


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    job: Job
    lease: Lease

    @property
    def attempt(self) -> int:
        """The attempt now running, counted from 1."""
        return self.job.attempts_made + 1
