"""A worker outlives a Redis outage: it keeps retrying, reconnects by itself and finishes.

The server writes an append-only file with fsync always, so a restart loses nothing and the
test can check that every job submitted before the outage ends completed, exactly once.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from genqueue.engine.engine import Engine, EngineConfig
from genqueue.engine.job import JobState
from genqueue.stores.redis import RedisStore
from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry
from genqueue.worker.runner import Worker, WorkerOptions
from tests.redis_support import new_prefix, start_server, stop_server

OUTAGE_SECONDS = 4.0
JOBS = 60
DEADLINE_SECONDS = 30.0
AOF = ("--appendonly", "yes", "--appendfsync", "always")


def tick_registry(starts: list[str]) -> Registry:
    registry = Registry()

    @registry.job("tick", queue="outage")
    async def tick(ctx: JobContext, data: Any) -> None:
        starts.append(ctx.job.id)
        await asyncio.sleep(0.02)

    return registry


async def _until(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not await predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_a_worker_survives_redis_going_away_and_coming_back(tmp_path: Path) -> None:
    process, port = start_server(tmp_path, *AOF)
    starts: list[str] = []
    registry = tick_registry(starts)
    store = RedisStore(f"redis://127.0.0.1:{port}/0", prefix=new_prefix())
    engine = Engine(store, registry.catalog, EngineConfig(lease_seconds=OUTAGE_SECONDS * 3))
    options = WorkerOptions(stall_check_seconds=0.2, idle_wait_seconds=0.2)
    worker = Worker(engine, registry, concurrency=5, options=options)
    running: asyncio.Task[None] | None = None
    try:
        await store.setup()
        running = asyncio.create_task(worker.run())
        ids = [(await engine.submit("alice", "tick")).job.id for _ in range(JOBS)]

        async def some_done() -> bool:
            return worker.processed >= 10

        await _until(some_done, "the first jobs")
        stop_server(process)
        down_until = time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < down_until:
            assert not running.done(), "the worker stopped while Redis was down"
            await asyncio.sleep(0.1)
        process, _ = start_server(tmp_path, *AOF, port=port)

        async def all_completed() -> bool:
            jobs = [await engine.get(job_id) for job_id in ids]
            return all(j.state is JobState.COMPLETED for j in jobs)

        await _until(all_completed, "every job to complete after the restart")
        assert not running.done()
        assert sorted(starts) == sorted(ids), "every job ran, and ran once"
    finally:
        worker.stop()
        if running is not None:
            await asyncio.wait_for(running, DEADLINE_SECONDS)
        await store.close()
        stop_server(process)
