"""Routes the hub's events to subscribed connections: one hub listener per process, held
only while some connection subscribes, each event encoded once for all its recipients.

Rooms are `job:<jobId>` (a job's subscribers) and `owner:<userId>` (subscribe_to_my_jobs).
A connection in both gets an event once. After a job's final event its subscribers leave
its room. `last_seen` is the id of the last event routed: a subscriber joining now gets
every later event live, and the ones before from a replay up to `last_seen`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from genqueue.api.socketio import messages
from genqueue.api.socketio.connections import Connection, Resume, outgoing
from genqueue.engine.events import Event
from genqueue.realtime.hub import EventHub


def job_room(job_id: str) -> str:
    return f"job:{job_id}"


def owner_room(user_id: str) -> str:
    return f"owner:{user_id}"


class Fanout:
    def __init__(
        self, hub: Callable[[], EventHub], on_room: Callable[[Connection, str, bool], None]
    ) -> None:
        self._hub = hub
        self._on_room = on_room
        """Mirrors joins (True) and leaves (False) into python-socketio's room table."""
        self.by_job: dict[str, dict[str, Connection]] = {}
        self.by_owner: dict[str, dict[str, Connection]] = {}
        self.last_seen = ""
        self._listening: EventHub | None = None
        self._lock = asyncio.Lock()

    async def listen(self) -> None:
        """Registers the hub listener unless it is; `last_seen` is then the feed's end."""
        async with self._lock:
            if self._listening is None:
                hub = self._hub()
                self.last_seen = await hub.add_listener(self.route)
                self._listening = hub

    def route(self, event: Event) -> None:
        self.last_seen = event.id
        jobs = self.by_job.get(event.job_id)
        owners = self.by_owner.get(event.owner)
        if not jobs and not owners:
            return
        packet = outgoing(messages.encode(*messages.event_message(event)))
        # Taken before a final event empties the job's room: a socket in both rooms gets
        # the event once, from the job's room.
        in_job_room = set(jobs) if jobs and owners else ()
        if jobs:
            if event.kind.is_final:
                for connection in list(jobs.values()):
                    connection.receive(event, packet)
                    if event.job_id not in connection.resuming:
                        self.leave_job(connection, event.job_id)
            else:
                for connection in jobs.values():
                    connection.receive(event, packet)
        if owners:
            for sid, connection in owners.items():
                if sid not in in_job_room:
                    connection.deliver(packet)

    def join_job(self, connection: Connection, job_id: str) -> None:
        self.by_job.setdefault(job_id, {})[connection.sid] = connection
        connection.jobs.add(job_id)
        self._on_room(connection, job_room(job_id), True)

    def leave_job(self, connection: Connection, job_id: str) -> None:
        connection.jobs.discard(job_id)
        connection.resuming.pop(job_id, None)
        room = self.by_job.get(job_id)
        if room is not None:
            room.pop(connection.sid, None)
            if not room:
                del self.by_job[job_id]
        self._on_room(connection, job_room(job_id), False)
        self._stop_if_idle()

    def join_owner(self, connection: Connection) -> None:
        user = connection.principal.user_id
        self.by_owner.setdefault(user, {})[connection.sid] = connection
        connection.my_jobs = True
        self._on_room(connection, owner_room(user), True)

    def leave_owner(self, connection: Connection) -> None:
        user = connection.principal.user_id
        connection.my_jobs = False
        room = self.by_owner.get(user)
        if room is not None:
            room.pop(connection.sid, None)
            if not room:
                del self.by_owner[user]
        self._on_room(connection, owner_room(user), False)
        self._stop_if_idle()

    def drop(self, connection: Connection) -> None:
        """A closed connection leaves every room."""
        for job_id in list(connection.jobs):
            self.leave_job(connection, job_id)
        if connection.my_jobs:
            self.leave_owner(connection)

    def send(self, connection: Connection, name: str, payload: dict[str, Any]) -> None:
        connection.deliver(outgoing(messages.encode(name, payload)))

    def finish_resume(self, connection: Connection, job_id: str, resume: Resume) -> None:
        """Sends the events held while the replay ran (those the replay did not send),
        then the job is live; a final event among them ends the subscription."""
        ended = False
        for event, packet in resume.held:
            if event.id in resume.sent:
                continue
            connection.deliver(packet)
            ended = event.kind.is_final
        connection.resuming.pop(job_id, None)
        if ended and not connection.closed:
            self.leave_job(connection, job_id)

    def _stop_if_idle(self) -> None:
        if self._listening is not None and not self.by_job and not self.by_owner:
            self._listening.remove_listener(self.route)
            self._listening = None
