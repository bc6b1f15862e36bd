"""The Redis server goes away in the middle of a run and comes back, under each persistence.

Each test owns a `redis-server` (its own loopback port and data directory), runs two real
worker processes and a submitter that behaves like a client (it retries a submission that
failed, with the same idempotency key), stops the server while jobs are running and being
submitted, and starts it again on the same port and directory. The submitter goes through
a `genqueue serve` process (503 during the outage) or through the test's own engine (the
code path the API uses; `StoreUnavailable`). Throughout, the worker and API processes must
stay up and reconnect by themselves, and submissions must fail cleanly and promptly while
the server is down and work again once it is back. What must survive depends on the
persistence:

- AOF (`everysec`), SHUTDOWN or SIGTERM: Redis writes and fsyncs the AOF before it exits,
  so every acknowledged job ends completed, exactly once.
- AOF `always`, SIGKILL: every write is fsynced before its reply; the same holds.
- AOF `everysec`, SIGKILL: the AOF is written (not yet fsynced) before each reply, so a
  process crash loses nothing the OS already has; what the test asserts is the documented
  bound: every job acknowledged more than `EVERYSEC_WINDOW` before the crash ends completed,
  and the ledger balances over what survived.
- RDB only: the server comes back as the snapshot; jobs acknowledged after it are gone.
- No persistence: the server comes back empty.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from genqueue.engine.errors import JobNotFound, StoreUnavailable
from genqueue.engine.events import EventKind
from genqueue.engine.job import Job, JobState
from tests.apps.faulty import WORK_QUEUE

from .conftest import (
    INITIAL_CREDITS,
    OWNER,
    ApiServer,
    Cluster,
    WorkerProcess,
    open_cluster,
    pid_of,
    runs,
)
from .redis_server import RedisServer

pytestmark = pytest.mark.slow

JOBS = 300
LANES = 3
"""Clients submitting side by side."""
JOB_DATA = {"seconds": 0.05}
HELD_JOBS = 2
ACROSS_DATA = {"seconds": 1.0}
"""Jobs that run across the RDB test's SAVE."""
HELD_DATA = {"seconds": 0.5}
"""Jobs started just before the stop: they end while the server is down, so their results
can only be written after it is back."""
LEASE = 10.0
"""Longer than the outage (about 5 s), so a worker that reconnects
still holds its leases."""
OUTAGE_FAILURES = 2 * LANES
"""The server comes back once the submitter has seen this many submissions fail (each
lane about twice, some 5 s)."""
PACE_SECONDS = 0.02
"""Between two submissions of one lane: spreads the 300 jobs over the outage."""
RETRY_SECONDS = 0.05
EVERYSEC_WINDOW = 2.0
"""Redis's documented worst case for `appendfsync everysec`: a write can wait up to two
seconds when a background fsync is slow, so that much acknowledged work may be lost."""


Send = Callable[[str, Any], Awaitable[str]]
"""Submits one sleepy job (its idempotency key, its data) and returns its id; raises
StoreUnavailable when the store cannot take it."""


def through_engine(cluster: Cluster) -> Send:
    """Submit with the test's own engine (the code path the API uses, in this process)."""

    async def send(key: str, data: Any) -> str:
        enqueued = await cluster.engine.submit(OWNER, "sleepy", data, idempotency_key=key)
        return enqueued.job.id

    return send


def through_api(client: httpx.AsyncClient, api: ApiServer) -> Send:
    """POST /api/v1/jobs to a `genqueue serve` process; its 503 is the outage."""

    async def send(key: str, data: Any) -> str:
        headers = {**api.headers, "Idempotency-Key": key}
        body = {"type": "sleepy", "data": data}
        answer = await client.post(f"{api.url}/api/v1/jobs", json=body, headers=headers)
        if answer.status_code == 503:
            assert answer.headers.get("Retry-After"), "a 503 tells the client when to retry"
            raise StoreUnavailable(answer.text)
        assert answer.status_code == 202, answer.text
        job_id: str = answer.json()["data"]["jobId"]
        return job_id

    return send


