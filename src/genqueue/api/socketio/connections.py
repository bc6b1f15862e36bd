"""One Socket.IO connection's state, and the per-user connection cap.

Packets reach a client by being put straight on its engine.io socket's outgoing queue,
which that socket's websocket writer or long-polling GET drains: the same queue
`AsyncSocket.send` fills, without an asyncio task (or a coroutine) per recipient.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engineio import packet as eio_packet

from genqueue.api.auth import Principal
from genqueue.engine.events import Event

MAX_QUEUED_PACKETS = 5000
"""A client this far behind is disconnected; it reconnects and resumes with lastEventId."""


class TooManyConnections(Exception):
    pass


def message_packet(text: str) -> Any:
    """One engine.io MESSAGE packet, encoded now and shared by every recipient."""
    packet = eio_packet.Packet(eio_packet.MESSAGE, data=text)
    packet.encode()
    return packet


@dataclass
class Resume:
    """Live events of a job held back while its replay (or snapshot) is being sent."""

    held: list[tuple[Event, Any]] = field(default_factory=list)
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

    def deliver(self, packet: Any) -> None:
        socket = self.socket
        if self.closed or socket.closed or socket.closing:
            return
        if socket.queue.qsize() >= MAX_QUEUED_PACKETS:
            if not self.overflowed:
                self.overflowed = True
                self.on_overflow(self)
            return
        socket.queue.put_nowait(packet)

    def receive(self, event: Event, packet: Any) -> None:
        """A live event of one of its jobs: held while that job's replay runs."""
        resume = self.resuming.get(event.job_id)
        if resume is None:
            self.deliver(packet)
        else:
            resume.held.append((event, packet))


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
        connection.closed = True
        if connection.expiry is not None:
            connection.expiry.cancel()
        user = connection.principal.user_id
        left = self._per_user.get(user, 1) - 1
        if left > 0:
            self._per_user[user] = left
        else:
            self._per_user.pop(user, None)
        return connection
