"""The engine: every rule of the job model, applied through one `Store`.

Validation, costs, retry and backoff decisions, stall limits, wait estimates and
retention live here; a store only makes each decision atomic. Time and ids are
injected so tests never sleep to wait.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import statistics
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from genqueue.engine.admission import Admission, Admit, Admitted, Resources
from genqueue.engine.catalog import Catalog
from genqueue.engine.errors import (
    InsufficientCredits,
    InvalidJobRequest,
    InvalidTransition,
    JobNotFound,
)
from genqueue.engine.events import Event
from genqueue.engine.job import (
    DEFAULT_PRIORITY,
    FINAL_STATES,
    ClaimedJob,
    Job,
    JobState,
    Lease,
    Progress,
)
from genqueue.engine.policy import ClaimLimits, Retention, check_priority
from genqueue.engine.store import (
    Completion,
    DepthSample,
    Enqueued,
    Failure,
    ListQuery,
    NewJob,
    Page,
    ProgressUpdate,
    Store,
    WorkerInfo,
)

Clock = Callable[[], float]
IdFactory = Callable[[], str]

MAX_TAGS = 20
MAX_TAG_LENGTH = 200
MAX_DELAY_SECONDS = 365 * 24 * 3600.0
DURATION_SAMPLE = 50
MAX_SEARCH_LENGTH = 200
RETRY_PAGE = 1000


def new_uuid() -> str:
    return str(uuid.uuid4())


def wait_seconds(position: int, concurrency: int, typical_duration: float) -> float:
    """The wait of a job with `position` jobs ahead: ⌈position / concurrency⌉ runs."""
    return math.ceil(position / concurrency) * typical_duration


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    """Where a waiting job stands: jobs ahead of it and the time until it should start."""

    position: int
    queue_length: int
    active_jobs: int
    estimated_seconds: float


@dataclass
class EngineConfig:
    lease_seconds: float = 30.0
    costs: dict[str, int] = field(default_factory=dict)
    event_retention: int = 100_000


class Engine:
    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        config: EngineConfig | None = None,
        *,
        clock: Clock = time.time,
        new_id: IdFactory = new_uuid,
        rand: Callable[[], float] = random.random,
        resources: Resources | None = None,
    ) -> None:
        self.store = store
        self.resources = resources or Resources()
        self.catalog = catalog
        self.config = config or EngineConfig()
        self.clock = clock
        self.new_id = new_id
        self.rand = rand

    # -- submission -------------------------------------------------------------------

    async def submit(
        self,
        owner: str,
        job_type: str,
        data: Any = None,
        *,
        priority: int | None = None,
        delay_seconds: float | None = None,
        run_at: float | None = None,
        tags: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Enqueued:
        """Validate, admit and enqueue one job, charging its cost in the same atomic step."""
        spec = self.catalog.job_type(job_type)
        now = self.clock()
        clean_tags = _check_tags(tags)
        data = _check_json(_validated(spec.validate, data))
        request_hash = None
        if idempotency_key is not None:
            request_hash = _request_hash(job_type, data, priority, delay_seconds, run_at, tags)
        if spec.admit is not None:
            admitted = await self._admit(spec.admit, owner, data, now)
            data = _check_json(admitted.data)
            clean_tags = _check_tags({**clean_tags, **admitted.tags})
        job = NewJob(
            id=self.new_id(),
            queue=spec.queue,
            type=job_type,
            owner=_check_owner(owner),
            data=data,
            tags=clean_tags,
            priority=check_priority(DEFAULT_PRIORITY if priority is None else priority),
            max_attempts=self.catalog.attempts_for(job_type),
            cost=self.cost_of(job_type),
            created_at=now,
            run_at=_start_time(now, delay_seconds, run_at),
            idempotency_key=_check_key(idempotency_key),
            request_hash=request_hash,
        )
        return await self.store.enqueue(job)

    async def _admit(self, admit: Admit, owner: str, data: Any, now: float) -> Admitted:
        admission = Admission(_check_owner(owner), self.store, self.resources, now)
        try:
            return await admit(admission, data)
        except (ValueError, TypeError) as exc:
            raise InvalidJobRequest(f"invalid job data: {exc}") from None

    def cost_of(self, job_type: str) -> int:
        return self.config.costs.get(job_type, 0)

    # -- reading ----------------------------------------------------------------------

    async def get(self, job_id: str) -> Job:
        return await self.store.get(job_id)

    async def list_jobs(self, query: ListQuery) -> Page:
        if not 1 <= query.limit <= 1000 or query.skip < 0:
            raise InvalidJobRequest("limit must be 1..1000 and skip at least 0")
        if query.text is not None and not 1 <= len(query.text) <= MAX_SEARCH_LENGTH:
            raise InvalidJobRequest(f"a search word has 1 to {MAX_SEARCH_LENGTH} characters")
        return await self.store.list_jobs(replace(query, now=self.clock()))

    async def estimate_wait(self, job: Job) -> WaitEstimate:
        """Position among the queue's waiting jobs and wait = ⌈position / concurrency⌉ × median."""
        states = await self.store.queue_states(self.clock(), [job.queue])
        counts = states[0].counts if states else {}
        position = await self.store.position(job.id) if job.state.is_waiting else 0
        concurrency = await self.concurrency_of(job.queue)
        median = await self.typical_duration(job.queue, job.type)
        return WaitEstimate(
            position=position,
            queue_length=counts.get(JobState.PENDING, 0) + counts.get(JobState.DELAYED, 0),
            active_jobs=counts.get(JobState.ACTIVE, 0),
            estimated_seconds=wait_seconds(position, concurrency, median),
        )

    async def typical_duration(self, queue: str, job_type: str) -> float:
        """Median of the type's last completed runs, else the queue's, else the configured guess."""
        for type_filter in (job_type, None):
            durations = await self.store.recent_durations(queue, type_filter, DURATION_SAMPLE)
            if durations:
                return statistics.median(durations)
        return self.catalog.queue(queue).estimate_seconds

    async def live_workers(self) -> list[WorkerInfo]:
        """Workers whose heartbeat is younger than one lease."""
        return [w for w in await self.store.workers() if self.is_alive(w)]

    def is_alive(self, worker: WorkerInfo) -> bool:
        """A worker renews its entry three times a lease: one lease of silence means gone."""
        return worker.heartbeat_at >= self.clock() - self.config.lease_seconds

    async def concurrency_of(self, queue: str) -> int:
        """Jobs of `queue` that can run at once: the live workers' slots, within its cap."""
        cap = self.catalog.queue(queue).concurrency
        serving = sum(w.concurrency for w in await self.live_workers() if queue in w.queues)
        candidates = [c for c in (cap, serving) if c]
        return max(1, min(candidates)) if candidates else 1

    # -- operations -------------------------------------------------------------------

    async def cancel(self, job_id: str) -> Job:
        """Queued jobs end at once (refunded); running ones are interrupted by their worker."""
        return await self.store.cancel(job_id, self.clock())

    async def retry(self, job_id: str) -> Job:
        """Run a failed or cancelled job again from its first attempt; a refund is charged back."""
        return await self.store.requeue(job_id, self.clock())

    async def promote(self, job_id: str) -> Job:
        return await self.store.promote(job_id, self.clock())

    async def delete(self, job_id: str) -> Job:
        """A waiting job is cancelled (refunded) and removed; a finished one removed."""
        return await self.store.delete(job_id, self.clock())

    async def retry_failed(self, queue: str) -> int:
        """Run every job of the queue that is failed now again, each charged as `retry`
        charges it; a job whose owner cannot pay, or that changed meanwhile, stays as it is.
        The ids are read first, so a job that fails again during the sweep is not retried twice."""
        ids: list[str] = []
        while True:
            query = ListQuery(
                queue=queue, states=[JobState.FAILED], limit=RETRY_PAGE, skip=len(ids)
            )
            page = await self.store.list_jobs(replace(query, now=self.clock()))
            ids += [job.id for job in page.jobs]
            if len(page.jobs) < RETRY_PAGE:
                break
        retried = 0
        for job_id in dict.fromkeys(ids):
            try:
                await self.store.requeue(job_id, self.clock())
            except (InsufficientCredits, InvalidTransition, JobNotFound):
                continue
            retried += 1
        return retried

    async def pause(self, queue: str) -> None:
        await self.store.set_paused(queue, True)

    async def resume(self, queue: str) -> None:
        await self.store.set_paused(queue, False)

    async def clean(self, queue: str, states: Sequence[JobState], older_than: float) -> int:
        if any(s not in FINAL_STATES for s in states):
            raise InvalidJobRequest("only completed, failed or cancelled jobs can be cleaned")
        return await self.store.clean(queue, states, self.clock() - older_than)

    async def empty(self, queue: str) -> int:
        return await self.store.empty(queue, self.clock())

    async def sample_depth(self) -> int:
        """Offer the store this minute's depth of every queue; returns the minute. Every
        worker may call it: the store keeps the first sample of each queue and minute."""
        now = self.clock()
        minute = int(now // 60) * 60
        samples = [
            DepthSample(
                queue=state.name,
                minute=minute,
                waiting=state.counts.get(JobState.PENDING, 0),
                active=state.counts.get(JobState.ACTIVE, 0),
                delayed=state.counts.get(JobState.DELAYED, 0),
            )
            for state in await self.store.queue_states(now)
        ]
        await self.store.record_depth(samples)
        return minute

    async def events_after(self, after: str | None, limit: int = 500) -> list[Event]:
        return await self.store.events_after(after, limit)

    # -- the worker's path -------------------------------------------------------------

    async def claim(
        self, worker_id: str, queues: Sequence[str] | None, count: int
    ) -> list[ClaimedJob]:
        limits = [ClaimLimits.of(q) for q in self.catalog.queues_named(queues)]
        return await self.store.claim(
            worker_id, limits, count, self.config.lease_seconds, self.clock()
        )

    async def extend_leases(self, leases: Sequence[Lease]) -> list[Lease]:
        return await self.store.extend_leases(leases, self.config.lease_seconds, self.clock())

    async def cancel_requests(self, job_ids: Sequence[str]) -> set[str]:
        return await self.store.cancel_requests(job_ids)

    async def report_progress(self, updates: Sequence[ProgressUpdate]) -> set[str]:
        return await self.store.progress(updates, self.clock())

    async def add_partial(self, lease: Lease, item: Any) -> None:
        await self.store.add_partial(lease, _check_json(item), self.clock())

    async def complete(self, completions: Sequence[Completion]) -> set[str]:
        return await self.store.complete(completions, self.clock())

    async def fail_attempt(
        self,
        claimed: ClaimedJob,
        reason: str,
        stacktrace: str | None,
        *,
        retryable: bool = True,
        retry_after: float | None = None,
    ) -> Job:
        """Schedule the next attempt after its backoff (or the `retry_after` the failure
        asked for, when longer, up to the backoff's maximum), or fail the job for good
        (refunded)."""
        job = claimed.job
        attempts_made = job.attempts_made + 1
        retry_at = None
        if retryable and attempts_made < job.max_attempts:
            backoff = self.catalog.queue(job.queue).backoff
            delay = backoff.delay(attempts_made, self.rand)
            if retry_after is not None and retry_after > delay:
                delay = min(retry_after, backoff.max_seconds)
            retry_at = self.clock() + delay
        failure = Failure(claimed.lease, reason, stacktrace, retry_at)
        return await self.store.fail(failure, self.clock())

    async def confirm_cancel(self, lease: Lease) -> Job:
        return await self.store.confirm_cancel(lease, self.clock())

    async def release(self, leases: Sequence[Lease]) -> int:
        return await self.store.release(leases, self.clock())

    async def recover_stalled(self) -> list[Job]:
        limits = {name: q.max_stalls for name, q in self.catalog.queues.items()}
        return await self.store.recover_stalled(limits, 1, self.clock())

    async def apply_retention(self) -> int:
        retention = {name: q.retention for name, q in self.catalog.queues.items()}
        removed = await self.store.apply_retention(retention, Retention(), self.clock())
        await self.store.trim_events(self.config.event_retention)
        return removed


def _validated(validate: Callable[[Any], Any] | None, data: Any) -> Any:
    if validate is None:
        return data
    try:
        return validate(data)
    except (ValueError, TypeError) as exc:
        raise InvalidJobRequest(f"invalid job data: {exc}") from None


def _check_owner(owner: str) -> str:
    if not owner or len(owner) > 200:
        raise InvalidJobRequest("a job needs an owner of 1 to 200 characters")
    return owner


def _check_key(key: str | None) -> str | None:
    if key is not None and not 1 <= len(key) <= 255:
        raise InvalidJobRequest("an idempotency key has 1 to 255 characters")
    return key


def _check_tags(tags: Mapping[str, str] | None) -> dict[str, str]:
    if not tags:
        return {}
    if len(tags) > MAX_TAGS:
        raise InvalidJobRequest(f"at most {MAX_TAGS} tags")
    for key, value in tags.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise InvalidJobRequest("tags map names to strings")
        if not key or len(key) > MAX_TAG_LENGTH or len(value) > MAX_TAG_LENGTH:
            raise InvalidJobRequest(
                f"tag names and values have at most {MAX_TAG_LENGTH} characters"
            )
    return dict(tags)


def _check_json(value: Any) -> Any:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidJobRequest(f"job data must be JSON: {exc}") from None
    return value


def _start_time(now: float, delay_seconds: float | None, run_at: float | None) -> float:
    if delay_seconds is not None and run_at is not None:
        raise InvalidJobRequest("give a delay or a start time, not both")
    if delay_seconds is not None:
        if not 0 <= delay_seconds <= MAX_DELAY_SECONDS:
            raise InvalidJobRequest("delaySeconds must be between 0 and one year")
        return now + delay_seconds
    if run_at is not None:
        if run_at - now > MAX_DELAY_SECONDS or math.isnan(run_at):
            raise InvalidJobRequest("a job can be scheduled at most one year ahead")
        return max(run_at, now)
    return now


def _request_hash(*parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


__all__ = ["Engine", "EngineConfig", "Progress", "WaitEstimate"]