@dataclass
class Submitter:
    """Submits jobs one after another as a client would, retrying through an outage."""

    send: Send
    count: int
    acknowledged: dict[str, float] = field(default_factory=dict)
    """Job id → when its submission returned (time.time())."""
    failures: int = 0
    slowest_failure: float = 0.0
    """The longest a failed submission took to fail, in seconds."""

    async def run(self) -> None:
        """LANES clients submit side by side, each its share of the jobs in turn."""

        async def lane(first: int) -> None:
            for number in range(first, self.count, LANES):
                await self._submit_one(f"restart-{number}")
                await asyncio.sleep(PACE_SECONDS)

        await asyncio.gather(*(lane(first) for first in range(LANES)))

    async def _submit_one(self, key: str) -> None:
        while True:
            began = time.monotonic()
            try:
                job_id = await self.send(key, JOB_DATA)
            except StoreUnavailable:
                self.failures += 1
                self.slowest_failure = max(self.slowest_failure, time.monotonic() - began)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            self.acknowledged[job_id] = time.time()
            return


@dataclass
class Outage:
    """When the server stopped and started again, and the jobs that were running then."""

    stopped_at: float
    restarted_at: float
    held: set[str]
    """Jobs that were running when the server stopped and ended while it was down."""

    def before(self, submitter: Submitter) -> set[str]:
        """The jobs acknowledged by the server that went away (the last of them may have
        been answered just before it stopped, and seen by the submitter just after)."""
        return {j for j, at in submitter.acknowledged.items() if at < self.restarted_at}


@asynccontextmanager
async def redis_cluster(tmp_path: Path, persistence: str) -> AsyncIterator[Run]:
    server = RedisServer(tmp_path / "redis", persistence)
    try:
        server.start()
        await server.ready()
        async with open_cluster(tmp_path, f"{server.url}?prefix=restart") as cluster:
            yield Run(server, cluster)
    finally:
        server.close()


