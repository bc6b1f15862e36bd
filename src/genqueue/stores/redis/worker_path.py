"""The worker's path on Redis: claim, wait, renew, report and recover, each one script call."""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections.abc import Sequence
from typing import Any

from genqueue.engine.job import ClaimedJob, Job, Lease
from genqueue.engine.policy import ClaimLimits
from genqueue.engine.store import Completion, Failure, ProgressUpdate
from genqueue.stores.redis.base import RedisBase
from genqueue.stores.redis.codec import dumps, fields, job_from_flat, job_from_hash, num
from genqueue.stores.redis.connection import UNAVAILABLE, at_edge
from genqueue.stores.redis.scripts import Code

MIN_BLOCK_SECONDS = 0.001
UNAVAILABLE_PAUSE = 0.5


@functools.lru_cache(maxsize=256)
def _served_arg(limits: tuple[ClaimLimits, ...], start: int) -> str:
    """The claim script's queue list (JSON), starting at `start`: built once per rotation."""
    ordered = [*limits[start:], *limits[:start]]
    return dumps(
        [
            [
                limit.queue,
                "" if limit.concurrency is None else str(limit.concurrency),
                "" if limit.rate_limit is None else str(limit.rate_limit.max_starts),
                "" if limit.rate_limit is None else num(limit.rate_limit.per_seconds),
            ]
            for limit in ordered
        ]
    )


class WorkerPath(RedisBase):
    @at_edge
    async def claim(
        self,
        worker_id: str,
        limits: Sequence[ClaimLimits],
        count: int,
        lease_seconds: float,
        now: float,
    ) -> list[ClaimedJob]:
        if count <= 0 or not limits:
            return []
        start = next(self._rotation) % len(limits)
        served = _served_arg(tuple(limits), start)
        token_base = os.urandom(8).hex() + ":"
        args = [worker_id, num(lease_seconds), str(count), token_base, served]
        throttled, next_due, claimed = await self._run("claim", self.keys.seq, now, *args)
        self._served = [limit.queue for limit in limits]
        self._throttled_until = float(throttled) if throttled else None
        self._next_due = float(next_due) if next_due else None
        jobs = []
        for flat in claimed:
            h = fields(flat)
            job = job_from_hash(h)
            lease = Lease(job.id, h["lease_token"], float(h["lease_expires_at"]))
            jobs.append((job.priority, int(h["order"]), ClaimedJob(job, lease)))
        return [c for _, _, c in sorted(jobs, key=lambda item: item[:2])]

    async def wait_for_work(self, max_wait: float) -> None:
        """Block on the served queues' wake lists until work arrives or a timer is due.

        Timers: the earliest delayed job of the served queues and the reopening of a rate
        limit's window, both learnt by the last claim. A Redis that cannot be reached makes
        this a short sleep: the caller's next claim reports the outage.
        """
        timeout = max_wait
        for wake_at in (self._next_due, self._throttled_until):
            if wake_at is not None:
                timeout = min(timeout, max(wake_at - time.time(), 0.0))
        self._throttled_until = None
        if timeout < MIN_BLOCK_SECONDS:
            return
        if not self._served:
            await asyncio.sleep(timeout)
            return
        wake = [self.keys.queue(q, "wake") for q in self._served]
        try:
            # Bounded here too: a server that vanished without closing the socket never answers.
            await asyncio.wait_for(self._blocking.blpop(wake, timeout=timeout), timeout + 1.0)
        except TimeoutError:
            return
        except UNAVAILABLE:
            await asyncio.sleep(min(timeout, UNAVAILABLE_PAUSE))

    @at_edge
    async def extend_leases(
        self, leases: Sequence[Lease], lease_seconds: float, now: float
    ) -> list[Lease]:
        if not leases:
            return []
        expires = now + lease_seconds
        args = [num(expires)]
        for lease in leases:
            args += [lease.job_id, lease.token]
        renewed = set(await self._run("extend", self.keys.seq, now, *args))
        return [Lease(x.job_id, x.token, expires) for x in leases if x.job_id in renewed]

    @at_edge
    async def cancel_requests(self, job_ids: Sequence[str]) -> set[str]:
        if not job_ids:
            return set()
        async with self.redis.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.hmget(self.keys.job(job_id), ["state", "cancel_requested"])
            replies = await pipe.execute()
        return {
            job_id
            for job_id, (state, requested) in zip(job_ids, replies, strict=True)
            if state == "active" and requested == "1"
        }

    @at_edge
    async def progress(self, updates: Sequence[ProgressUpdate], now: float) -> set[str]:
        if not updates:
            return set()
        args = []
        for update in updates:
            args += [update.lease.job_id, update.lease.token, dumps(update.progress.to_dict())]
        return set(await self._run("progress", self.keys.seq, now, *args))

    @at_edge
    async def add_partial(self, lease: Lease, item: Any, now: float) -> None:
        reply = await self._run(
            "partial", self.keys.job(lease.job_id), now, lease.job_id, lease.token, dumps(item)
        )
        if Code(reply[0]) is not Code.OK:
            self._job_or_raise(reply, lease.job_id, "add a partial result to")

    @at_edge
    async def complete(self, completions: Sequence[Completion], now: float) -> set[str]:
        if not completions:
            return set()
        args = []
        for done in completions:
            args += [done.lease.job_id, done.lease.token, dumps(done.result)]
        return set(await self._run("complete", self.keys.seq, now, *args))

    @at_edge
    async def fail(self, failure: Failure, now: float) -> Job:
        lease = failure.lease
        retry_at = "" if failure.retry_at is None else num(failure.retry_at)
        return await self._transition(
            "fail",
            lease.job_id,
            now,
            lease.token,
            failure.reason,
            failure.stacktrace or "",
            retry_at,
        )

    @at_edge
    async def confirm_cancel(self, lease: Lease, now: float) -> Job:
        return await self._transition("confirm_cancel", lease.job_id, now, lease.token)

    @at_edge
    async def release(self, leases: Sequence[Lease], now: float) -> int:
        if not leases:
            return 0
        args = []
        for lease in leases:
            args += [lease.job_id, lease.token]
        return int(await self._run("release", self.keys.seq, now, *args))

    @at_edge
    async def recover_stalled(
        self, max_stalls: dict[str, int], default: int, now: float
    ) -> list[Job]:
        args = [str(default)]
        for queue, limit in max_stalls.items():
            args += [queue, str(limit)]
        return [
            job_from_flat(flat) for flat in await self._run("recover", self.keys.seq, now, *args)
        ]
