"""One tail of the store's event feed per process, fanned out to per-job, per-owner and
whole-feed subscribers, and to listeners (the Socket.IO bridge) that route events on
their own.

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
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from genqueue.engine.engine import Engine
from genqueue.engine.errors import GenqueueError
from genqueue.engine.events import Event

log = logging.getLogger("genqueue.realtime")

POLL_SECONDS = 0.025
BATCH = 500
QUEUE_SIZE = 1000
ERROR_BACKOFF_SECONDS = 1.0
EVERYTHING = "all"

FRAMES_KEPT = 4096
Listener = Callable[[Event], None]
Encoder = Callable[[Event], bytes]
"""Called on the loop for every event of the feed, in order; it must not block."""


class Sink(Protocol):
    """Takes a subscription's events as the hub dispatches them (see `Subscription.attach`).
    Its methods run inside the hub's dispatch: they must not block, and must not raise.
    A sink may hold what it is offered until `flush`, which the hub calls once the batch
    of events it read from the feed is dispatched if the sink asked with `EventHub.defer`
    (so a subscriber with several events in one batch gets them in one write)."""

    def offer(self, event: Event) -> None: ...

    def flush(self) -> None: ...

    def end(self) -> None: ...


class Subscription:
    """Events of one job or one owner, in feed order, in a bounded queue (or, once a sink
    is attached, handed to the sink as they come).

    When a slow reader lets the queue fill up, the subscription is marked `overflowed`
    and gets no more events: its reader should end the stream (an SSE client then
    reconnects with Last-Event-ID and replays what it missed).

    The queue is a deque with one waiter future rather than an `asyncio.Queue` read
    through `wait_for`: that made a task and a timeout per event per subscriber, the
    larger part of the fan-out's cost.
    """

    def __init__(self, hub: EventHub, key: str, start_id: str) -> None:
        self.hub = hub
        self.key = key
        self.start_id = start_id
        self.overflowed = False
        self.ended = False
        """Set when the process shuts down: the reader should end its stream now."""
        self.queue: deque[Event] = deque()
        self.sink: Sink | None = None
        self._waiter: asyncio.Future[None] | None = None

    def attach(self, sink: Sink) -> list[Event]:
        """From now on every event goes to `sink` at dispatch instead of the queue; returns
        the events queued so far, which the caller hands on first (they come before)."""
        events = list(self.queue)
        self.queue.clear()
        self.sink = sink
        return events

    def offer(self, event: Event) -> None:
        if self.overflowed or self.ended:
            return
        if self.sink is not None:
            self.sink.offer(event)
            return
        if len(self.queue) >= QUEUE_SIZE:
            self.overflowed = True
        else:
            self.queue.append(event)
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next(self, wait_seconds: float) -> Event | None:
        """The next event, or None after `wait_seconds`, once overflowed or once ended."""
        if not self.queue and not self.ended and not self.overflowed:
            loop = asyncio.get_running_loop()
            self._waiter = waiter = loop.create_future()
            timer = loop.call_later(wait_seconds, _resolve, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
        if self.ended or not self.queue:
            return None
        return self.queue.popleft()

    def ready(self) -> list[Event]:
        """The events already queued, taken at once without waiting (none once ended)."""
        if self.ended:
            return []
        events = list(self.queue)
        self.queue.clear()
        return events

    def end(self) -> None:
        self.ended = True
        if self.sink is not None:
            self.sink.end()
        self._wake()

    def close(self) -> None:
        self.hub.unsubscribe(self)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class EventHub:
    def __init__(self, engine: Engine, poll_seconds: float = POLL_SECONDS) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.cursor: str | None = None
        self._subscribers: dict[str, set[Subscription]] = {}
        self._listeners: list[Listener] = []
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._frames: OrderedDict[tuple[Encoder, str], bytes] = OrderedDict()
        self._deferred: list[Sink] = []

    def encoded(self, event: Event, encoder: Encoder) -> bytes:
        """`encoder(event)`, computed once per event however many subscribers send it
        (the latest FRAMES_KEPT encodings are kept; ids are unique within the hub's feed)."""
        key = (encoder, event.id)
        frame = self._frames.get(key)
        if frame is None:
            frame = self._frames[key] = encoder(event)
            if len(self._frames) > FRAMES_KEPT:
                self._frames.popitem(last=False)
        return frame

    def defer(self, sink: Sink) -> None:
        """Calls `sink.flush()` once the events being dispatched now are all offered."""
        self._deferred.append(sink)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._tail())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def subscribe(
        self, *, job_id: str | None = None, owner: str | None = None, everything: bool = False
    ) -> Subscription:
        """Events of `job_id`, of every job of `owner`, or of the whole feed (admins),
        committed from now on."""
        if (job_id is not None) + (owner is not None) + everything != 1:
            raise ValueError("subscribe to one job, to one owner or to everything")
        if job_id is not None:
            key = f"job:{job_id}"
        elif owner is not None:
            key = f"owner:{owner}"
        else:
            key = EVERYTHING
        async with self._lock:
            await self._start_tailing()
            subscription = Subscription(self, key, self.cursor or "")
            self._subscribers.setdefault(key, set()).add(subscription)
        return subscription

    async def add_listener(self, listener: Listener) -> str:
        """Call `listener` with every event committed from now on; returns the id of the
        last event before them (where a caller's replay of the feed should stop)."""
        async with self._lock:
            await self._start_tailing()
            self._listeners.append(listener)
            return self.cursor or ""

    def remove_listener(self, listener: Listener) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    async def _start_tailing(self) -> None:
        """Under the lock: bring the cursor to the feed's end before a new consumer joins."""
        if not self._listening:
            self.cursor = await self.engine.store.last_event_id()
        await self._catch_up()

    @property
    def _listening(self) -> bool:
        return bool(self._subscribers or self._listeners)

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
                if self._listening:
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
            self._flush()
            if events:
                self.cursor = events[-1].id
            if len(events) < BATCH:
                return

    def _flush(self) -> None:
        deferred, self._deferred = self._deferred, []
        for sink in deferred:
            try:
                sink.flush()
            except Exception:
                log.exception("an event sink failed to flush")

    def _dispatch(self, event: Event) -> None:
        for key in (f"job:{event.job_id}", f"owner:{event.owner}", EVERYTHING):
            for subscription in self._subscribers.get(key, ()):
                subscription.offer(event)
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("event listener failed on %s", event.id)
