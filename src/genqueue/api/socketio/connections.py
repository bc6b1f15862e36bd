"""One Socket.IO connection's state, and the per-user connection cap.

A connection on a websocket gets its packets written straight to the websocket's ASGI
`send` from the hub's dispatch, stepped by hand (`realtime.stepping`): a delivery that
need not wait costs no task switch, where engine.io's own path wakes the socket's writer
task (and makes a task for its `wait_for`) per packet. A send that has to wait (a slow
reader) is finished by a task of the connection, and later packets queue behind it in
order. This starts once engine.io's own queue is empty (its CONNECT packet and
`connection_confirmed` are out), and every later packet of ours takes it; engine.io's
own packets (pings, acks) keep their path — each websocket message is written whole, so
the two never mix within a frame. Long-polling connections (and a socket not yet
upgraded) have their packets put on the engine.io socket's outgoing queue, which its
long-polling GET drains: the queue `AsyncSocket.send` fills, without a coroutine per
recipient.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engineio import packet as eio_packet
from starlette.types import Send

from genqueue.api.auth import Principal
from genqueue.engine.events import Event
from genqueue.realtime.stepping import Suspended, finish, step

log = logging.getLogger("genqueue.socketio")

MAX_QUEUED_PACKETS = 5000
"""A client this far behind is disconnected; it reconnects and resumes with lastEventId."""


class TooManyConnections(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One engine.io MESSAGE packet, encoded once and shared by every recipient: as a
    packet for engine.io's queue, and as the ASGI message that writes it to a websocket."""

    packet: Any
    message: dict[str, Any]


def outgoing(text: str) -> Outgoing:
    packet = eio_packet.Packet(eio_packet.MESSAGE, data=text)
    return Outgoing(packet, {"type": "websocket.send", "text": packet.encode()})


@dataclass
class Resume:
    """Live events of a job held back while its replay (or snapshot) is being sent."""

    held: list[tuple[Event, Outgoing]] = field(default_factory=list)
    sent: set[str] = field(default_factory=set)


@dataclass(eq=False)
class Connection:
    sid: str
    socket: Any
    """engineio's AsyncSocket: the same object for polling and after the websocket upgrade."""
    principal: Principal
    expires_at: float
    on_overflow: Callable[[Connection], None]
    jobs: set[str] = field(default_factory=set)
    my_jobs: bool = False
    resuming: dict[str, Resume] = field(default_factory=dict)
    expiry: asyncio.TimerHandle | None = None
    closed: bool = False
    overflowed: bool = False
    ws_send: Send | None = None
    """The ASGI send of the connection's websocket, once known (see SocketServer)."""
    find_ws_send: Callable[[str], Send | None] | None = None
    """Looks up the websocket of an upgraded long-polling socket by its engine.io sid."""
    direct: bool = False
    """Packets of ours go to `ws_send`, no longer through engine.io's queue."""
    _pending: deque[dict[str, Any]] = field(default_factory=deque)
    _busy: asyncio.Task[None] | None = None

    def deliver(self, out: Outgoing) -> None:
        socket = self.socket
        if self.closed or socket.closed or socket.closing:
            return
        if self.direct:
            self._write(out.message)
            return
        if socket.upgraded and not socket.queue.qsize():
            if self.ws_send is None and self.find_ws_send is not None:
                self.ws_send = self.find_ws_send(socket.sid)
            if self.ws_send is not None:
                self.direct = True
                self._write(out.message)
                return
        if socket.queue.qsize() >= MAX_QUEUED_PACKETS:
            self._overflow()
            return
        socket.queue.put_nowait(out.packet)

    def _write(self, message: dict[str, Any]) -> None:
        if self._busy is not None:
            if len(self._pending) >= MAX_QUEUED_PACKETS:
                self._overflow()
            else:
                self._pending.append(message)
            return
        assert self.ws_send is not None
        try:
            suspended = step(self.ws_send(message))
        except Exception:  # the websocket is gone: engine.io closes the connection
            self.closed = True
            return
        if suspended is not None:
            log.debug("socket %s is behind: its packets queue until it reads", self.sid)
            self._busy = asyncio.ensure_future(self._drain(suspended))

    async def _drain(self, suspended: Suspended) -> None:
        assert self.ws_send is not None
        try:
            await finish(suspended)
            while self._pending and not self.closed:
                await self.ws_send(self._pending.popleft())
        except Exception:
            self.closed = True
        finally:
            self._busy = None

    def _overflow(self) -> None:
        if not self.overflowed:
            self.overflowed = True
            self.on_overflow(self)

    def stop(self) -> None:
        """The connection closed: what is queued here is dropped."""
        self.closed = True
        self._pending.clear()
        if self._busy is not None:
            self._busy.cancel()

    def receive(self, event: Event, out: Outgoing) -> None:
        """A live event of one of its jobs: held while that job's replay runs."""
        if self.resuming:
            resume = self.resuming.get(event.job_id)
            if resume is not None:
                resume.held.append((event, out))
                return
        self.deliver(out)


class Connections:
    """Every open connection of this process, by sid, capped per user."""

    def __init__(self, max_per_user: int) -> None:
        self.max_per_user = max_per_user
        self.by_sid: dict[str, Connection] = {}
        self._per_user: dict[str, int] = {}

    def add(self, connection: Connection) -> None:
        user = connection.principal.user_id
        count = self._per_user.get(user, 0)
        if count >= self.max_per_user:
            raise TooManyConnections(
                f"too many connections for this user: at most {self.max_per_user} at once"
            )
        self._per_user[user] = count + 1
        self.by_sid[connection.sid] = connection

    def remove(self, sid: str) -> Connection | None:
        connection = self.by_sid.pop(sid, None)
        if connection is None:
            return None
        connection.stop()
        if connection.expiry is not None:
            connection.expiry.cancel()
        user = connection.principal.user_id
        left = self._per_user.get(user, 1) - 1
        if left > 0:
            self._per_user[user] = left
        else:
            self._per_user.pop(user, None)
        return connection
