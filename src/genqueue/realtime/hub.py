"""One tail of the store's event feed per process, fanned out to per-job and per-owner
subscribers.

The hub reads `engine.events_after(cursor)` every `poll_seconds` while anyone listens
(and not at all while nobody does). A subscription is registered under the same lock
the tail dispatches with, right after a catch-up read, so it receives every event
committed after `Subscription.start_id` and nothing before it: a caller that replays
the feed up to "now" and then reads the subscription misses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from genqueue.engine.engine import Engine
from genqueue.engine.errors import GenqueueError
from genqueue.engine.events import Event

log = logging.getLogger("genqueue.realtime")

POLL_SECONDS = 0.025
BATCH = 500
QUEUE_SIZE = 1000
ERROR_BACKOFF_SECONDS = 1.0


class Subscription:
    """Events of one job or one owner, in feed order, in a bounded queue.

    When a slow reader lets the queue fill up, the subscription is marked `overflowed`
    and gets no more events: its reader should end the stream (an SSE client then
    reconnects with Last-Event-ID and replays what it missed).
    """

    def __init__(self, hub: EventHub, key: str, start_id: str) -> None:
        self.hub = hub
        self.key = key
        self.start_id = start_id
        self.overflowed = False
        self.ended = False
        """Set when the process shuts down: the reader should end its stream now."""
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(QUEUE_SIZE)

    def offer(self, event: Event) -> None:
        if self.overflowed or self.ended:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            self.queue.get_nowait()
            self.queue.put_nowait(None)

    async def next(self, wait_seconds: float) -> Event | None:
        """The next event, or None after `wait_seconds`, once overflowed or once ended."""
        if self.ended or (self.overflowed and self.queue.empty()):
            return None
        try:
            return await asyncio.wait_for(self.queue.get(), wait_seconds)
        except TimeoutError:
            return None

    def end(self) -> None:
        self.ended = True
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(None)

    def close(self) -> None:
        self.hub.unsubscribe(self)


class EventHub:
    def __init__(self, engine: Engine, poll_seconds: float = POLL_SECONDS) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.cursor: str | None = None
        self._subscribers: dict[str, set[Subscription]] = {}
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._tail())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def subscribe(
        self, *, job_id: str | None = None, owner: str | None = None
    ) -> Subscription:
        """Events of `job_id` (or of every job of `owner`) committed from now on."""
        if (job_id is None) == (owner is None):
            raise ValueError("subscribe to one job or to one owner")
        key = f"job:{job_id}" if job_id is not None else f"owner:{owner}"
        async with self._lock:
            if not self._subscribers:
                self.cursor = await self.engine.store.last_event_id()
            await self._catch_up()
            subscription = Subscription(self, key, self.cursor or "")
            self._subscribers.setdefault(key, set()).add(subscription)
        return subscription

    def end_all(self) -> None:
        """End every subscription at once: a server that is stopping must not wait for
        its open streams to close by themselves (clients reconnect elsewhere and resume)."""
        for group in list(self._subscribers.values()):
            for subscription in list(group):
                subscription.end()

    def unsubscribe(self, subscription: Subscription) -> None:
        group = self._subscribers.get(subscription.key)
        if group is not None:
            group.discard(subscription)
            if not group:
                del self._subscribers[subscription.key]

    async def replay(self, job_id: str, after: str, until: str) -> AsyncIterator[Event]:
        """The feed's events of `job_id` after the id `after`, up to and including `until`."""
        cursor = after
        while True:
            events = await self.engine.events_after(cursor, BATCH)
            for event in events:
                if event.job_id == job_id:
                    yield event
                if event.id == until:
                    return
            if len(events) < BATCH:
                return
            cursor = events[-1].id

    async def _tail(self) -> None:
        while True:
            try:
                if self._subscribers:
                    async with self._lock:
                        await self._catch_up()
                await asyncio.sleep(self.poll_seconds)
            except GenqueueError as exc:
                log.warning("event feed unavailable, retrying: %s", exc)
                await asyncio.sleep(ERROR_BACKOFF_SECONDS)

    async def _catch_up(self) -> None:
        while True:
            events = await self.engine.events_after(self.cursor, BATCH)
            for event in events:
                self._dispatch(event)
            if events:
                self.cursor = events[-1].id
            if len(events) < BATCH:
                return

    def _dispatch(self, event: Event) -> None:
        for key in (f"job:{event.job_id}", f"owner:{event.owner}"):
            for subscription in self._subscribers.get(key, ()):
                subscription.offer(event)
