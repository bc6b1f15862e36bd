"""An SSE response written from the event hub's dispatch: no task, generator or queue per
event per subscriber.

After its prelude (a replay or a snapshot, sent from the request's own task), the
response attaches itself to its subscription as the sink. The events the hub dispatches
from one read of the feed are then sent right there, in one write per subscriber (one
event each when the server keeps up, several once it falls behind): the ASGI `send`
coroutine is stepped by hand
(`realtime.stepping`), and when the transport takes the bytes at once — no backpressure,
the usual case — the delivery is over without a task switch. When `send` has to wait (a
slow reader filled its socket buffer), a task of this response finishes that send and
the events that come meanwhile queue here, to be written as one chunk after it; a
reader QUEUE_SIZE events behind gets what is queued and then the end of the stream (it
reconnects with Last-Event-ID). Other readers never wait for a slow one: its queue is
its own.

The request's task waits for the end of the stream: the job's final event (with
`until_final`), an overflow, the hub ending every subscription at shutdown, or the
client going away (`http.disconnect`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Mapping

from starlette.background import BackgroundTask
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from genqueue.engine.events import Event
from genqueue.realtime.hub import QUEUE_SIZE, Encoder, Subscription
from genqueue.realtime.stepping import Suspended, finish, step

log = logging.getLogger("genqueue.api.live")

HEARTBEAT = b": heartbeat\n\n"


class LiveStream(Response):
    media_type = "text/event-stream"

    def __init__(
        self,
        subscription: Subscription,
        prelude: AsyncGenerator[bytes | None, None],
        encoder: Encoder,
        *,
        until_final: bool,
        heartbeat_seconds: float,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """`prelude` yields the frames sent before the live events; a None from it ends the
        stream there. With `until_final` the stream ends after a final event."""
        self.status_code = 200
        self.background: BackgroundTask | None = None
        self.init_headers(headers)
        self.subscription = subscription
        self.prelude = prelude
        self.encoder = encoder
        self.until_final = until_final
        self.heartbeat_seconds = heartbeat_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        loop = asyncio.get_running_loop()
        gone = loop.create_task(_disconnected(receive))
        writer: _LiveWriter | None = None
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            if await self._send_prelude(send, gone):
                writer = _LiveWriter(self, send, loop)
                writer.start()
                await asyncio.wait((writer.done, gone), return_when=asyncio.FIRST_COMPLETED)
        finally:
            await self.prelude.aclose()
            self.subscription.close()
            gone.cancel()
            if writer is not None:
                await writer.close()
            with contextlib.suppress(asyncio.CancelledError):
                await gone
        if writer is not None and writer.done.done():
            writer.done.result()  # a send that failed raises here

    async def _send_prelude(self, send: Send, gone: asyncio.Task[None]) -> bool:
        """True when the stream goes on with the live events."""
        async for frame in self.prelude:
            if frame is None or gone.done():
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return False
            await send({"type": "http.response.body", "body": frame, "more_body": True})
        return True


class _LiveWriter:
    """The subscription's sink once the prelude is sent: writes each event as the hub
    dispatches it, or queues it behind a send that has to wait."""

    def __init__(self, stream: LiveStream, send: Send, loop: asyncio.AbstractEventLoop) -> None:
        self.subscription = stream.subscription
        self.encoder = stream.encoder
        self.until_final = stream.until_final
        self.heartbeat_seconds = stream.heartbeat_seconds
        self.send = send
        self.loop = loop
        """Kept: `asyncio.get_running_loop()` costs a getpid() call (Python 3.11)."""
        self.done: asyncio.Future[None] = loop.create_future()
        """Resolved once the stream's last body message is sent (or a send failed)."""
        self._batch: list[Event] = []
        """Offered during the hub's current dispatch, written at its `flush`."""
        self._pending: list[bytes] = []
        self._busy: asyncio.Task[None] | None = None
        """The task finishing a send that had to wait; frames queue meanwhile."""
        self._closing = False
        """No more frames are taken: the stream ends once the queued ones are sent."""
        self._terminated = False
        """The last body message (`more_body` False) has been handed to `send`."""
        self._last_write = loop.time()
        self._beat: asyncio.TimerHandle | None = None

    def start(self) -> None:
        subscription = self.subscription
        held = subscription.attach(self)
        self._beat = self.loop.call_at(self._last_write + self.heartbeat_seconds, self._heartbeat)
        if subscription.ended:
            self.end()
            return
        if held:
            self._take(held)
        if subscription.overflowed:
            self._overflow()

    # Sink: called by the hub's dispatch, in feed order

    def offer(self, event: Event) -> None:
        if not self._closing:
            if not self._batch:
                self.subscription.hub.defer(self)
            self._batch.append(event)

    def flush(self) -> None:
        batch, self._batch = self._batch, []
        if batch and not self._closing:
            self._take(batch)

    def end(self) -> None:
        """The server is stopping: the stream ends now, queued frames dropped."""
        self._batch.clear()
        self._pending.clear()
        self._stop_taking()

    def _take(self, events: list[Event]) -> None:
        frames = []
        final = False
        for event in events:
            frames.append(self.subscription.hub.encoded(event, self.encoder))
            if self.until_final and event.kind.is_final:
                final = True
                break
        if self._busy is not None:
            if len(self._pending) + len(frames) > QUEUE_SIZE:
                self._overflow()
                return
            self._pending.extend(frames)
            if final:
                self._closing = True
            return
        if final:
            self._closing = True
        self._write(frames[0] if len(frames) == 1 else b"".join(frames), more=not final)

    def _overflow(self) -> None:
        """A reader this far behind gets what is queued, then the end of the stream."""
        self.subscription.overflowed = True
        self._stop_taking()

    def _stop_taking(self) -> None:
        self._closing = True
        if self._busy is None and not self._terminated:
            self._write(b"", more=False)

    def _write(self, body: bytes, *, more: bool) -> None:
        """Sends one body message now; when `send` has to wait, a task finishes it and
        what queues meanwhile."""
        if not more:
            self._terminated = True
        coro = self.send({"type": "http.response.body", "body": body, "more_body": more})
        self._last_write = self.loop.time()
        try:
            suspended = step(coro)
        except Exception as exc:
            self._fail(exc)
            return
        if suspended is None:
            if not more:
                self._finished()
            return
        log.debug("an event stream's reader is behind: its events queue until it reads")
        self._busy = self.loop.create_task(self._drain(suspended))

    async def _drain(self, suspended: Suspended) -> None:
        try:
            await finish(suspended)
            while self._pending or (self._closing and not self._terminated):
                chunk = b"".join(self._pending)
                self._pending.clear()
                more = not self._closing
                self._terminated = not more
                await self.send({"type": "http.response.body", "body": chunk, "more_body": more})
            self._last_write = self.loop.time()
        except Exception as exc:
            self._fail(exc)
            return
        finally:
            self._busy = None
        if self._terminated:
            self._finished()

    def _heartbeat(self) -> None:
        if self._closing:
            return
        now = self.loop.time()
        due = self._last_write + self.heartbeat_seconds
        if now >= due:
            if self._busy is None:
                self._write(HEARTBEAT, more=True)
            due = now + self.heartbeat_seconds
        self._beat = self.loop.call_at(due, self._heartbeat)

    def _finished(self) -> None:
        if not self.done.done():
            self.done.set_result(None)

    def _fail(self, exc: Exception) -> None:
        log.warning("an event stream failed to send: %r", exc)
        self._closing = self._terminated = True
        if not self.done.done():
            self.done.set_exception(exc)

    async def close(self) -> None:
        self._closing = True
        if self._beat is not None:
            self._beat.cancel()
        busy = self._busy
        if busy is not None:
            busy.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await busy


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
