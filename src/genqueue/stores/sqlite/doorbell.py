"""A cheap in-process wake-up for idle workers, polled against a short timer.

`asyncio.wait_for(event.wait(), t)` costs a task and an exception per tick; an idle
worker ticks every millisecond, so this uses one future and one timer handle instead.
"""

from __future__ import annotations

import asyncio


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Doorbell:
    def __init__(self) -> None:
        self._rung = False
        self._waiters: set[asyncio.Future[None]] = set()

    def ring(self) -> None:
        self._rung = True
        for waiter in self._waiters:
            _resolve(waiter)

    async def wait(self, seconds: float) -> bool:
        """Wait at most `seconds`; True when rung meanwhile (or before), which resets it."""
        if not self._rung:
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            timer = loop.call_later(seconds, _resolve, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiters.discard(waiter)
        rung, self._rung = self._rung, False
        return rung
