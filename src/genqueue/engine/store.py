"""The `Store` protocol: one storage step per transition, each atomic.

The engine owns every rule (what a retry costs, when a job is stalled for good, how long
a backoff lasts) and hands each store a decision to apply. A store makes that decision
atomic and fenced: every write that a worker makes carries its lease token and is
refused when the lease has expired or moved on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from genqueue.engine.events import Event
from genqueue.engine.job import ClaimedJob, Job, JobState, Lease, Progress
from genqueue.engine.policy import ClaimLimits, Retention
from genqueue.engine.records import RecordStore


@dataclass(frozen=True, slots=True)
class NewJob:
    id: str
    queue: str
    type: str
    owner: str
    data: Any
    tags: dict[str, str]
    priority: int
    max_attempts: int
    cost: int
    created_at: float
    run_at: float
    idempotency_key: str | None = None
    request_hash: str | None = None

    @property
    def state(self) -> JobState:
        return JobState.DELAYED if self.run_at > self.created_at else JobState.PENDING

    def as_job(self) -> Job:
        """The job as a store holds it right after the enqueue (its cost already charged)."""
        return Job(
            id=self.id,
            queue=self.queue,
            type=self.type,
            owner=self.owner,
            state=self.state,
            data=self.data,
            tags=dict(self.tags),
            priority=self.priority,
            max_attempts=self.max_attempts,
            cost=self.cost,
            charged=self.cost,
            run_at=self.run_at,
            created_at=self.created_at,
            idempotency_key=self.idempotency_key,
        )


@dataclass(frozen=True, slots=True)
class Enqueued:
    job: Job
    created: bool
    """False when an idempotency key matched an earlier job, which is returned instead."""


@dataclass(frozen=True, slots=True)
class ProgressUpdate:
    lease: Lease
    progress: Progress


@dataclass(frozen=True, slots=True)
class Completion:
    lease: Lease
    result: Any


@dataclass(frozen=True, slots=True)
class Failure:
    """The engine's decision on a failed attempt: retry at `retry_at`, or fail for good."""

    lease: Lease
    reason: str
    stacktrace: str | None
    retry_at: float | None


@dataclass(frozen=True, slots=True)
class ListQuery:
    owner: str | None = None
    queue: str | None = None
    types: Sequence[str] = ()
    states: Sequence[JobState] = ()
    tags: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    """A search word: the job's id (whole, or a prefix of at least `MIN_ID_PREFIX`
    characters), its owner, its type or one of its tag values, exactly."""
    limit: int = 20
    skip: int = 0
    now: float | None = None
    """The time against which a delayed job counts as due (pending); the engine sets it."""


MIN_ID_PREFIX = 4


@dataclass(frozen=True, slots=True)
class Page:
    jobs: list[Job]
    total: int


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    id: str
    host: str
    pid: int
    queues: list[str]
    concurrency: int
    running: int
    started_at: float
    heartbeat_at: float


class LedgerKind(StrEnum):
    GRANT = "grant"
    CHARGE = "charge"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    id: int
    owner: str
    kind: LedgerKind
    amount: int
    balance: int
    job_id: str | None
    at: float
    note: str | None = None


@dataclass(frozen=True, slots=True)
class MinuteStats:
    """Jobs finished in one minute (`minute` is its start, Unix seconds) of one queue and type."""

    queue: str
    type: str
    minute: int
    completed: int
    failed: int
    duration_sum: float
    duration_max: float


@dataclass(frozen=True, slots=True)
class DepthSample:
    """How many jobs of a queue waited, ran and were delayed at the start of one minute."""

    queue: str
    minute: int
    waiting: int
    active: int
    delayed: int


@dataclass(frozen=True, slots=True)
class QueueState:
    name: str
    paused: bool
    counts: dict[JobState, int]
    oldest_waiting_at: float | None
    next_run_at: float | None
    """When the earliest delayed job of the queue is due."""


DEPTH_SECONDS = 8 * 86400
"""How long queue depth samples are kept, as long as the per-minute statistics."""


