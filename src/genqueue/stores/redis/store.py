"""The distributed store: every transition one Lua script on one Redis (or Redis Cluster)."""

from __future__ import annotations

import math
from typing import Any

from genqueue.engine.errors import IdempotencyConflict, InsufficientCredits
from genqueue.engine.events import Event
from genqueue.engine.store import Enqueued, LedgerEntry, NewJob, WorkerInfo
from genqueue.stores.redis.codec import (
    enqueue_args,
    event_from_entry,
    job_from_flat,
    ledger_from_json,
    stream_id,
    worker_from_json,
    worker_to_json,
)
from genqueue.stores.redis.connection import at_edge
from genqueue.stores.redis.operations import Operations
from genqueue.stores.redis.records import Records
from genqueue.stores.redis.scripts import Code
from genqueue.stores.redis.worker_path import WorkerPath

THROTTLE_GRACE_SECONDS = 60
"""How long a throttle counter outlives its window by the server's clock (a skew margin)."""


class RedisStore(WorkerPath, Operations, Records):
    """One Redis (or Cluster) shared by every API and worker process on every machine."""

    # -- submission -----------------------------------------------------------------

    @at_edge
    async def enqueue(self, job: NewJob) -> Enqueued:
        reply = await self._run(
            "enqueue", self.keys.job(job.id), job.created_at, *enqueue_args(job)
        )
        code = Code(reply[0])
        if code is Code.OK:
            return Enqueued(job.as_job(), created=True)
        if code is Code.DUPLICATE:
            earlier = job_from_flat(reply[1])
            return Enqueued(earlier, created=earlier.id == job.id)
        if code is Code.IDEMPOTENCY_CONFLICT:
            raise IdempotencyConflict(job.idempotency_key or "", str(reply[1]))
        raise InsufficientCredits(job.owner, int(reply[1]), job.cost)

    # -- workers --------------------------------------------------------------------

    @at_edge
    async def register_worker(self, info: WorkerInfo) -> None:
        await self.redis.hset(self.keys.workers, info.id, worker_to_json(info))

    @at_edge
    async def unregister_worker(self, worker_id: str) -> None:
        await self.redis.hdel(self.keys.workers, worker_id)

    @at_edge
    async def workers(self) -> list[WorkerInfo]:
        found = [worker_from_json(v) for v in (await self.redis.hvals(self.keys.workers))]
        return sorted(found, key=lambda w: w.started_at)

    # -- credits --------------------------------------------------------------------

    @at_edge
    async def balance(self, owner: str) -> int:
        balance = await self.redis.hget(self.keys.credits, owner)
        return self.initial_credits if balance is None else int(balance)

    @at_edge
    async def grant(self, owner: str, amount: int, note: str | None, now: float) -> int:
        return int(await self._run("grant", self.keys.credits, now, owner, str(amount), note or ""))

    @at_edge
    async def ledger(self, owner: str | None, limit: int) -> list[LedgerEntry]:
        entries = await self.redis.lrange(self.keys.ledger(owner), 0, limit - 1)
        return [ledger_from_json(e) for e in entries]

    # -- the event feed -------------------------------------------------------------

    @at_edge
    async def events_after(self, after: str | None, limit: int) -> list[Event]:
        start = "-" if not after else "(" + stream_id(after)
        entries = await self.redis.xrange(self.keys.events, start, "+", count=limit)
        return [event_from_entry(entry_id, f) for entry_id, f in entries]

    @at_edge
    async def last_event_id(self) -> str:
        newest = await self.redis.xrevrange(self.keys.events, "+", "-", count=1)
        return newest[0][0].partition("-")[2] if newest else "0"

    @at_edge
    async def trim_events(self, keep: int) -> int:
        return int(await self.redis.xtrim(self.keys.events, maxlen=max(keep, 1), approximate=False))

    # -- throttling -----------------------------------------------------------------

    @at_edge
    async def throttle(self, key: str, limit: int, window_seconds: float, now: float) -> float:
        """Count one hit for `key` in the fixed window floor(now / window_seconds); 0.0 when
        the count including this hit is at most `limit`, else the seconds until that window
        ends (always > 0). Shared by every process on the store."""
        window = math.floor(now / window_seconds)
        ttl = str(math.ceil(window_seconds) + THROTTLE_GRACE_SECONDS)
        counter = self.keys.throttle(key, window)
        count: Any = await self._run("throttle", counter, now, ttl)
        if int(count) <= limit:
            return 0.0
        return max((window + 1) * window_seconds - now, 1e-6)
