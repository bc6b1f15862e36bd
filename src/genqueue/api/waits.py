"""Queue position and estimated wait for the job views, cheap enough for every poll.

A queue's concurrency and typical duration change slowly, so they are cached for a few
seconds per queue and type. A job's position is a count of the jobs ahead of it (its cost
grows with the queue), so it is read at most once per POSITION_TTL_SECONDS per job: a
client polling in a tight loop sees a position at most that old.
"""

from __future__ import annotations

import math
import time

from genqueue.engine.engine import Engine
from genqueue.engine.job import Job

FACTORS_TTL_SECONDS = 2.0
POSITION_TTL_SECONDS = 1.0
MAX_CACHED = 1000
MAX_POSITIONS = 100_000


class WaitEstimator:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factors: dict[tuple[str, str], tuple[float, int, float]] = {}
        self._positions: dict[str, tuple[float, int]] = {}

    async def estimate(self, job: Job, now: float) -> tuple[int | None, float | None]:
        """(jobs ahead, seconds until it should start) while `job` waits, else (None, None)."""
        if not job.effective_state(now).is_waiting:
            return None, None
        position = await self._position_of(job.id)
        concurrency, median = await self._factors_of(job.queue, job.type)
        wait = math.ceil(position / concurrency) * median
        if job.run_at > now:
            wait = max(wait, job.run_at - now)
        return position, round(wait, 3)

    async def _position_of(self, job_id: str) -> int:
        cached = self._positions.get(job_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        position = await self.engine.store.position(job_id)
        if len(self._positions) >= MAX_POSITIONS:
            self._positions.clear()
        self._positions[job_id] = (time.monotonic() + POSITION_TTL_SECONDS, position)
        return position

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
