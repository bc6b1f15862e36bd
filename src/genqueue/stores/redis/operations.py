"""Reading jobs and steering them on Redis: listing, counts, cancel, retry, clean, empty."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from genqueue.engine.errors import JobNotFound
from genqueue.engine.job import FINAL_STATES, Job, JobState
from genqueue.engine.policy import Retention
from genqueue.engine.store import (
    DEPTH_SECONDS,
    MIN_ID_PREFIX,
    DepthSample,
    ListQuery,
    MinuteStats,
    Page,
    QueueState,
)
from genqueue.stores.redis.base import RedisBase
from genqueue.stores.redis.codec import (
    job_from_flat,
    job_from_hash,
    num,
    stats_from_hashes,
    worker_from_json,
)
from genqueue.stores.redis.connection import at_edge

DELETE_BATCH = 500
DEAD_WORKER_SECONDS = 24 * 3600.0
STATS_SECONDS = 8 * 86400.0
"""How long per-minute statistics are kept (their hashes expire then too, see _lib.lua)."""
MAX_BATCHES = 200
ORDER_SPAN = 2**32
"""Pending scores are (priority - 1) · 2³² + order, as in _lib.lua."""
_COUNTED = (JobState.ACTIVE, JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED)


class Operations(RedisBase):
    # -- reading --------------------------------------------------------------------

    @at_edge
    async def get(self, job_id: str) -> Job:
        h = await self.redis.hgetall(self.keys.job(job_id))
        if not h:
            raise JobNotFound(job_id)
        return job_from_hash(h)

    @at_edge
    async def list_jobs(self, query: ListQuery) -> Page:
        now = time.time() if query.now is None else query.now
        args: list[str] = [str(query.limit), str(query.skip), query.owner or "", query.queue or ""]
        states = list(dict.fromkeys(s.value for s in query.states))
        for values in (list(query.types), states):
            args += [str(len(values)), *values]
        args.append(str(len(query.tags)))
        for name, value in sorted(query.tags.items()):
            args += [name, value]
        args += [query.text or "", str(MIN_ID_PREFIX)]
        total, page = await self._run("list", self.keys.all, now, *args)
        return Page([job_from_flat(flat) for flat in page], int(total))

    @at_edge
    async def position(self, job_id: str) -> int:
        state, queue, priority = await self.redis.hmget(
            self.keys.job(job_id), ["state", "queue", "priority"]
        )
        if state == JobState.PENDING.value:
            rank = await self.redis.zrank(self.keys.queue(queue, "pending"), job_id)
            return int(rank or 0)
        if state == JobState.DELAYED.value:
            ahead = int(priority) * ORDER_SPAN
            return int(
                await self.redis.zcount(self.keys.queue(queue, "pending"), "-inf", f"({ahead}")
            )
        return 0

    @at_edge
    async def waiting_order(self, queue: str, limit: int) -> list[str]:
        """The head of the queue's pending zset, whose rank `position` reads."""
        if limit <= 0:
            return []
        ids = await self.redis.zrange(self.keys.queue(queue, "pending"), 0, limit - 1)
        return [str(i) for i in ids]

    @at_edge
    async def recent_durations(self, queue: str, job_type: str | None, limit: int) -> list[float]:
        part = "durations" if job_type is None else f"durations={job_type}"
        values = await self.redis.lrange(self.keys.queue(queue, part), 0, limit - 1)
        return [float(v) for v in values]

    @at_edge
    async def queue_states(
        self, now: float, queues: Sequence[str] | None = None
    ) -> list[QueueState]:
        """Counts per state of every queue that has had a job: one pipeline of index sizes."""
        known = await self.redis.hgetall(self.keys.queues)
        names = sorted(n for n in known if queues is None or n in queues)
        if not names:
            return []
        k = self.keys.queue
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.zcard(k(name, "pending"))
                pipe.zcard(k(name, "delayed"))
                pipe.zcount(k(name, "delayed"), "-inf", num(now))
                for state in _COUNTED:
                    pipe.zcard(k(name, state.value))
                pipe.zrange(k(name, "waiting"), 0, 0, withscores=True)
                pipe.zrange(k(name, "delayed"), 0, 0, withscores=True)
            replies = await pipe.execute()
        per = 5 + len(_COUNTED)
        return [
            _queue_state(name, known[name] == "1", replies[i * per : (i + 1) * per])
            for i, name in enumerate(names)
        ]

    @at_edge
    async def stats(self, since: float, queue: str | None = None) -> list[MinuteStats]:
        start = int(since // 60) * 60
        minutes = [int(m) for m in await self.redis.zrangebyscore(self.keys.minutes, start, "+inf")]
        async with self.redis.pipeline(transaction=False) as pipe:
            for minute in minutes:
                pipe.hgetall(self.keys.stats(minute))
            hashes = await pipe.execute()
        return stats_from_hashes(list(zip(minutes, hashes, strict=True)), queue)

    @at_edge
    async def record_depth(self, samples: Sequence[DepthSample]) -> None:
        if not samples:
            return
        args: list[str] = []
        for s in samples:
            args += [s.queue, str(s.minute), str(s.waiting), str(s.active), str(s.delayed)]
        since = min(s.minute for s in samples) - DEPTH_SECONDS
        await self._run("record_depth", self.keys.queues, time.time(), str(since), *args)

    @at_edge
    async def depth(self, since: float, queue: str | None = None) -> list[DepthSample]:
        names = [queue] if queue is not None else sorted(await self.redis.hkeys(self.keys.queues))
        start = int(since // 60) * 60
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.zrangebyscore(self.keys.queue(name, "depth"), start, "+inf")
            replies = await pipe.execute()
        samples = [
            _depth_sample(name, member)
            for name, members in zip(names, replies, strict=True)
            for member in members
        ]
        return sorted(samples, key=lambda s: (s.minute, s.queue))

    # -- operations -----------------------------------------------------------------

    @at_edge
    async def cancel(self, job_id: str, now: float) -> Job:
        return await self._transition("cancel", job_id, now)

    @at_edge
    async def requeue(self, job_id: str, now: float) -> Job:
        return await self._transition("requeue", job_id, now)

    @at_edge
    async def promote(self, job_id: str, now: float) -> Job:
        return await self._transition("promote", job_id, now)

    @at_edge
    async def delete(self, job_id: str, now: float) -> Job:
        return await self._transition("delete", job_id, now)

    @at_edge
    async def set_paused(self, queue: str, paused: bool) -> None:
        await self._run("pause", self.keys.queues, time.time(), queue, "1" if paused else "0")

    @at_edge
    async def clean(self, queue: str, states: Sequence[JobState], finished_before: float) -> int:
        removed = 0
        for state in states:
            key = self.keys.queue(queue, state.value)
            removed += await self._in_batches("clean", key, time.time(), num(finished_before))
        return removed

    async def _in_batches(self, script: str, key: str, now: float, *args: str) -> int:
        """Run a deleting script a bounded batch per call, so Redis is never held for long."""
        done = 0
        for _ in range(MAX_BATCHES):
            batch = int(await self._run(script, key, now, *args, str(DELETE_BATCH)))
            done += batch
            if batch < DELETE_BATCH:
                break
        return done

    @at_edge
    async def apply_retention(
        self, retention: dict[str, Retention], default: Retention, now: float
    ) -> int:
        removed = 0
        for queue in sorted(await self.redis.hkeys(self.keys.queues)):
            policy = retention.get(queue, default)
            removed += await self.clean(queue, sorted(FINAL_STATES), now - policy.max_age_seconds)
            depth = self.keys.queue(queue, "depth")
            await self.redis.zremrangebyscore(depth, "-inf", f"({now - DEPTH_SECONDS}")
            if policy.max_count is not None:
                key = self.keys.queue(queue, "all")
                removed += await self._in_batches(
                    "trim_finished", key, now, queue, str(policy.max_count)
                )
        await self.redis.zremrangebyscore(self.keys.minutes, "-inf", f"({now - STATS_SECONDS}")
        await self._forget_workers(now - DEAD_WORKER_SECONDS)
        return removed

    async def _forget_workers(self, before: float) -> None:
        """Entries of workers silent for a day (killed, never unregistered)."""
        entries = await self.redis.hgetall(self.keys.workers)
        gone = [w for w, text in entries.items() if worker_from_json(text).heartbeat_at < before]
        if gone:
            await self.redis.hdel(self.keys.workers, *gone)

    @at_edge
    async def empty(self, queue: str, now: float) -> int:
        return await self._in_batches("empty", self.keys.queue(queue, "pending"), now, queue)


def _depth_sample(queue: str, member: str) -> DepthSample:
    minute, waiting, active, delayed = (int(part) for part in member.split(":"))
    return DepthSample(queue, minute, waiting, active, delayed)


def _queue_state(name: str, paused: bool, r: list[Any]) -> QueueState:
    pending, delayed, due = (int(x) for x in r[:3])
    counts = {JobState.PENDING: pending + due, JobState.DELAYED: delayed - due}
    counts.update({state: int(n) for state, n in zip(_COUNTED, r[3:7], strict=True)})
    oldest, first_delayed = r[7], r[8]
    return QueueState(
        name=name,
        paused=paused,
        counts=counts,
        oldest_waiting_at=float(oldest[0][1]) if oldest else None,
        next_run_at=float(first_delayed[0][1]) if first_delayed else None,
    )
