"""Socket.IO tests: the API served by uvicorn (with its websocket support) on a free
loopback port inside the test's loop, on every store of tests/api/conftest.py, and the
real python-socketio AsyncClient."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
import uvicorn

from genqueue.api import create_app
from genqueue.config import Settings
from tests.api.conftest import (
    SECRET,
    STEP_SECONDS,
    Api,
    eventually,
    free_socket,
    make_token,
    store_url,
)

__all__ = ["store_url"]

FINAL = {"job_completed", "job_failed"}
JOB_EVENTS = ("job_progress", "job_completed", "job_failed", "job_status", "job_partial")
WAIT_SECONDS = 15.0


@dataclass
class Received:
    name: str
    data: Any
    at: float
    """Wall-clock time of receipt (Unix s), to compare with the event's own `at`."""


@dataclass
class Client:
    """A python-socketio AsyncClient that records every event it gets, in order."""

    sio: socketio.AsyncClient
    events: list[Received] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)
    disconnects: list[Any] = field(default_factory=list)

    def of_job(self, job_id: str) -> list[Received]:
        return [
            e for e in self.events if isinstance(e.data, dict) and e.data.get("jobId") == job_id
        ]

    def names(self, job_id: str) -> list[str]:
        return [e.name for e in self.of_job(job_id)]

    async def until_final(self, job_id: str) -> list[Received]:
        async def done() -> list[Received] | None:
            events = self.of_job(job_id)
            return events if any(e.name in FINAL for e in events) else None

        return await eventually(done)

    async def call(self, name: str, data: Any = None) -> Any:
        return await self.sio.call(name, data, timeout=10)


def record(sio: socketio.AsyncClient, client: Client) -> None:
    for name in (*JOB_EVENTS, "connection_confirmed", "pong", "error"):
        sio.on(name, _recorder(client, name))

    async def on_connect_error(data: Any) -> None:
        client.errors.append(data)

    async def on_disconnect(reason: Any = None) -> None:
        client.disconnects.append(reason)

    sio.on("connect_error", on_connect_error)
    sio.on("disconnect", on_disconnect)


def _recorder(client: Client, name: str) -> Callable[[Any], Awaitable[None]]:
    async def handler(data: Any = None) -> None:
        client.events.append(Received(name, data, time.time()))

    return handler


Connect = Callable[..., Awaitable[Client]]


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    """Connects a recording client to `url`: auth `{token}` unless `auth` or `headers` say
    otherwise; `transports` as python-socketio takes them."""
    clients: list[socketio.AsyncClient] = []

    async def open_client(
        url: str,
        token: str | None = None,
        *,
        auth: Any = None,
        headers: dict[str, str] | None = None,
        transports: list[str] | None = None,
        query: str = "",
        reconnection: bool = False,
    ) -> Client:
        sio = socketio.AsyncClient(reconnection=reconnection)
        client = Client(sio)
        record(sio, client)
        clients.append(sio)
        if auth is None and token is not None:
            auth = {"token": token}
        await sio.connect(
            url + query,
            auth=auth,
            headers=headers or {},
            transports=transports or ["websocket"],
            socketio_path="socket.io",
            wait_timeout=10,
        )
        return client

    yield open_client
    for sio in clients:
        if sio.connected:
            await sio.disconnect()
    await asyncio.sleep(0)


StartSio = Callable[..., Awaitable[Api]]


@pytest.fixture
async def start_sio(
    store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[StartSio]:
    """An API server (embedded workers unless overridden) with websocket support, like
    tests/api/conftest.py start_api; stopped after the test."""
    monkeypatch.setenv("GENQUEUE_LOCAL_STEP_SECONDS", STEP_SECONDS)
    running: list[tuple[uvicorn.Server, asyncio.Task[None], httpx.AsyncClient]] = []

    async def start(**overrides: Any) -> Api:
        values: dict[str, Any] = {
            "store_url": store_url,
            "jwt_secret": SECRET,
            "embedded_workers": 4,
            "submit_rate": "100000/minute",
            "api_rate": "100000/minute",
            "shutdown_grace_seconds": 1.0,
            "local_step_seconds": float(STEP_SECONDS),
            "assets_dir": str(tmp_path / "assets"),
        }
        values.update(overrides)
        settings = Settings(**values)
        app = create_app(settings)
        config = uvicorn.Config(
            app,
            log_config=None,
            access_log=False,
            lifespan="on",
            ws="websockets-sansio",
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        sock = free_socket()
        task = asyncio.create_task(server.serve(sockets=[sock]))
        await eventually(lambda: _started(server, task))
        base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        client = httpx.AsyncClient(base_url=base_url, timeout=10.0)
        running.append((server, task, client))
        return Api(base_url, client, settings, app)

    yield start
    for server, task, client in running:
        await client.aclose()
        server.should_exit = True
        await asyncio.wait_for(task, 15)


async def _started(server: uvicorn.Server, task: asyncio.Task[None]) -> bool | None:
    if task.done():
        task.result()
        raise AssertionError("the server stopped during startup")
    return True if server.started else None


def token(user: str = "alice", **kwargs: Any) -> str:
    return make_token(user, **kwargs)


async def submit_demo(api: Api, user: str = "alice", **data: Any) -> str:
    response = await api.submit(user, data=data)
    assert response.status_code == 202, response.text
    job_id: str = response.json()["data"]["jobId"]
    return job_id
