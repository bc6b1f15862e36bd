"""Socket.IO tests: the API served by uvicorn (with its websocket support) on a free
loopback port inside the test's loop, on every store of tests/api/conftest.py, and the
real python-socketio AsyncClient."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.api.conftest import (
    Api,
    eventually,
    make_token,
    start_api,
    store_url,
)

__all__ = ["start_api", "store_url"]

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
        await close(sio)
    await asyncio.sleep(0.05)
    gc.collect()  # what python-engineio's client leaked goes now, under ENGINEIO_LEAK


ENGINEIO_LEAK = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <function Connection.__del__"
    ":pytest.PytestUnraisableExceptionWarning"
)
"""python-engineio's aiohttp client (5.18 / engineio 4.15) can leave the websocket's
aiohttp Connection unreleased after the server ends a socket (refusal, expiry, cap) even
once its session is closed; its __del__ then warns in whatever test runs next. The leak
is the test client's, not the server's: ignored in these tests only, and collected in
each `connect` teardown so that it never reaches tests elsewhere."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(ENGINEIO_LEAK)


async def close(sio: socketio.AsyncClient) -> None:
    """Disconnects the client and closes its aiohttp session: one the server dropped, or
    whose connect failed, still holds it, and the garbage collector would otherwise close
    it in a later test (a ResourceWarning there, an error under filterwarnings=error)."""
    if sio.connected:
        await sio.disconnect()
    http = sio.eio.http
    if http is not None and not http.closed:
        await http.close()


def token(user: str = "alice", **kwargs: Any) -> str:
    return make_token(user, **kwargs)


async def submit_demo(api: Api, user: str = "alice", **data: Any) -> str:
    response = await api.submit(user, data=data)
    assert response.status_code == 202, response.text
    job_id: str = response.json()["data"]["jobId"]
    return job_id