class Store(RecordStore, Protocol):
    """What every store implements. All times are Unix seconds handed in by the engine."""

    initial_credits: int

    async def setup(self) -> None: ...
    async def close(self) -> None: ...
    async def ping(self) -> None: ...

    # submission
    async def enqueue(self, job: NewJob) -> Enqueued: ...

    # the worker's path
    async def claim(
        self,
        worker_id: str,
        limits: Sequence[ClaimLimits],
        count: int,
        lease_seconds: float,
        now: float,
    ) -> list[ClaimedJob]: ...
    async def wait_for_work(self, max_wait: float) -> None: ...
    async def extend_leases(
        self, leases: Sequence[Lease], lease_seconds: float, now: float
    ) -> list[Lease]: ...
    async def cancel_requests(self, job_ids: Sequence[str]) -> set[str]: ...
    async def progress(self, updates: Sequence[ProgressUpdate], now: float) -> set[str]: ...
    async def add_partial(self, lease: Lease, item: Any, now: float) -> None: ...
    async def complete(self, completions: Sequence[Completion], now: float) -> set[str]: ...
    async def fail(self, failure: Failure, now: float) -> Job: ...
    async def confirm_cancel(self, lease: Lease, now: float) -> Job: ...
    async def release(self, leases: Sequence[Lease], now: float) -> int: ...
    async def recover_stalled(
        self, max_stalls: dict[str, int], default: int, now: float
    ) -> list[Job]: ...

    # reading
    async def get(self, job_id: str) -> Job: ...
    async def list_jobs(self, query: ListQuery) -> Page: ...
    async def position(self, job_id: str) -> int:
        """How many pending jobs of its queue start before this one (0 unless it waits)."""
        ...

    async def waiting_order(self, queue: str, limit: int) -> list[str]:
        """Ids of the queue's pending jobs in the order they will start, at most `limit`:
        a pending job's index here is its `position`. Delayed jobs, due or not, are not in
        it until a claim makes them pending (as `position` does not count them either)."""
        ...

    async def recent_durations(
        self, queue: str, job_type: str | None, limit: int
    ) -> list[float]: ...
    async def queue_states(
        self, now: float, queues: Sequence[str] | None = None
    ) -> list[QueueState]: ...
    async def stats(self, since: float, queue: str | None = None) -> list[MinuteStats]: ...
    async def record_depth(self, samples: Sequence[DepthSample]) -> None:
        """Keep each sample unless its queue has one for that minute already (the first
        writer of a minute wins, so every worker may offer one). Samples older than
        `DEPTH_SECONDS` are dropped."""
        ...

    async def depth(self, since: float, queue: str | None = None) -> list[DepthSample]:
        """Samples from the minute of `since` on, by minute then queue."""
        ...

    # operations
    async def cancel(self, job_id: str, now: float) -> Job: ...
    async def requeue(self, job_id: str, now: float) -> Job:
        """Run a failed or cancelled job again from its first attempt, charging its cost again."""
        ...

    async def promote(self, job_id: str, now: float) -> Job: ...
    async def delete(self, job_id: str, now: float) -> Job:
        """Remove a job with its indexes, tags and idempotency entry and answer it as it
        was last. A waiting job is cancelled (refunded, in the feed) first; an active one
        is refused with `InvalidTransition`."""
        ...

    async def set_paused(self, queue: str, paused: bool) -> None: ...
    async def clean(
        self, queue: str, states: Sequence[JobState], finished_before: float
    ) -> int: ...
    async def apply_retention(
        self, retention: dict[str, Retention], default: Retention, now: float
    ) -> int: ...
    async def empty(self, queue: str, now: float) -> int: ...

    # workers
    async def register_worker(self, info: WorkerInfo) -> None: ...
    async def unregister_worker(self, worker_id: str) -> None: ...
    async def workers(self) -> list[WorkerInfo]: ...

    # credits
    async def balance(self, owner: str) -> int: ...
    async def grant(self, owner: str, amount: int, note: str | None, now: float) -> int: ...
    async def ledger(self, owner: str | None, limit: int) -> list[LedgerEntry]: ...

    # rate limits
    async def throttle(self, key: str, limit: int, window_seconds: float, now: float) -> float:
        """Count one hit for `key` in the fixed window floor(now / window_seconds); 0.0 when
        the count including this hit is at most `limit`, else the seconds until that window
        ends (always > 0). Shared by every process on the store."""
        ...

    # the event feed
    async def events_after(self, after: str | None, limit: int) -> list[Event]: ...
    async def last_event_id(self) -> str: ...
    async def trim_events(self, keep: int) -> int: ...
