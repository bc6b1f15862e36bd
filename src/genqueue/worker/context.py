"""What a handler sees of its job: data, attempt, progress, partial results, cancellation."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import Any

from genqueue.engine.admission import Resources
from genqueue.engine.job import ClaimedJob, Job, Progress
from genqueue.engine.records import RecordStore

ProgressSink = Callable[[ClaimedJob, Progress], Awaitable[None]]
PartialSink = Callable[[ClaimedJob, Any], Awaitable[None]]


class JobContext:
    """Passed to `async def handler(ctx, data)`."""

    def __init__(
        self,
        claimed: ClaimedJob,
        worker_id: str,
        on_progress: ProgressSink,
        on_partial: PartialSink,
        *,
        records: RecordStore,
        resources: Resources,
    ) -> None:
        self._claimed = claimed
        self.records = records
        """The store's domain records (characters, media, stories)."""
        self.resources = resources
        """The process's shared objects from `@registry.resource` (providers, assets)."""
        self.worker_id = worker_id
        self._on_progress = on_progress
        self._on_partial = on_partial
        self._cancelled = False

    @property
    def job(self) -> Job:
        return self._claimed.job

    @property
    def job_id(self) -> str:
        return self._claimed.job.id

    @property
    def attempt(self) -> int:
        """The attempt now running, counted from 1."""
        return self._claimed.attempt

    @property
    def cancelled(self) -> bool:
        """True once the job was cancelled, for handlers that check instead of being interrupted."""
        return self._cancelled

    def mark_cancelled(self) -> None:
        self._cancelled = True

    async def progress(
        self,
        percentage: float,
        *,
        current: int | None = None,
        total: int | None = None,
        task: str | None = None,
    ) -> None:
        """Report progress: a percentage 0–100, optionally `current` of `total` and the task."""
        if not 0 <= percentage <= 100 or math.isnan(percentage):
            raise ValueError("progress percentage must be between 0 and 100")
        await self._on_progress(self._claimed, Progress(float(percentage), current, total, task))

    async def partial(self, item: Any) -> None:
        """Append one partial result (a finished shot of a batch, say) as soon as it exists."""
        await self._on_partial(self._claimed, item)


class SyncJobContext:
    """The same context for a sync handler running in a worker thread: calls block."""

    def __init__(self, context: JobContext, loop: asyncio.AbstractEventLoop) -> None:
        self._context = context
        self._loop = loop

    @property
    def job(self) -> Job:
        return self._context.job

    @property
    def job_id(self) -> str:
        return self._context.job_id

    @property
    def attempt(self) -> int:
        return self._context.attempt

    @property
    def resources(self) -> Resources:
        return self._context.resources

    @property
    def cancelled(self) -> bool:
        return self._context.cancelled

    def progress(
        self,
        percentage: float,
        *,
        current: int | None = None,
        total: int | None = None,
        task: str | None = None,
    ) -> None:
        coro = self._context.progress(percentage, current=current, total=total, task=task)
        asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def partial(self, item: Any) -> None:
        asyncio.run_coroutine_threadsafe(self._context.partial(item), self._loop).result()
