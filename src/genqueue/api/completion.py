"""When a job should be done, for the status routes' `estimatedCompletionAt` (and seed
002's `estimatedCompletionTime`), from measured durations only.

A waiting job: its wait (position, concurrency, the median run; `waits.py`) plus its own
run. A run is the median of the type's recent runs (less what a running job has done
already); a 360° set's is its shots still to make × the mean shot, measured from its own
shots and from the shot times recent sets recorded (`apps.library360.estimates`). What was
measured is cached a few seconds, so a poll costs no extra store reads most of the time.
"""

from __future__ import annotations

import time

from genqueue.api.waits import WaitEstimator
from genqueue.apps.library360.estimates import (
    is_library_job,
    recent_shot_seconds,
    remaining_seconds,
    timing_ids_of,
)
from genqueue.apps.library360.requests import TYPE_SINGLE_IMAGE
from genqueue.engine.engine import Engine
from genqueue.engine.job import Job, JobState

TTL_SECONDS = 5.0
MAX_CACHED = 1000


class CompletionEstimator:
    def __init__(self, engine: Engine, waits: WaitEstimator) -> None:
        self.engine = engine
        self.waits = waits
        self._typical: dict[tuple[str, str], tuple[float, float]] = {}
        self._shot_seconds: dict[tuple[str, str], tuple[float, list[float]]] = {}

    async def completion_at(self, job: Job, now: float) -> float | None:
        """Unix time the job should end at; None once it has ended."""
        state = job.effective_state(now)
        if state.is_final:
            return None
        _, wait = await self.waits.estimate(job, now)
        return now + (wait or 0.0) + await self.run_seconds(job, now)

    async def run_seconds(self, job: Job, now: float) -> float:
        """How much longer the job's run should take (all of it while it waits)."""
        if is_library_job(job):
            fallback = await self._typical_of(job.queue, TYPE_SINGLE_IMAGE)
            return remaining_seconds(job, await self._shot_seconds_of(job), fallback)
        typical = await self._typical_of(job.queue, job.type)
        running = job.state is JobState.ACTIVE and job.started_at is not None
        elapsed = now - job.started_at if running and job.started_at is not None else 0.0
        return max(typical - elapsed, 0.0)

    async def _typical_of(self, queue: str, job_type: str) -> float:
        key = (queue, job_type)
        cached = self._typical.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        typical = await self.engine.typical_duration(queue, job_type)
        if len(self._typical) >= MAX_CACHED:
            self._typical.clear()
        self._typical[key] = (time.monotonic() + TTL_SECONDS, typical)
        return typical

    async def _shot_seconds_of(self, job: Job) -> list[float]:
        ids = timing_ids_of(job)
        cached = self._shot_seconds.get(ids)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        samples = await recent_shot_seconds(self.engine.store, ids)
        if len(self._shot_seconds) >= MAX_CACHED:
            self._shot_seconds.clear()
        # No history yet is not cached: the first set to complete counts at once.
        if samples:
            self._shot_seconds[ids] = (time.monotonic() + TTL_SECONDS, samples)
        return samples
