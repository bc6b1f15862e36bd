"""The python-socketio server: connect (auth, origin, cap, expiry), the client events of
seed 004 (`subscribe_to_job`, `unsubscribe_from_job`, `ping`) and `subscribe_to_my_jobs`,
and the ASGI mount that hands `/socket.io/` to it."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import parse_qs

import socketio
from starlette.types import ASGIApp, Receive, Scope, Send

from genqueue.api.auth import AuthError
from genqueue.api.socketio import messages
from genqueue.api.socketio.connections import Connection, Connections, Resume, TooManyConnections
from genqueue.api.socketio.fanout import Fanout, job_room
from genqueue.api.socketio.gate import admit
from genqueue.api.state import ApiState
from genqueue.api.views import iso
from genqueue.engine.errors import GenqueueError, JobNotFound

log = logging.getLogger("genqueue.socketio")

PATH = "socket.io"
NAMESPACE = "/"
MAX_ID_CHARS = 100
MAX_MESSAGE_BYTES = 64 * 1024
NOT_FOUND = "job not found"


class Refused(Exception):
    """A client request answered with an `error` event (and the same ack)."""


class SocketServer:
    def __init__(self, state: ApiState) -> None:
        settings = state.settings
        self.state = state
        self.sio = socketio.AsyncServer(
            async_mode="asgi",
            cors_allowed_origins=_origins(settings.cors_origins),
            ping_interval=settings.ws_ping_interval // 1000,
            ping_timeout=settings.ws_ping_timeout / 1000,
            max_http_buffer_size=MAX_MESSAGE_BYTES,
            logger=False,
            engineio_logger=False,
        )
        self.connections = Connections(settings.ws_max_per_user)
        self.fanout = Fanout(lambda: state.events, self._mirror_room)
        self._tasks: set[asyncio.Task[None]] = set()
        self.upgrades: dict[str, Send] = {}
        """The ASGI send of each websocket that upgrades a long-polling socket, by its
        engine.io sid, while it is open (SocketMount keeps it)."""
        self.asgi = socketio.ASGIApp(self.sio, socketio_path=PATH)
        handlers = {
            "connect": self._connect,
            "disconnect": self._disconnect,
            "subscribe_to_job": self._subscribe_to_job,
            "unsubscribe_from_job": self._unsubscribe_from_job,
            "subscribe_to_my_jobs": self._subscribe_to_my_jobs,
            "unsubscribe_from_my_jobs": self._unsubscribe_from_my_jobs,
            "ping": self._ping,
        }
        for name, handler in handlers.items():
            self.sio.on(name, handler, namespace=NAMESPACE)

    async def _connect(self, sid: str, environ: dict[str, Any], auth: object = None) -> None:
        try:
            principal, expires_at = await admit(self.state.authenticator, environ, auth)
        except AuthError as exc:
            raise socketio.exceptions.ConnectionRefusedError(
                str(exc), {"code": "unauthorized"}
            ) from None
        eio_sid = self.sio.manager.eio_sid_from_sid(sid, NAMESPACE)
        socket = self.sio.eio.sockets.get(eio_sid)
        if socket is None:
            raise socketio.exceptions.ConnectionRefusedError("the connection is gone")
        connection = Connection(sid, socket, principal, expires_at, self._overflowed)
        scope = environ.get("asgi.scope")
        if isinstance(scope, dict) and scope.get("type") == "websocket":
            connection.ws_send = environ["asgi.send"]  # a websocket from the start
        else:
            connection.find_ws_send = self.upgrades.get
        try:
            self.connections.add(connection)
        except TooManyConnections as exc:
            raise socketio.exceptions.ConnectionRefusedError(
                str(exc), {"code": "too_many_connections"}
            ) from None
        loop = asyncio.get_running_loop()
        delay = max(expires_at - time.time(), 0.0)
        connection.expiry = loop.call_later(delay, self._expired, connection)
        # queued after the CONNECT packet, which the server sends once this returns
        loop.call_soon(self._confirm, connection)

    def _confirm(self, connection: Connection) -> None:
        payload = {
            "socketId": connection.sid,
            "userId": connection.principal.user_id,
            "admin": connection.principal.admin,
            "expiresAt": iso(connection.expires_at),
            "message": "Connection established",
        }
        self.fanout.send(connection, "connection_confirmed", payload)

    async def _disconnect(self, sid: str, reason: object = None) -> None:
        connection = self.connections.remove(sid)
        if connection is not None:
            self.fanout.drop(connection)
            if not connection.socket.upgraded:
                # a client that said goodbye over long-polling still has a GET waiting on
                # the queue: end it now instead of after ping interval + timeout
                connection.socket.queue.put_nowait(None)

    def _expired(self, connection: Connection) -> None:
        self.fanout.send(
            connection, "error", {"message": "the token has expired", "code": "token_expired"}
        )
        self._spawn(self.sio.disconnect(connection.sid, namespace=NAMESPACE))

    def _overflowed(self, connection: Connection) -> None:
        log.warning("socket %s fell %s packets behind: disconnected", connection.sid, "many")
        self._spawn(self.sio.disconnect(connection.sid, namespace=NAMESPACE))

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _mirror_room(self, connection: Connection, room: str, joined: bool) -> None:
        manager = self.sio.manager
        if connection.closed and joined:
            return
        if joined:
            manager.basic_enter_room(connection.sid, NAMESPACE, room)
        elif manager.is_connected(connection.sid, NAMESPACE):
            manager.basic_leave_room(connection.sid, NAMESPACE, room)

    async def _subscribe_to_job(self, sid: str, data: object = None) -> dict[str, Any]:
        connection = self.connections.by_sid.get(sid)
        try:
            if connection is None:
                raise Refused("not connected")
            job_id, last_event_id = _subscription(data)
            await self._subscribe(connection, job_id, last_event_id)
        except Refused as exc:
            return await self._refuse(sid, str(exc), data)
        return {"ok": True, "jobId": job_id, "room": job_room(job_id)}

    async def _subscribe(self, connection: Connection, job_id: str, last: str | None) -> None:
        if job_id in connection.resuming:
            raise Refused("a subscription to this job is being set up")
        if job_id in connection.jobs and last is None:
            return
        await self.fanout.listen()
        boundary = self.fanout.last_seen
        resume = Resume()
        connection.resuming[job_id] = resume
        was_in = job_id in connection.jobs
        self.fanout.join_job(connection, job_id)
        try:
            ended = await self._catch_up(connection, job_id, last, boundary, resume)
        except Refused:
            if not was_in:
                self.fanout.leave_job(connection, job_id)
            connection.resuming.pop(job_id, None)
            raise
        if connection.closed:
            return
        if ended:
            self.fanout.leave_job(connection, job_id)
        else:
            self.fanout.finish_resume(connection, job_id, resume)

    async def _catch_up(
        self, connection: Connection, job_id: str, last: str | None, boundary: str, resume: Resume
    ) -> bool:
        """Sends the replay after `last` (or a snapshot of the job) up to `boundary`;
        True when that ended the job (a final snapshot)."""
        engine = self.state.engine
        try:
            job = await engine.get(job_id)
        except JobNotFound:
            raise Refused(NOT_FOUND) from None
        except GenqueueError as exc:
            raise Refused(str(exc)) from None
        principal = connection.principal
        if job.owner != principal.user_id and not principal.admin:
            raise Refused(NOT_FOUND)
        if last is None:
            name, payload = messages.snapshot_message(job, boundary, engine.clock())
            self.fanout.send(connection, name, payload)
            return job.state.is_final
        try:
            await engine.events_after(last, 1)
            if last != boundary:
                async for event in self.state.events.replay(job_id, last, boundary):
                    self.fanout.send(connection, *messages.event_message(event))
                    resume.sent.add(event.id)
        except GenqueueError as exc:
            raise Refused(f"bad lastEventId: {exc}") from None
        return False

    async def _unsubscribe_from_job(self, sid: str, data: object = None) -> dict[str, Any]:
        connection = self.connections.by_sid.get(sid)
        try:
            if connection is None:
                raise Refused("not connected")
            job_id, _ = _subscription(data)
        except Refused as exc:
            return await self._refuse(sid, str(exc), data)
        if job_id in connection.jobs:
            self.fanout.leave_job(connection, job_id)
        return {"ok": True, "jobId": job_id}

    async def _subscribe_to_my_jobs(self, sid: str, data: object = None) -> dict[str, Any]:
        connection = self.connections.by_sid.get(sid)
        if connection is None:
            return await self._refuse(sid, "not connected", data)
        await self.fanout.listen()
        if not connection.closed and not connection.my_jobs:
            self.fanout.join_owner(connection)
        user = connection.principal.user_id
        return {"ok": True, "room": f"owner:{user}"}

    async def _unsubscribe_from_my_jobs(self, sid: str, data: object = None) -> dict[str, Any]:
        connection = self.connections.by_sid.get(sid)
        if connection is not None and connection.my_jobs:
            self.fanout.leave_owner(connection)
        return {"ok": True}

    async def _ping(self, sid: str, data: object = None) -> dict[str, Any]:
        answer = {"timestamp": int(time.time() * 1000)}
        connection = self.connections.by_sid.get(sid)
        if connection is not None:
            self.fanout.send(connection, "pong", answer)
        return answer

    async def _refuse(self, sid: str, message: str, data: object) -> dict[str, Any]:
        payload: dict[str, Any] = {"message": message, "code": "refused"}
        if isinstance(data, dict) and isinstance(data.get("jobId"), str):
            payload["jobId"] = data["jobId"][:MAX_ID_CHARS]
        connection = self.connections.by_sid.get(sid)
        if connection is not None:
            self.fanout.send(connection, "error", payload)
        return {"ok": False, "error": message}


def _subscription(data: object) -> tuple[str, str | None]:
    """`{jobId, lastEventId?}`; a bare job id string is accepted too."""
    if isinstance(data, str):
        data = {"jobId": data}
    if not isinstance(data, dict):
        raise Refused("send {jobId, lastEventId?}")
    job_id = data.get("jobId")
    if not isinstance(job_id, str) or not 0 < len(job_id) <= MAX_ID_CHARS:
        raise Refused(f"jobId must be a string of 1 to {MAX_ID_CHARS} characters")
    last = data.get("lastEventId")
    if last is not None and (not isinstance(last, str) or not 0 < len(last) <= MAX_ID_CHARS):
        raise Refused(f"lastEventId must be a string of 1 to {MAX_ID_CHARS} characters")
    return job_id, last


def _upgraded_sid(scope: Scope) -> str | None:
    """The engine.io sid a websocket request upgrades (`?sid=…&transport=websocket`)."""
    if scope["type"] != "websocket":
        return None
    sids = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("sid")
    return sids[0] if sids else None


def _origins(configured: list[str]) -> str | list[str] | None:
    """CORS_ORIGINS; unset leaves engine.io's own rule: same origin, or no Origin at all."""
    if not configured:
        return None
    return "*" if "*" in configured else list(configured)


class SocketMount:
    """Pure ASGI middleware: `/socket.io/` goes to the Socket.IO server, the rest on. It
    notes the `send` of a websocket that upgrades a socket (its query names the sid)."""

    def __init__(self, app: ASGIApp, server: SocketServer) -> None:
        self.app = app
        self.server = server
        self.prefix = f"/{PATH}/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and (
            scope["path"] == self.prefix[:-1] or scope["path"].startswith(self.prefix)
        ):
            sid = _upgraded_sid(scope)
            if sid is None:
                await self.server.asgi(scope, receive, send)
                return
            upgrades = self.server.upgrades
            upgrades[sid] = send
            try:
                await self.server.asgi(scope, receive, send)
            finally:
                if upgrades.get(sid) is send:
                    del upgrades[sid]
            return
        await self.app(scope, receive, send)
