"""What every part of the Redis store shares: the clients, the keys and script calls."""

from __future__ import annotations

import itertools
from typing import Any

from genqueue.engine.errors import (
    IdempotencyConflict,
    InsufficientCredits,
    InvalidTransition,
    JobNotFound,
    LeaseLost,
)
from genqueue.engine.job import Job
from genqueue.stores.redis.codec import job_from_flat, num
from genqueue.stores.redis.connection import Target, at_edge, close, connect, parse_url
from genqueue.stores.redis.keys import Keys
from genqueue.stores.redis.pipeliner import Pipeliner
from genqueue.stores.redis.scripts import Code, Scripts

DEFAULT_EVENTS_KEPT = 100_000


class RedisBase:
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "genqueue",
        initial_credits: int = 100,
        events_kept: int = DEFAULT_EVENTS_KEPT,
    ) -> None:
        target: Target = parse_url(url)
        self.keys = Keys.for_prefix(target.prefix or prefix)
        self.initial_credits = initial_credits
        self.events_kept = events_kept
        # Typed Any: with decode_responses every reply is str, which redis-py's types cannot say.
        self.redis: Any = connect(target)
        self._blocking: Any = connect(target, blocking=True)
        self._scripts = Scripts()
        self._pipeliner = None if target.cluster else Pipeliner(self.redis, self._scripts)
        self._served: list[str] = []
        """Queues of the last claim: the wake lists `wait_for_work` listens on."""
        self._next_due: float | None = None
        self._throttled_until: float | None = None
        self._rotation = itertools.count()

    # -- lifecycle ------------------------------------------------------------------

    @at_edge
    async def setup(self) -> None:
        await self._scripts.load_all(self.redis)

    async def close(self) -> None:
        if self._pipeliner is not None:
            await self._pipeliner.close()
        await close(self.redis)
        await close(self._blocking)

    @at_edge
    async def ping(self) -> None:
        await self.redis.ping()

    # -- calling scripts ------------------------------------------------------------

    async def _run(self, name: str, key: str, now: float, *args: Any) -> Any:
        common = [self.keys.base, num(now), str(self.initial_credits), str(self.events_kept)]
        if self._pipeliner is None:
            return await self._scripts.run(self.redis, name, key, [*common, *args])
        return await self._pipeliner.run(name, key, [*common, *args])

    async def _transition(self, name: str, job_id: str, now: float, *args: Any) -> Job:
        """A script on one job that answers {code, ...}; the codes become typed errors."""
        reply = await self._run(name, self.keys.job(job_id), now, job_id, *args)
        return self._job_or_raise(reply, job_id, name)

    @staticmethod
    def _job_or_raise(reply: list[Any], job_id: str, action: str) -> Job:
        code = Code(reply[0])
        if code is Code.OK:
            return job_from_flat(reply[1])
        if code is Code.LEASE_LOST:
            raise LeaseLost(job_id)
        if code is Code.NOT_FOUND:
            raise JobNotFound(job_id)
        if code is Code.INVALID_STATE:
            raise InvalidTransition(job_id, str(reply[1]), action.replace("requeue", "retry"))
        if code is Code.INSUFFICIENT_CREDITS:
            raise InsufficientCredits(str(reply[3]), int(reply[1]), int(reply[2]))
        if code is Code.IDEMPOTENCY_CONFLICT:
            raise IdempotencyConflict("", str(reply[1]))
        raise RuntimeError(f"script {action} answered {code!r}")
