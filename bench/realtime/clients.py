"""A client process of the fan-out bench: `--count` subscribers, each one connection
subscribed to one job, written as bare asyncio protocols so the load generator costs
little next to the server it measures.

    python -m bench.realtime.clients sse|sio --port P --jobs a,b,... --count N --out FILE

SSE subscribers send one raw HTTP GET and read the chunked body line by line; Socket.IO
subscribers speak Engine.IO v4 over a raw WebSocket (open packet, `40{auth}` connect,
`42[...]` events, `2` pings answered `3`). Every event that carries an `at` stamp counts
as a delivery, its latency taken as receipt time minus `at`. The process prints
`ready CONNECTED FAILED` once every subscriber is connected and subscribed, then one JSON
line of results when every subscriber has had its job's final event or when `stop`
arrives on stdin; latencies go to `--out` as raw doubles.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from bench.realtime.wire import (
    OP_CLOSE,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    client_frame,
    server_frames,
    stamp,
    upgrade_request,
)

SSE_FINAL = {b"completed", b"failed", b"cancelled"}
SSE_SKIPPED = {b"snapshot"}
SIO_FINAL = {b"job_completed", b"job_failed", b"job_cancelled"}
CONNECTS_AT_ONCE = 50
CONNECT_ATTEMPTS = 8
CONNECT_TIMEOUT = 30.0


@dataclass
class Stats:
    latencies: array[float] = field(default_factory=lambda: array("d"))
    deliveries: int = 0
    unstamped: int = 0
    finals: int = 0
    errors: list[str] = field(default_factory=list)

    def delivered(self, payload: bytes, now: float) -> None:
        at = stamp(payload)
        if at is None:
            self.unstamped += 1
        else:
            self.latencies.append(now - at)
        self.deliveries += 1


class Subscriber(asyncio.Protocol):
    """Common to both kinds: `ready` resolves once subscribed, `done` when the stream is
    over (with True when the job's final event arrived)."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats
        loop = asyncio.get_running_loop()
        self.ready: asyncio.Future[None] = loop.create_future()
        self.done: asyncio.Future[bool] = loop.create_future()
        self.transport: asyncio.Transport | None = None
        self.head = b""
        self.upgraded = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.request())

    def request(self) -> bytes:
        raise NotImplementedError

    def body(self, data: bytes, now: float) -> None:
        raise NotImplementedError

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if not self.upgraded:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            status = self.head.split(b" ", 2)[1]
            data, self.head = self.head[end + 4 :], b""
            self.upgraded = True
            if not self.accepted(status):
                return
        if data:
            self.body(data, now)

    def accepted(self, status: bytes) -> bool:
        raise NotImplementedError

    def fail(self, reason: str) -> None:
        self.stats.errors.append(reason)
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(reason))
        self.finish(False)

    def finish(self, final: bool) -> None:
        if final:
            self.stats.finals += 1
        if not self.done.done():
            self.done.set_result(final)
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed before subscribing: {exc}"))
        if not self.done.done():
            self.done.set_result(False)


class SseSubscriber(Subscriber):
    def __init__(self, stats: Stats, host: str, path: str, token: str) -> None:
        super().__init__(stats)
        self.host = host
        self.path = path
        self.token = token
        self.rest = b""
        self.kind = b""

    def request(self) -> bytes:
        auth = f"Authorization: Bearer {self.token}\r\n" if self.token else ""
        return (
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\n{auth}"
            "Accept: text/event-stream\r\n\r\n"
        ).encode()

    def accepted(self, status: bytes) -> bool:
        if status != b"200":
            self.fail(f"HTTP {status.decode()}")
            return False
        self.ready.set_result(None)
        return True

    def body(self, data: bytes, now: float) -> None:
        lines = (self.rest + data).split(b"\n")
        self.rest = lines.pop()
        for line in lines:
            if line.startswith(b"event: "):
                self.kind = line[7:].rstrip(b"\r")
            elif line.startswith(b"data: ") and self.kind not in SSE_SKIPPED:
                self.stats.delivered(line, now)
                if self.kind in SSE_FINAL:
                    self.finish(True)
                    return