class Run:
    """Two worker processes, a submitter, and a server to stop and start again."""

    def __init__(self, server: RedisServer, cluster: Cluster) -> None:
        self.server = server
        self.cluster = cluster
        self.workers: list[WorkerProcess] = []
        self.submitter = Submitter(through_engine(cluster), JOBS)
        self.submitting: asyncio.Task[None] | None = None
        self.extra = 0
        """Jobs submitted by `hold`, beside the submitter's JOBS."""

    async def start(self, client: httpx.AsyncClient | None = None) -> ApiServer | None:
        """Start the workers and the submitter: through a `genqueue serve` process when
        given an HTTP client, else through the test's engine."""
        self.workers = [
            self.cluster.start(concurrency=4, queues=[WORK_QUEUE], lease_seconds=LEASE)
            for _ in range(2)
        ]
        api = None
        if client is not None:
            api = await self.cluster.serve()
            self.submitter.send = through_api(client, api)
        await self.cluster.registered(*self.workers)
        self.submitting = asyncio.create_task(self.submitter.run())
        return api

    def guard(self) -> None:
        """No worker died, and the submitter failed with nothing but StoreUnavailable."""
        self.cluster.check_processes()
        if self.submitting is not None and self.submitting.done():
            self.submitting.result()

    async def mid_run(self, acknowledged: int) -> None:
        """Wait until `acknowledged` jobs were submitted and some are running."""

        def busy() -> bool:
            running = any(self.cluster.in_flight(w) for w in self.workers)
            return running and len(self.submitter.acknowledged) >= acknowledged

        await self.cluster.until(busy, 20, "jobs submitted and running", guard=self.guard)

    async def hold(self, name: str, data: Any) -> set[str]:
        """Submit HELD_JOBS jobs outside the submitter's stream; wait until they run."""
        held = {await self.submitter.send(f"{name}-{n}", data) for n in range(HELD_JOBS)}
        self.submitter.acknowledged.update(dict.fromkeys(held, time.time()))
        self.extra += len(held)

        def started() -> bool:
            return held <= set().union(*(self.cluster.in_flight(w) for w in self.workers))

        await self.cluster.until(started, 10, f"the {name} jobs to start", guard=self.guard)
        return held

    async def outage(
        self, how: str, api_ready: Callable[[], Awaitable[int]] | None = None
    ) -> Outage:
        """Start the held jobs and stop the server while they run; start it again once
        the clients have felt the outage (and the API's /ready has said 503)."""
        held = await self.hold("held", HELD_DATA)
        stopped_at = time.time()
        self.server.stop(how)
        failures = self.submitter.failures
        await self.cluster.until(
            lambda: self.submitter.failures >= failures + OUTAGE_FAILURES,
            10,
            "submissions to fail while the server is down",
            guard=self.guard,
        )
        if api_ready is not None:
            assert await api_ready() == 503, "/ready while the store is down"
        restarted_at = time.time()
        self.server.start()
        await self.server.ready()
        return Outage(stopped_at, restarted_at, held)

    async def finish(self) -> None:
        """Let the submitter end: every submission acknowledged in the end, none hung."""
        await self.cluster.until(
            lambda: self.submitting is not None and self.submitting.done(),
            30,
            "the submitter to end",
            guard=self.guard,
        )
        self.guard()
        assert len(self.submitter.acknowledged) == JOBS + self.extra
        assert self.submitter.failures >= OUTAGE_FAILURES
        assert self.submitter.slowest_failure < 5.0, "a submission hung on the dead server"

    async def assert_completed_once(self, final: dict[str, Job]) -> None:
        records = self.cluster.records()
        for job in final.values():
            assert job.state is JobState.COMPLETED, f"{job.id}: {job.state} {job.failed_reason}"
            assert job.attempts_made == 1
            job_runs = runs(records, job.id)
            assert 1 <= len(job_runs) <= job.stalled_count + 1
            assert job.result == {"pid": job_runs[-1].pid}
        events = await self.cluster.events()
        completed = Counter(e.job_id for e in events if e.kind is EventKind.COMPLETED)
        assert completed == Counter(list(final)), "every acknowledged job completes exactly once"
        await self.cluster.assert_nothing_active()
        await self.cluster.assert_ledger_balanced(final)

    def assert_reconnected(self, final: dict[str, Job], outage: Outage) -> None:
        """Both worker processes claimed jobs after the restart, and the held jobs, whose
        handlers ended while the server was down, completed in one run, not stalled."""
        claimed_after = {
            pid_of(j.worker_id) for j in final.values() if (j.started_at or 0) > outage.restarted_at
        }
        assert claimed_after == {w.pid for w in self.workers}, "a worker did not reconnect"
        records = self.cluster.records()
        for job_id in outage.held:
            job_runs = runs(records, job_id)
            assert len(job_runs) == 1, f"held job {job_id} ran {len(job_runs)} times"
            assert final[job_id].stalled_count == 0, f"held job {job_id} stalled"
            assert final[job_id].result == {"pid": job_runs[0].pid}
            ended = [r.at for r in records if r.event == "end" and r.job == job_id]
            assert outage.stopped_at < ended[0] < outage.restarted_at, "it ended in the outage"

    async def stop(self) -> None:
        """The same worker processes ran the whole test; they still stop cleanly."""
        assert all(w.alive for w in self.workers)
        await self.cluster.stop_all()


async def ready(client: httpx.AsyncClient, api: ApiServer) -> int:
    return (await client.get(f"{api.url}/ready")).status_code


async def existing(cluster: Cluster, job_ids: set[str]) -> tuple[dict[str, Job], set[str]]:
    """The jobs of `job_ids` the store still has, and the ids it has no trace of."""
    found: dict[str, Job] = {}
    missing: set[str] = set()
    for job_id in job_ids:
        try:
            found[job_id] = await cluster.store.get(job_id)
        except JobNotFound:
            missing.add(job_id)
    return found, missing


