"""Script calls made in the same turn of the event loop go to Redis as one pipeline.

A worker writes a batch of completions and claims the next jobs at the same moment; sent
together they cost one round trip instead of two (ioredis calls this auto-pipelining). A
call alone is sent as it is. Calls stay independent: each gets its own reply or error, and
one that finds its script gone (NOSCRIPT) loads it and runs again by itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError

from genqueue.stores.redis.scripts import Scripts


@dataclass(slots=True)
class _Call:
    name: str
    key: str
    args: list[Any]
    reply: asyncio.Future[Any]


class Pipeliner:
    def __init__(self, client: Any, scripts: Scripts) -> None:
        self._client = client
        self._scripts = scripts
        self._joining: list[_Call] | None = None
        """Calls waiting for the first call of this turn, which sends them all."""
        self._sending: set[asyncio.Task[None]] = set()

    async def run(self, name: str, key: str, args: list[Any]) -> Any:
        loop = asyncio.get_running_loop()
        call = _Call(name, key, args, loop.create_future())
        if self._joining is not None:
            self._joining.append(call)
            return await call.reply
        self._joining = []
        try:
            await asyncio.sleep(0)  # one turn of the loop, for other calls to join
        except asyncio.CancelledError:
            self._dispatch(self._take_joined())  # the calls that joined still get answers
            raise
        joined = self._take_joined()
        if not joined:
            return await self._scripts.run(self._client, name, key, args)
        self._dispatch([call, *joined])
        return await call.reply

    def _take_joined(self) -> list[_Call]:
        joined, self._joining = self._joining or [], None
        return joined

    def _dispatch(self, calls: list[_Call]) -> None:
        """Send from a task of its own, so that cancelling one caller fails no other call."""
        if not calls:
            return
        task = asyncio.ensure_future(self._send(calls))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, calls: list[_Call]) -> None:
        try:
            await self._send_all(calls)
        finally:
            for call in calls:  # whatever went wrong, no caller waits forever
                _settle(call, error=RedisConnectionError("the pipeline ended without a reply"))

    async def _send_all(self, calls: list[_Call]) -> None:
        if len(calls) == 1:
            await self._one(calls[0])
            return
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for call in calls:
                    pipe.evalsha(self._scripts.sha[call.name], 1, call.key, *call.args)
                replies = await pipe.execute(raise_on_error=False)
        except Exception as exc:
            for call in calls:
                _settle(call, error=exc)
            return
        for call, reply in zip(calls, replies, strict=True):
            if isinstance(reply, NoScriptError):
                await self._one(call)  # loads the script and runs the call again
            elif isinstance(reply, Exception):
                _settle(call, error=reply)
            else:
                _settle(call, reply)

    async def _one(self, call: _Call) -> None:
        try:
            reply = await self._scripts.run(self._client, call.name, call.key, call.args)
        except Exception as exc:
            _settle(call, error=exc)
        else:
            _settle(call, reply)

    async def close(self) -> None:
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)


def _settle(call: _Call, reply: Any = None, error: Exception | None = None) -> None:
    if call.reply.done():
        return
    if error is None:
        call.reply.set_result(reply)
    else:
        call.reply.set_exception(error)