class SioSubscriber(Subscriber):
    def __init__(self, stats: Stats, host: str, job_id: str, token: str, event: str) -> None:
        super().__init__(stats)
        self.host = host
        self.job_id = job_id
        self.token = token
        self.subscribe_event = event
        self.frames = bytearray()

    def request(self) -> bytes:
        return upgrade_request("/socket.io/?EIO=4&transport=websocket", self.host, {})

    def accepted(self, status: bytes) -> bool:
        if status != b"101":
            self.fail(f"HTTP {status.decode()} to the WebSocket upgrade")
            return False
        return True

    def send(self, text: str) -> None:
        assert self.transport is not None
        self.transport.write(client_frame(text.encode()))

    def body(self, data: bytes, now: float) -> None:
        self.frames += data
        for opcode, payload in server_frames(self.frames):
            if opcode == OP_TEXT:
                self.packet(payload, now)
            elif opcode == OP_PING and self.transport is not None:
                self.transport.write(client_frame(payload, OP_PONG))
            elif opcode == OP_CLOSE:
                self.finish(False)
            if self.done.done():
                return

    def packet(self, payload: bytes, now: float) -> None:
        if payload.startswith(b"42"):
            name_end = payload.find(b'"', 4)
            name = payload[4:name_end]
            if name.startswith(b"job_"):
                self.stats.delivered(payload, now)
                if name in SIO_FINAL:
                    self.finish(True)
        elif payload == b"2":
            self.send("3")
        elif payload.startswith(b"0{"):
            self.send("40" + (json.dumps({"token": self.token}) if self.token else ""))
        elif payload.startswith(b"40"):
            self.send(f'42["{self.subscribe_event}",{json.dumps({"jobId": self.job_id})}]')
            if not self.ready.done():
                self.ready.set_result(None)
        elif payload.startswith(b"44"):
            self.fail(f"connect refused: {payload[2:200].decode(errors='replace')}")


@dataclass(frozen=True)
class Plan:
    kind: str
    port: int
    jobs: list[str]
    count: int
    token: str
    path: str
    subscribe_event: str

    def subscriber(self, index: int, stats: Stats) -> Subscriber:
        host = f"127.0.0.1:{self.port}"
        job_id = self.jobs[index % len(self.jobs)]
        if self.kind == "sse":
            return SseSubscriber(stats, host, self.path.format(job=job_id), self.token)
        return SioSubscriber(stats, host, job_id, self.token, self.subscribe_event)


async def connect(plan: Plan, index: int, stats: Stats, gate: asyncio.Semaphore) -> Subscriber:
    loop = asyncio.get_running_loop()
    last = ""
    for attempt in range(CONNECT_ATTEMPTS):
        subscriber = plan.subscriber(index, stats)
        async with gate:
            try:
                await loop.create_connection(lambda s=subscriber: s, "127.0.0.1", plan.port)
                await asyncio.wait_for(asyncio.shield(subscriber.ready), CONNECT_TIMEOUT)
                return subscriber
            except (OSError, TimeoutError) as exc:
                last = f"{type(exc).__name__}: {exc}"
                if subscriber.transport is not None:
                    subscriber.transport.close()
        await asyncio.sleep(0.2 * (attempt + 1))
    raise ConnectionError(f"subscriber {index} not connected: {last}")


async def run(plan: Plan, out: str) -> dict[str, object]:
    stats = Stats()
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    started = time.monotonic()
    results = await asyncio.gather(
        *(connect(plan, i, stats, gate) for i in range(plan.count)), return_exceptions=True
    )
    subscribers = [r for r in results if isinstance(r, Subscriber)]
    failed = [str(r) for r in results if not isinstance(r, Subscriber)]
    print(f"ready {len(subscribers)} {len(failed)}", flush=True)
    connect_seconds = time.monotonic() - started
    stop = _stop_line()
    everyone = asyncio.ensure_future(asyncio.gather(*(s.done for s in subscribers)))
    await asyncio.wait([stop, everyone], return_when=asyncio.FIRST_COMPLETED)
    finished_at = time.time()
    stop.cancel()
    for subscriber in subscribers:
        subscriber.finish(False)
    _save(out, stats.latencies)
    return {
        "connected": len(subscribers),
        "connect_failed": len(failed),
        "connect_seconds": round(connect_seconds, 3),
        "deliveries": stats.deliveries,
        "unstamped": stats.unstamped,
        "finals": stats.finals,
        "finished_at": finished_at,
        "errors": (failed + stats.errors)[:5],
    }


def _save(out: str, latencies: array[float]) -> None:
    Path(out).write_bytes(latencies.tobytes())


def _stop_line() -> asyncio.Future[None]:
    """Resolves when stdin says `stop` (or closes); read by a daemon thread, which does not
    hold the process open once the results are out."""
    loop = asyncio.get_running_loop()
    stop: asyncio.Future[None] = loop.create_future()

    def read() -> None:
        for line in sys.stdin:
            if line.strip() == "stop":
                break
        loop.call_soon_threadsafe(lambda: stop.done() or stop.set_result(None))

    threading.Thread(target=read, daemon=True).start()
    return stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["sse", "sio"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--jobs", required=True, help="comma-separated job ids")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--path", default="/api/v1/jobs/{job}/events")
    parser.add_argument("--subscribe-event", default="subscribe_to_job")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    plan = Plan(
        args.kind,
        args.port,
        args.jobs.split(","),
        args.count,
        args.token,
        args.path,
        args.subscribe_event,
    )
    try:
        import uvloop
    except ImportError:
        results = asyncio.run(run(plan, args.out))
    else:
        results = uvloop.run(run(plan, args.out))
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
