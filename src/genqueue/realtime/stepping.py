"""Running a coroutine by hand from a plain callback, so that a send that does not have to
wait costs no task and no task switch.

`step(awaitable)` runs it in the caller's frame up to its first suspension. Most sends of a
fan-out never suspend (the transport takes the bytes at once) and end there. One that
does suspend — backpressure from a slow reader — is handed to `finish`, which a task
awaits to run the rest exactly as a task would have run it from the start. This uses
only the coroutine protocol (`send`/`throw`), asyncio's future protocol (the
`_asyncio_future_blocking` flag a task clears on a yielded future, there since Python
3.5) and `await` on what the coroutine yielded (an asyncio future, or None for a bare
yield).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine, Generator
from types import CoroutineType
from typing import Any

Suspended = tuple[Generator[Any, None, Any] | Coroutine[Any, None, Any], Any]
"""A stepped awaitable's iterator and what it yielded when it suspended."""


def step(awaitable: Awaitable[Any]) -> Suspended | None:
    """Runs `awaitable` until it ends (None) or suspends (then what `finish` needs to run
    the rest); its exception propagates."""
    # a coroutine is its own iterator; anything else awaitable gives one
    coro = awaitable if type(awaitable) is CoroutineType else awaitable.__await__()
    try:
        return coro, coro.send(None)
    except StopIteration:
        return None


async def finish(suspended: Suspended) -> None:
    """Runs an awaitable that `step` left suspended to its end in this task."""
    coro, waiting = suspended
    while True:
        try:
            if waiting is None:
                await asyncio.sleep(0)
            else:
                # What a task does with a future its coroutine yields: the coroutine's
                # `await` marked it blocking (asyncio's future protocol), and an `await` of a
                # pending future so marked refuses ("await wasn't used with future").
                waiting._asyncio_future_blocking = False
                await waiting
        except BaseException as exc:  # cancelled (or the future failed): the coroutine decides
            try:
                waiting = coro.throw(exc)
            except StopIteration:
                return
            continue
        try:
            waiting = coro.send(None)
        except StopIteration:
            return
