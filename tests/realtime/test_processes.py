"""Socket.IO across real processes: `genqueue serve` processes without embedded workers
(GENQUEUE_WORKERS=0) and a separate `genqueue worker` process sharing their store, on
loopback, with the real python-socketio AsyncClient and the SSE route beside it.

The job is submitted while no worker runs, every client subscribes, and only then the
worker starts: each subscriber must get the job's whole run (active, every progress step,
completed), and every pipeline the same event ids.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import SseEvent
from tests.client.conftest import ServeProcess, client_env, genqueue_command
from tests.realtime.conftest import Client, Connect, Received
from tests.redis_support import delete_prefix, new_prefix, store_url

STEPS = 5
STEP_SECONDS = 0.05
RUN_SECONDS = 20.0
"""Bound on a job's whole run once the worker process starts (its start-up included)."""
STOP_SECONDS = 10.0
USER = "alice"


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from _store(request, tmp_path)


@pytest.fixture
def redis_store(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _redis(request)


def _store(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{folder / 'genqueue.db'}"
        return
    yield from _redis(request)


def _redis(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh prefix on the test Redis, its keys deleted after."""
    base = request.getfixturevalue("redis_url")
    prefix = new_prefix()
    try:
        yield store_url(base, prefix)
    finally:
        delete_prefix(base, prefix)


class Processes:
    """Every process a test starts, each killed in the end with bounded waits."""

    def __init__(self, folder: Path, store: str) -> None:
        self.folder = folder
        self.store = store
        self.servers: list[ServeProcess] = []
        self.workers: list[subprocess.Popen[bytes]] = []

    def serve(self) -> ServeProcess:
        folder = self.folder / f"server{len(self.servers)}"
        folder.mkdir()
        server = ServeProcess(folder, self.store, {"GENQUEUE_WORKERS": "0"})
        self.servers.append(server)
        server.start()
        return server

    def worker(self) -> subprocess.Popen[bytes]:
        env = client_env(
            GENQUEUE_STORE_URL=self.store,
            GENQUEUE_LOCAL_STEP_SECONDS=str(STEP_SECONDS),
            GENQUEUE_SHUTDOWN_GRACE="1",
        )
        log = self.folder / f"worker{len(self.workers)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*genqueue_command(), "worker", "--concurrency", "2"],
                env=env,
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.workers.append(process)
        return process

    @property
    def logs(self) -> str:
        return "\n".join(
            p.read_text(errors="replace") for p in sorted(self.folder.glob("**/*.log"))
        )

    def stop_all(self) -> None:
        for process in self.workers:
            _stop(process)
        for server in self.servers:
            if server.process is not None:
                _stop(server.process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_SECONDS)


def _processes(folder: Path, store: str) -> Iterator[Processes]:
    processes = Processes(folder, store)
    try:
        yield processes
    finally:
        processes.stop_all()


@pytest.fixture
def processes(store: str, tmp_path: Path) -> Iterator[Processes]:
    yield from _processes(tmp_path, store)


@pytest.fixture
def redis_processes(redis_store: str, tmp_path: Path) -> Iterator[Processes]:
    yield from _processes(tmp_path, redis_store)


async def submit_demo(server: ServeProcess) -> str:
    body = {"type": "demo", "data": {"steps": STEPS, "stepSeconds": STEP_SECONDS}}
    headers = {"Authorization": f"Bearer {server.token(USER)}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=10.0) as http:
        response = await http.post("/api/v1/jobs", json=body, headers=headers)
    assert response.status_code == 202, response.text
    job_id: str = response.json()["data"]["jobId"]
    return job_id


async def subscribe(client: Client, job_id: str) -> None:
    ack = await client.call("subscribe_to_job", {"jobId": job_id})
    assert ack == {"ok": True, "jobId": job_id, "room": f"job:{job_id}"}
    await _within(lambda: bool(client.of_job(job_id)), "the subscription's snapshot")


async def _within(check: Any, what: str, seconds: float = RUN_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {seconds} s")
        await asyncio.sleep(0.02)


async def until_final(client: Client, job_id: str, processes: Processes) -> list[Received]:
    """The job's events once the final one is in, within RUN_SECONDS (the logs if not)."""
    try:
        await _within(
            lambda: any(e.name in {"job_completed", "job_failed"} for e in client.of_job(job_id)),
            "final event",
        )
    except AssertionError as error:
        raise AssertionError(f"{error}\n{processes.logs}") from None
    return client.of_job(job_id)


def live(events: list[Received]) -> list[Received]:
    return [e for e in events if not e.data.get("snapshot")]


def assert_whole_run(events: list[Received]) -> None:
    """active, every progress step in order, completed: the run the worker made."""
    run = live(events)
    names = [e.name for e in run]
    assert names == ["job_status"] + ["job_progress"] * STEPS + ["job_completed"], names
    assert run[0].data["status"] == "processing"
    progress = [e.data["progress"] for e in run if e.name == "job_progress"]
    assert progress == [100.0 * (i + 1) / STEPS for i in range(STEPS)]
    assert run[-1].data["result"] == {"steps": STEPS, "attempt": 1}
    ids = [e.data["eventId"] for e in run]
    assert len(set(ids)) == len(ids)


class SseReader:
    """`GET /api/v1/jobs/{id}/events` read in a task, each event recorded on arrival."""

    def __init__(self, server: ServeProcess, job_id: str) -> None:
        self.events: list[SseEvent] = []
        self._http = httpx.AsyncClient(base_url=server.url, timeout=RUN_SECONDS)
        self._path = f"/api/v1/jobs/{job_id}/events"
        self._headers = {"Authorization": f"Bearer {server.token(USER)}"}
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async with self._http.stream("GET", self._path, headers=self._headers) as response:
            assert response.status_code == 200
            current: dict[str, str] = {}
            async for line in response.aiter_lines():
                if not line:
                    if "data" in current:
                        data = json.loads(current["data"])
                        self.events.append(SseEvent(current.get("id"), current.get("event"), data))
                    current = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(":")
                    current[name] = value.removeprefix(" ")

    async def started(self) -> None:
        await _within(lambda: bool(self.events) or self.task.done(), "SSE snapshot")
        if self.task.done():
            self.task.result()

    async def finished(self) -> list[SseEvent]:
        await asyncio.wait_for(self.task, RUN_SECONDS)
        return self.events

    async def close(self) -> None:
        if not self.task.done():
            self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self._http.aclose()


async def test_a_separate_worker_process_feeds_socketio_and_sse_alike(
    processes: Processes, connect: Connect
) -> None:
    server = processes.serve()
    job_id = await submit_demo(server)
    client = await connect(server.url, server.token(USER))
    await subscribe(client, job_id)
    sse = SseReader(server, job_id)
    try:
        await sse.started()
        processes.worker()
        events = await until_final(client, job_id, processes)
        assert_whole_run(events)
        streamed = await sse.finished()
    finally:
        await sse.close()
    assert streamed[0].event == "snapshot"
    streamed_live = streamed[1:]
    kinds = [e.event for e in streamed_live]
    assert kinds == ["active"] + ["progress"] * STEPS + ["completed"], kinds
    assert [e.id for e in streamed_live] == [e.data["eventId"] for e in live(events)]


async def test_two_servers_give_their_clients_the_same_events_of_one_job(
    redis_processes: Processes, connect: Connect
) -> None:
    """Job subscribers on server A and on server B, and a my-jobs subscriber on B."""
    server_a = redis_processes.serve()
    server_b = redis_processes.serve()
    mine = await connect(server_b.url, server_b.token(USER))
    assert (await mine.call("subscribe_to_my_jobs")) == {"ok": True, "room": f"owner:{USER}"}
    job_id = await submit_demo(server_a)
    await _within(lambda: bool(mine.of_job(job_id)), "created event on server B")
    on_a = await connect(server_a.url, server_a.token(USER))
    on_b = await connect(server_b.url, server_b.token(USER))
    await subscribe(on_a, job_id)
    await subscribe(on_b, job_id)
    redis_processes.worker()
    runs = [await until_final(client, job_id, redis_processes) for client in (on_a, on_b, mine)]
    await asyncio.sleep(0.3)  # a duplicate sent late would show now
    runs = [client.of_job(job_id) for client in (on_a, on_b, mine)]
    created, *run_mine = runs[2]
    assert (created.name, created.data["status"]) == ("job_status", "queued")
    for run in (runs[0], runs[1], run_mine):
        assert_whole_run(run)
    ids = [[e.data["eventId"] for e in live(run)] for run in (runs[0], runs[1], run_mine)]
    assert ids[0] == ids[1] == ids[2]


async def test_a_client_in_both_rooms_gets_the_final_event_once(
    redis_processes: Processes, connect: Connect
) -> None:
    server = redis_processes.serve()
    client = await connect(server.url, server.token(USER))
    await client.call("subscribe_to_my_jobs")
    job_id = await submit_demo(server)
    await _within(lambda: bool(client.of_job(job_id)), "created event")
    await subscribe(client, job_id)
    redis_processes.worker()
    await until_final(client, job_id, redis_processes)
    await asyncio.sleep(0.3)
    events = client.of_job(job_id)
    assert [e.name for e in events].count("job_completed") == 1
    ids = [e.data["eventId"] for e in live(events)]
    assert len(set(ids)) == len(ids), ids
