"""Queue position and estimated wait for the job views, cheap enough for every poll.

A queue's concurrency and typical duration change slowly, so they are cached for a few
seconds per queue and type. A job's exact position is a count of the jobs ahead of it (its
cost grows with the queue), so pending jobs are ranked from a per-queue snapshot instead:
the ids of the first MAX_RANKED pending jobs in start order, read with one store call at
most once per RANKS_TTL_SECONDS per queue and process. A client sees a position at most
that old. A job the snapshot does not hold (newer than it, or past the cap) triggers an
early refresh once the snapshot is MISS_REFRESH_SECONDS old, so the newest jobs soon rank
from it too; until then, and for delayed jobs, the store counts the exact position.
Refreshes are single-flight: concurrent reads of one queue await the same store call.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from genqueue.engine.engine import Engine, wait_seconds
from genqueue.engine.job import Job, JobState

FACTORS_TTL_SECONDS = 2.0
RANKS_TTL_SECONDS = 1.0
MISS_REFRESH_SECONDS = 0.2
MAX_RANKED = 50_000
MAX_CACHED = 1000


@dataclass(frozen=True, slots=True)
class Ranks:
    taken_at: float
    """time.monotonic() when the store call started: every rank is at least that fresh."""
    of: dict[str, int]
    full: bool
    """The snapshot stopped at MAX_RANKED: a job it misses may be past the cap."""

    def age(self) -> float:
        return time.monotonic() - self.taken_at


class WaitEstimator:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factors: dict[tuple[str, str], tuple[float, int, float]] = {}
        self._ranks: dict[str, Ranks] = {}
        self._refreshing: dict[str, asyncio.Task[Ranks]] = {}

    async def estimate(self, job: Job, now: float) -> tuple[int | None, float | None]:
        """(jobs ahead, seconds until it should start) while `job` waits, else (None, None)."""
        if not job.effective_state(now).is_waiting:
            return None, None
        position = await self._position_of(job)
        concurrency, median = await self._factors_of(job.queue, job.type)
        wait = wait_seconds(position, concurrency, median)
        if job.run_at > now:
            wait = max(wait, job.run_at - now)
        return position, round(wait, 3)

    async def _position_of(self, job: Job) -> int:
        if job.state is JobState.PENDING:
            ranks = await self._ranks_of(job.queue, RANKS_TTL_SECONDS)
            rank = ranks.of.get(job.id)
            if rank is None and not ranks.full:
                ranks = await self._ranks_of(job.queue, MISS_REFRESH_SECONDS)
                rank = ranks.of.get(job.id)
            if rank is not None:
                return rank
        return await self.engine.store.position(job.id)

    async def _ranks_of(self, queue: str, max_age: float) -> Ranks:
        """The queue's snapshot if younger than `max_age`, else the one being read now."""
        ranks = self._ranks.get(queue)
        if ranks is not None and ranks.age() < max_age:
            return ranks
        task = self._refreshing.get(queue)
        if task is None:
            task = asyncio.create_task(self._read_ranks(queue))
            self._refreshing[queue] = task
            task.add_done_callback(lambda _: self._refreshing.pop(queue, None))
        # Shielded: a reader that gives up does not cancel the others' refresh.
        return await asyncio.shield(task)

    async def _read_ranks(self, queue: str) -> Ranks:
        taken_at = time.monotonic()
        ids = await self.engine.store.waiting_order(queue, MAX_RANKED)
        ranks = Ranks(taken_at, {job_id: i for i, job_id in enumerate(ids)}, len(ids) >= MAX_RANKED)
        self._ranks[queue] = ranks
        return ranks

    async def _factors_of(self, queue: str, job_type: str) -> tuple[int, float]:
        key = (queue, job_type)
        cached = self._factors.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1], cached[2]
        concurrency = await self.engine.concurrency_of(queue)
        median = await self.engine.typical_duration(queue, job_type)
        if len(self._factors) >= MAX_CACHED:
            self._factors.clear()
        self._factors[key] = (time.monotonic() + FACTORS_TTL_SECONDS, concurrency, median)
        return concurrency, median
