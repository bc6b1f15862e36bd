"""Socket.IO packets written straight to a connection's websocket (connections.py): over
a websocket from the start and after a long-polling upgrade, with the whole sequence in
order; a reader whose socket buffer is full (a raw loopback socket with a small receive
buffer that stops reading) gets everything in order once it reads on, and one too far
behind is disconnected without holding back the others."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from genqueue.api.socketio.connections import MAX_QUEUED_PACKETS
from tests.api.conftest import DEADLINE_SECONDS, Api, StartApi, make_token, submit_instant_demos

from .conftest import Connect

pytestmark = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)

SMALL_BUFFER = 4096
"""The slow reader's receive buffer and the server's send buffer: the kernel then holds
a few KiB of a connection, not the megabytes of an autotuned loopback connection."""
BEHIND_LOG = "genqueue.socketio"


def _server_connection(api: Api, sid: str) -> Any:
    return api.app.state.socketio.connections.by_sid[sid]


@pytest.mark.parametrize("transports", [["websocket"], ["polling", "websocket"]])
async def test_websocket_connections_get_their_packets_written_directly_in_order(
    start_api: StartApi, connect: Connect, transports: list[str]
) -> None:
    api = await start_api(embedded_workers=2)
    client = await connect(api.base_url, make_token("alice"), transports=transports)
    assert (await client.call("subscribe_to_my_jobs"))["ok"] is True
    if len(transports) == 2:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while client.sio.transport() != "websocket":
            assert time.monotonic() < deadline, "the client never upgraded"
            await asyncio.sleep(0.02)
    job_id = (await api.submit(data={"steps": 20, "stepSeconds": 0})).json()["data"]["jobId"]
    events = await client.until_final(job_id)
    steps = [e.data["current"] for e in events if e.name == "job_progress"]
    assert steps == list(range(1, 21))
    assert events[-1].name == "job_completed"
    assert _server_connection(api, client.sio.get_sid()).direct is True


class RawSocketIo:
    """A Socket.IO client over a websocket on a socket with a small receive buffer, that
    reads only when told to (the websockets client stops reading once a message waits)."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.events: list[tuple[str, Any]] = []
        self.closed = False

    async def emit(self, name: str, data: Any = None) -> None:
        await self.ws.send("42" + json.dumps([name] if data is None else [name, data]))

    async def read_until(self, name: str, times: int, seconds: float = 30) -> None:
        """Reads until `name` has come `times` times, or the server disconnected."""
        deadline = time.monotonic() + seconds
        while sum(n == name for n, _ in self.events) < times:
            try:
                text = await asyncio.wait_for(self.ws.recv(), deadline - time.monotonic())
            except ConnectionClosed:
                self.closed = True
                return
            assert isinstance(text, str)
            if text == "2":
                await self.ws.send("3")
            elif text == "41":
                self.events.append(("disconnect", None))
                return
            elif text.startswith("42"):
                name_, *args = json.loads(text[2:])
                self.events.append((name_, args[0] if args else None))

    def of_job(self, job_id: str, name: str) -> list[Any]:
        return [d for n, d in self.events if n == name and d.get("jobId") == job_id]


@contextlib.asynccontextmanager
async def raw_socketio(api: Api, user: str) -> AsyncIterator[RawSocketIo]:
    url = urlsplit(api.base_url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (url.hostname, url.port))
    uri = f"ws://{url.netloc}/socket.io/?EIO=4&transport=websocket"
    async with connect(uri, sock=sock, compression=None, max_queue=1, ping_interval=None) as ws:
        opened = await ws.recv()
        assert isinstance(opened, str)
        assert opened.startswith("0")
        await ws.send("40" + json.dumps({"token": make_token(user)}))
        client = RawSocketIo(ws)
        connected = await ws.recv()
        assert isinstance(connected, str)
        assert connected.startswith("40")
        await client.read_until("connection_confirmed", 1)
        yield client


async def test_a_reader_that_falls_behind_and_reads_on_gets_every_event_in_order(
    start_api: StartApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=BEHIND_LOG)
    api = await start_api(embedded_workers=4, send_buffer=SMALL_BUFFER)
    async with raw_socketio(api, "alice") as slow:
        await slow.emit("subscribe_to_my_jobs")
        await asyncio.sleep(0.2)
        ids = await submit_instant_demos(api, jobs=4, steps=250)
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not any("is behind" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline, "the reader never fell behind"
            await asyncio.sleep(0.01)
        await slow.read_until("job_completed", len(ids))
    assert not slow.closed
    for job_id in ids:
        steps = [d["current"] for d in slow.of_job(job_id, "job_progress")]
        assert steps == list(range(1, 251))
        names = [n for n, d in slow.events if isinstance(d, dict) and d.get("jobId") == job_id]
        assert names[-1] == "job_completed"


async def test_a_reader_too_far_behind_is_disconnected_without_holding_back_others(
    start_api: StartApi, connect: Connect
) -> None:
    api = await start_api(embedded_workers=4, send_buffer=SMALL_BUFFER)
    fast = await connect(api.base_url, make_token("alice"))
    assert (await fast.call("subscribe_to_my_jobs"))["ok"] is True
    jobs, steps = 6, 1000
    assert jobs * steps > MAX_QUEUED_PACKETS
    async with raw_socketio(api, "alice") as slow:
        await slow.emit("subscribe_to_my_jobs")
        await asyncio.sleep(0.2)
        ids = await submit_instant_demos(api, jobs=jobs, steps=steps)
        for job_id in ids:
            await asyncio.wait_for(fast.until_final(job_id), 60)
        for job_id in ids:
            progress = [e.data["current"] for e in fast.of_job(job_id) if e.name == "job_progress"]
            assert progress == list(range(1, steps + 1))
        await slow.read_until("job_completed", len(ids), seconds=30)
    assert slow.events[-1] == ("disconnect", None)
    got = sum(len(slow.of_job(job_id, "job_progress")) for job_id in ids)
    assert got < jobs * steps
    for job_id in ids:
        seen = [d["current"] for d in slow.of_job(job_id, "job_progress")]
        assert seen == list(range(1, len(seen) + 1))
