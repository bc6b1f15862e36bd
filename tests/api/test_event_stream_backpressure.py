"""SSE streams under backpressure: readers whose socket buffer is full (a raw loopback
socket with a small receive buffer that stops reading) beside a reader that keeps up.

The server writes each event from the hub's dispatch while a reader keeps up, and queues
a slow reader's events behind its blocked send (genqueue/api/live.py): these tests check
that the queueing path delivers everything in order, that a slow reader never holds back
the others, and that a reader too far behind gets the end of its stream."""

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

from .conftest import DEADLINE_SECONDS, Api, StartApi, make_token, submit_instant_demos

pytestmark = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)

SMALL_BUFFER = 4096
"""The slow reader's receive buffer and the server's send buffer: the kernel then holds
a few KiB of a stream, not the megabytes of an autotuned loopback connection."""
SLOW_LOG = "genqueue.api.live"


class RawStream:
    """One SSE request on a non-blocking socket with a small receive buffer; it reads only
    when told to."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.data = bytearray()

    async def read_until(
        self, marker: bytes, seconds: float = DEADLINE_SECONDS, times: int = 1
    ) -> None:
        """Reads until `marker` has arrived `times` times."""
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + seconds
        while self.data.count(marker) < times:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{marker!r} not read {times} times before the deadline")
            chunk = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), left)
            if not chunk:
                raise AssertionError(f"the stream closed before {marker!r}: {self.data[-300:]!r}")
            self.data += chunk

    def events(self) -> list[dict[str, Any]]:
        """The SSE events of the body read so far (chunked transfer decoded)."""
        head, _, body = bytes(self.data).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head[:100]
        text = _dechunk(body).decode()
        events = []
        for block in text.split("\n\n"):
            fields = dict(
                line.split(": ", 1) for line in block.split("\n") if line and ": " in line
            )
            if "data" in fields:
                events.append({**fields, "data": json.loads(fields["data"])})
        return events


def _dechunk(body: bytes) -> bytes:
    out = bytearray()
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        if not rest and not size_line.strip():
            break
        size = int(size_line, 16)
        out += rest[:size]
        body = rest[size + 2 :]
    return bytes(out)


@contextlib.asynccontextmanager
async def raw_stream(api: Api, path: str, headers: dict[str, str]) -> AsyncIterator[RawStream]:
    url = urlsplit(api.base_url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
    sock.setblocking(False)
    try:
        await asyncio.get_running_loop().sock_connect(sock, (url.hostname, url.port))
        lines = [f"GET {path} HTTP/1.1", f"Host: {url.netloc}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        request = "\r\n".join([*lines, "", ""]).encode()
        await asyncio.get_running_loop().sock_sendall(sock, request)
        yield RawStream(sock)
    finally:
        sock.close()


def _admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token('root', admin=True)}"}


async def _follow_admin(api: Api, finals: int) -> list[dict[str, Any]]:
    """Every event of the admin stream until `finals` completed events arrived."""
    events: list[dict[str, Any]] = []
    current: dict[str, str] = {}
    headers = _admin()
    async with api.client.stream("GET", "/api/v1/admin/events", headers=headers) as stream:
        async for line in stream.aiter_lines():
            if line:
                if not line.startswith(":"):
                    name, _, value = line.partition(": ")
                    current[name] = value
                continue
            if "data" in current:
                events.append({**current, "data": json.loads(current["data"])})
                finals -= current.get("event") == "completed"
                if finals == 0:
                    return events
            current = {}
    raise AssertionError("the admin stream ended")


async def test_a_slow_reader_does_not_hold_back_a_fast_one_and_is_ended(
    start_api: StartApi,
) -> None:
    api = await start_api(embedded_workers=4, send_buffer=SMALL_BUFFER)
    async with raw_stream(api, "/api/v1/admin/events", _admin()) as slow:
        await slow.read_until(b"event: ready")
        fast = asyncio.create_task(_follow_admin(api, finals=5))
        await asyncio.sleep(0.2)  # the fast reader subscribes
        ids = await submit_instant_demos(api, jobs=5, steps=1000)
        seen = await asyncio.wait_for(fast, 60)
        progress = [e for e in seen if e.get("event") == "progress"]
        assert len(progress) == 5 * 1000
        for job_id in ids:
            steps = [e["data"]["current"] for e in progress if e["data"]["jobId"] == job_id]
            assert steps == list(range(1, 1001))
        # The slow reader fell too far behind: its stream ends after what was queued.
        await slow.read_until(b"\r\n0\r\n\r\n", 30)
        got = [e for e in slow.events() if e.get("event") != "ready"]
    fast_ids = [e["id"] for e in seen if e.get("event") != "ready"]
    assert 0 < len(got) < len(fast_ids)
    assert [e["id"] for e in got] == fast_ids[: len(got)]


async def test_a_reader_that_falls_behind_and_catches_up_gets_every_event_in_order(
    start_api: StartApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=SLOW_LOG)
    api = await start_api(embedded_workers=4, send_buffer=SMALL_BUFFER)
    async with raw_stream(api, "/api/v1/admin/events", _admin()) as slow:
        await slow.read_until(b"event: ready")
        ids = await submit_instant_demos(api, jobs=4, steps=250)
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not any(r.name == SLOW_LOG for r in caplog.records):
            assert time.monotonic() < deadline, "the reader never fell behind"
            await asyncio.sleep(0.01)
        # now read on: every event arrives, in feed order
        await slow.read_until(b"event: completed", 30, times=len(ids))
        got = [e for e in slow.events() if e.get("event") != "ready"]
    progress = [e for e in got if e.get("event") == "progress"]
    for job_id in ids:
        steps = [e["data"]["current"] for e in progress if e["data"]["jobId"] == job_id]
        assert steps == list(range(1, 251))
    numbers = [int(e["id"]) for e in got]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == len(numbers)
