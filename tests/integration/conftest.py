"""Real worker processes on one store: start, kill, stop, freeze them, and look inside.

A `Cluster` runs `genqueue worker --app tests.apps.faulty` processes against one store URL
(a SQLite file in the test's tmp_path, or a fresh key prefix on a Redis server), submits
and inspects jobs through an `Engine` on the same store, and reads what the handlers
recorded (see `tests/apps/faulty.py`). Every wait is a bounded poll; every process still
running when a test ends is killed and reaped.

The `cluster` fixture runs each test once per store in `STORES`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from genqueue.api.auth import issue_token
from genqueue.apps import load_registry
from genqueue.engine.engine import Engine, EngineConfig
from genqueue.engine.events import Event
from genqueue.engine.job import Job, JobState
from genqueue.engine.store import LedgerKind, Store
from genqueue.stores import open_store
from tests.apps.faulty import RECORDS_ENV
from tests.conftest import FOREIGN_SETTINGS
from tests.redis_support import delete_prefix, free_port, new_prefix
from tests.redis_support import store_url as redis_store_url

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
APP = "tests.apps.faulty"
OWNER = "tester"
INITIAL_CREDITS = 1_000_000
COSTS = {"sleepy": 1, "blocking": 1, "freeze": 1, "poison": 1, "quick": 1, "tick": 1}
LEASE_SECONDS = 1.5
GRACE_SECONDS = 1.0
POLL_SECONDS = 0.02
STORES = ["sqlite", "redis"]
"""The stores every real-process test runs on (the `cluster` fixture's params)."""


def genqueue_command() -> list[str]:
    """The installed `genqueue` script of the interpreter running the tests."""
    script = Path(sys.executable).parent / "genqueue"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from genqueue.cli import main; main()"]


@dataclass
class Record:
    """One line a handler wrote: what happened to which job, in which process, when."""

    event: str
    job: str
    pid: int
    at: float
    attempt: int
    stalled: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class WorkerProcess:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    expected_exit: bool = False
    """Set when the test itself stops or kills the process (or expects it to die)."""

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def send(self, sig: signal.Signals) -> None:
        if self.alive:
            os.kill(self.pid, sig)

    def state(self) -> str:
        """The kernel's process state letter: R, S, T (stopped), Z..."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0]


@dataclass
class ApiServer:
    """A `genqueue serve` process (no embedded workers) on a loopback port."""

    process: WorkerProcess
    url: str
    token: str
    """An HS256 bearer token for OWNER."""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Cluster:
    def __init__(self, tmp_path: Path, store_url: str, engine: Engine, store: Store) -> None:
        self.tmp_path = tmp_path
        self.store_url = store_url
        self.records_dir = tmp_path / "records"
        self.records_dir.mkdir()
        self.engine = engine
        self.store = store
        self.workers: list[WorkerProcess] = []
        self.apis: list[ApiServer] = []

    # -- processes ----------------------------------------------------------------------

    def env(self, lease_seconds: float, grace_seconds: float) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_SETTINGS)}
        python_path = [str(REPO), *filter(None, [env.get("PYTHONPATH")])]
        env.update(
            PYTHONPATH=os.pathsep.join(python_path),
            GENQUEUE_STORE_URL=self.store_url,
            GENQUEUE_LEASE_SECONDS=str(lease_seconds),
            GENQUEUE_SHUTDOWN_GRACE=str(grace_seconds),
            GENQUEUE_COSTS=",".join(f"{k}={v}" for k, v in COSTS.items()),
            GENQUEUE_INITIAL_CREDITS=str(INITIAL_CREDITS),
            **{RECORDS_ENV: str(self.records_dir)},
        )
        return env

    def start(
        self,
        *,
        concurrency: int = 3,
        queues: Sequence[str] = (),
        lease_seconds: float = LEASE_SECONDS,
        grace_seconds: float = GRACE_SECONDS,
    ) -> WorkerProcess:
        name = f"worker{len(self.workers)}"
        command = [*genqueue_command(), "worker", "--app", APP, "--concurrency", str(concurrency)]
        if queues:
            command += ["--queues", ",".join(queues)]
        worker = self._spawn(name, command, self.env(lease_seconds, grace_seconds))
        self.workers.append(worker)
        return worker

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> WorkerProcess:
        log_path = self.tmp_path / f"{name}.log"
        with log_path.open("wb") as log:
            popen = subprocess.Popen(
                command,
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return WorkerProcess(name, popen, log_path)

    async def serve(self, within: float = 20.0) -> ApiServer:
        """Start `genqueue serve` on this store; wait until its /ready answers 200."""
        port = free_port()
        secret = secrets.token_urlsafe(32)
        env = self.env(LEASE_SECONDS, GRACE_SECONDS)
        env.update(
            GENQUEUE_JWT_SECRET=secret,
            GENQUEUE_WORKERS="0",
            GENQUEUE_SUBMIT_RATE="100000/minute",
            GENQUEUE_API_RATE="100000/minute",
            PYTHONUNBUFFERED="1",
        )
        command = [*genqueue_command(), "serve", "--app", APP, "--host", "127.0.0.1"]
        process = self._spawn(f"api{len(self.apis)}", [*command, "--port", str(port)], env)
        api = ApiServer(process, f"http://127.0.0.1:{port}", issue_token(secret, OWNER))
        self.apis.append(api)

        async def ready() -> bool:
            async with httpx.AsyncClient(base_url=api.url, timeout=1.0) as client:
                with contextlib.suppress(httpx.TransportError):
                    return (await client.get("/ready")).status_code == 200
            return False

        await self.eventually(ready, within, "genqueue serve to be ready")
        return api

    async def registered(self, *workers: WorkerProcess, within: float = 15.0) -> None:
        """Wait until each worker process has registered itself in the store."""

        async def check() -> bool:
            pids = {info.pid for info in await self.store.workers()}
            return all(w.pid in pids for w in workers)

        await self.eventually(check, within, "workers to register")

    def kill9(self, worker: WorkerProcess) -> None:
        worker.expected_exit = True
        worker.send(signal.SIGKILL)
        worker.popen.wait(timeout=10)

    def terminate(self, worker: WorkerProcess) -> None:
        worker.expected_exit = True
        worker.send(signal.SIGTERM)

    async def exited(self, worker: WorkerProcess, within: float) -> int:
        """Wait for a process to exit on its own; its return code."""
        worker.expected_exit = True
        deadline = time.monotonic() + within
        while (code := worker.returncode) is None:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{worker.name} still running after {within}s:\n{worker.log()[-3000:]}"
                )
            await asyncio.sleep(POLL_SECONDS)
        return code

    async def stop_all(self, within: float = 15.0) -> None:
        """SIGTERM every live worker and require each to exit cleanly.

        A worker is signalled only once it has registered: one still starting up (a
        replacement a supervisor just started) has no SIGTERM handler yet.
        """
        live = [w for w in self.workers if w.alive]
        await self.registered(*live)
        for worker in live:
            self.terminate(worker)
        for worker in live:
            code = await self.exited(worker, within)
            assert code == 0, f"{worker.name} exited {code}:\n{worker.log()[-3000:]}"

    def check_processes(self) -> None:
        """Fail at once, with its log, when a worker or API process died unbidden."""
        for worker in [*self.workers, *(api.process for api in self.apis)]:
            if not worker.expected_exit and not worker.alive:
                raise AssertionError(
                    f"{worker.name} (pid {worker.pid}) exited with {worker.returncode}:\n"
                    f"{worker.log()[-3000:]}"
                )

    def close(self) -> None:
        for worker in [*self.workers, *(api.process for api in self.apis)]:
            if worker.alive:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGKILL)
            worker.popen.wait(timeout=10)

    # -- waiting ------------------------------------------------------------------------

    async def eventually(
        self,
        check: Callable[[], Awaitable[T | None]],
        within: float,
        what: str,
        *,
        guard: Callable[[], None] | None = None,
    ) -> T:
        """Poll the async `check` until it returns something truthy, for `within` seconds.

        `guard` runs before every poll (by default: no worker died unexpectedly).
        """
        deadline = time.monotonic() + within
        while True:
            (guard or self.check_processes)()
            if result := await check():
                return result
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {w.name}:\n{w.log()[-1500:]}" for w in self.workers)
                raise AssertionError(f"timed out after {within}s waiting for {what}\n{logs}")
            await asyncio.sleep(POLL_SECONDS)

    async def until(
        self,
        check: Callable[[], T | None],
        within: float,
        what: str,
        *,
        guard: Callable[[], None] | None = None,
    ) -> T:
        """`eventually` for a plain function (one that reads the records, say)."""

        async def check_async() -> T | None:
            return check()

        return await self.eventually(check_async, within, what, guard=guard)

    async def all_final(
        self,
        job_ids: Iterable[str],
        within: float,
        *,
        guard: Callable[[], None] | None = None,
    ) -> dict[str, Job]:
        ids = list(job_ids)

        async def check() -> dict[str, Job] | None:
            jobs = await self.jobs(ids)
            return jobs if all(j.state.is_final for j in jobs.values()) else None

        return await self.eventually(check, within, f"{len(ids)} jobs to finish", guard=guard)

    # -- jobs, records, events ----------------------------------------------------------

    async def submit(self, job_type: str, data: Any = None, *, priority: int | None = None) -> Job:
        return (await self.engine.submit(OWNER, job_type, data, priority=priority)).job

    async def jobs(self, job_ids: Iterable[str]) -> dict[str, Job]:
        return {job_id: await self.store.get(job_id) for job_id in job_ids}

    def records(self, event: str | None = None) -> list[Record]:
        found = []
        for path in sorted(self.records_dir.glob("*.jsonl")):
            # The last line may be a record a handler is writing right now: not yet whole.
            for line in path.read_text().split("\n")[:-1]:
                raw = json.loads(line)
                known = {k: raw.pop(k) for k in ("event", "job", "pid", "at", "attempt", "stalled")}
                found.append(Record(**known, extra=raw))
        found.sort(key=lambda r: r.at)
        return [r for r in found if event is None or r.event == event]

    def in_flight(self, worker: WorkerProcess) -> set[str]:
        """Jobs whose handler started in `worker` and has neither ended nor been interrupted."""
        started: set[str] = set()
        for r in self.records():
            if r.pid != worker.pid:
                continue
            if r.event == "start":
                started.add(r.job)
            elif r.event in ("end", "interrupted"):
                started.discard(r.job)
        return started

    async def events(self) -> list[Event]:
        found: list[Event] = []
        after: str | None = None
        while batch := await self.store.events_after(after, 1000):
            found += batch
            after = batch[-1].id
        return found

    # -- the invariants every run must keep ---------------------------------------------

    async def assert_nothing_active(self) -> None:
        states = await self.store.queue_states(time.time())
        active = {q.name: q.counts.get(JobState.ACTIVE, 0) for q in states}
        assert sum(active.values()) == 0, f"jobs stuck active: {active}"

    async def assert_ledger_balanced(self, job_ids: Iterable[str]) -> None:
        """Charges minus refunds equal the cost of the jobs that completed, job by job too."""
        jobs = await self.jobs(job_ids)
        entries = await self.store.ledger(OWNER, 1_000_000)
        charged: Counter[str] = Counter()
        refunded: Counter[str] = Counter()
        charge_count: Counter[str] = Counter()
        refund_count: Counter[str] = Counter()
        for entry in entries:
            if entry.kind is LedgerKind.CHARGE:
                assert entry.job_id is not None
                assert entry.amount < 0
                charged[entry.job_id] -= entry.amount
                charge_count[entry.job_id] += 1
            elif entry.kind is LedgerKind.REFUND:
                assert entry.job_id is not None
                assert entry.amount > 0
                refunded[entry.job_id] += entry.amount
                refund_count[entry.job_id] += 1
        assert set(charged) == {j.id for j in jobs.values() if j.cost > 0}, "charges by job"
        for job in jobs.values():
            assert job.state.is_final, f"{job.id} is {job.state}"
            assert charge_count[job.id] == (1 if job.cost else 0), f"{job.id} charged twice"
            assert charged[job.id] == job.cost
            if job.state is JobState.COMPLETED:
                assert refund_count[job.id] == 0, f"completed {job.id} was refunded"
                assert job.charged == job.cost
            else:
                assert refund_count[job.id] == (1 if job.cost else 0), f"{job.id} refunds"
                assert refunded[job.id] == job.cost
                assert job.charged == 0
        completed_cost = sum(j.cost for j in jobs.values() if j.state is JobState.COMPLETED)
        assert sum(charged.values()) - sum(refunded.values()) == completed_cost
        assert await self.store.balance(OWNER) == INITIAL_CREDITS - completed_cost
        assert entries[0].balance == INITIAL_CREDITS - completed_cost


@asynccontextmanager
async def open_cluster(tmp_path: Path, store_url: str) -> AsyncIterator[Cluster]:
    """A cluster on `store_url`, with the test's own engine on the same store."""
    registry = load_registry([APP])
    store = open_store(store_url, initial_credits=INITIAL_CREDITS)
    await store.setup()
    engine = Engine(
        store, registry.catalog, EngineConfig(lease_seconds=LEASE_SECONDS, costs=dict(COSTS))
    )
    cluster = Cluster(tmp_path, store_url, engine, store)
    try:
        yield cluster
    finally:
        cluster.close()
        await store.close()


@pytest.fixture(params=STORES)
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty store of each kind: a new SQLite file, or a fresh Redis prefix."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    base_url: str = request.getfixturevalue("redis_url")
    prefix = new_prefix()
    try:
        yield redis_store_url(base_url, prefix)
    finally:
        delete_prefix(base_url, prefix)


@pytest.fixture
async def cluster(tmp_path: Path, store_url: str) -> AsyncIterator[Cluster]:
    async with open_cluster(tmp_path, store_url) as cluster:
        yield cluster


def pid_of(worker_id: str | None) -> int:
    """Worker ids are `host:pid:suffix`."""
    assert worker_id is not None
    return int(worker_id.split(":")[-2])


def runs(records: Iterable[Record], job_id: str) -> list[Record]:
    return [r for r in records if r.job == job_id and r.event == "start"]