@pytest.mark.parametrize(
    ("persistence", "how"),
    [("aof-everysec", "shutdown"), ("aof-everysec", "sigterm"), ("aof-always", "sigkill")],
)
async def test_restart_keeps_every_acknowledged_job(
    tmp_path: Path, persistence: str, how: str
) -> None:
    """Workers and the engine reconnect; every acknowledged job completes exactly once.

    Jobs running when the server went away keep running, and their results are written
    once it is back: no rerun, no stall (the outage is shorter than a lease). A job can
    stall only if the server ran its claim and went away before answering: nobody held
    that lease, and the job runs once it expires.
    """
    async with redis_cluster(tmp_path, persistence) as run, httpx.AsyncClient(timeout=10) as client:
        api = await run.start(client)
        assert api is not None
        await run.mid_run(JOBS // 3)
        outage = await run.outage(how, api_ready=lambda: ready(client, api))
        await run.finish()
        final = await run.cluster.all_final(run.submitter.acknowledged, 30)
        assert await ready(client, api) == 200
        await run.assert_completed_once(final)
        run.assert_reconnected(final, outage)
        await run.stop()


async def test_crash_with_aof_everysec_keeps_all_but_the_last_seconds(tmp_path: Path) -> None:
    """SIGKILL with `appendfsync everysec`: what was acknowledged before the window survives.

    Jobs of the last `EVERYSEC_WINDOW` seconds may be gone (none were, on the machines this
    ran on: a killed process loses nothing its last write(2) handed to the kernel).
    """
    async with redis_cluster(tmp_path, "aof-everysec") as run:
        await run.start()
        await run.mid_run(JOBS // 3)
        outage = await run.outage("sigkill")
        await run.finish()
        acknowledged = run.submitter.acknowledged
        found, missing = await existing(run.cluster, set(acknowledged))
        for job_id in missing:
            assert outage.stopped_at - EVERYSEC_WINDOW < acknowledged[job_id]
            assert acknowledged[job_id] < outage.restarted_at
        final = await run.cluster.all_final(found, 30)
        assert all(j.state is JobState.COMPLETED for j in final.values())
        await run.cluster.assert_nothing_active()
        await run.cluster.assert_ledger_balanced(final)
        await run.stop()


async def test_restart_without_persistence_comes_back_empty(tmp_path: Path) -> None:
    """No AOF, no RDB: jobs, credits and idempotency keys are gone; the workers carry on."""
    async with redis_cluster(tmp_path, "none") as run:
        await run.start()
        await run.mid_run(JOBS // 3)
        outage = await run.outage("sigterm")
        await run.finish()
        before = outage.before(run.submitter)
        found, missing = await existing(run.cluster, set(run.submitter.acknowledged))
        assert missing == before, "an in-memory Redis forgets every job"
        final = await run.cluster.all_final(found, 30)
        assert all(j.state is JobState.COMPLETED for j in final.values())
        again = await run.cluster.engine.submit(
            OWNER, "sleepy", JOB_DATA, idempotency_key="restart-0"
        )
        assert again.created, "the idempotency key was forgotten with the rest"
        spent = sum(j.cost for j in final.values()) + again.job.cost
        assert await run.cluster.store.balance(OWNER) == INITIAL_CREDITS - spent
        await run.stop()


async def test_restart_from_an_rdb_snapshot_goes_back_to_it(tmp_path: Path) -> None:
    """RDB only: the server comes back as the snapshot. Jobs acknowledged after it are gone;
    jobs it holds as pending or active run (again, if they had finished since) and complete.

    Two jobs run across the SAVE and complete before the crash: the snapshot has them
    active, so after the restart their leases expire and they run a second time.
    """
    async with redis_cluster(tmp_path, "rdb") as run:
        await run.start()
        await run.mid_run(JOBS // 4)
        across = await run.hold("across", ACROSS_DATA)
        in_snapshot = set(run.submitter.acknowledged)
        assert run.server.cli("SAVE") == "OK"
        saved_at = time.time()

        async def across_completed() -> bool:
            jobs = await run.cluster.jobs(across)
            return all(j.state is JobState.COMPLETED for j in jobs.values())

        await run.cluster.eventually(across_completed, 10, "the jobs across the SAVE to end")
        await run.mid_run(JOBS // 2)
        outage = await run.outage("sigkill")
        await run.finish()
        found, missing = await existing(run.cluster, set(run.submitter.acknowledged))
        after_snapshot = outage.before(run.submitter) - in_snapshot
        assert in_snapshot <= set(found)
        assert missing <= after_snapshot
        # Each lane may have one submission in flight that the SAVE overtook (run before it).
        overtaken = after_snapshot - missing
        assert len(overtaken) <= LANES, "only submissions the SAVE overtook survive"
        final = await run.cluster.all_final(found, LEASE + 20)
        assert all(j.state is JobState.COMPLETED for j in final.values())
        records = run.cluster.records()
        for job_id in across:
            first_end = next(r.at for r in records if r.event == "end" and r.job == job_id)
            assert first_end > saved_at, "it was still running at the SAVE"
            assert len(runs(records, job_id)) == 2, f"{job_id} did not run again"
            assert final[job_id].stalled_count == 1
        await run.cluster.assert_nothing_active()
        await run.cluster.assert_ledger_balanced(final)
        await run.stop()
