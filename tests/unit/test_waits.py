"""WaitEstimator: positions from one per-queue snapshot, refreshed single-flight."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from genqueue.api import waits as waits_module
from genqueue.api.waits import WaitEstimator
from genqueue.engine.catalog import Catalog
from genqueue.engine.engine import Engine
from genqueue.engine.policy import JobTypePolicy
from genqueue.stores.sqlite import SqliteStore

NOW = 1_800_000_000.0
LATER = NOW + 1000
"""When the estimates are asked for: after every submission's run_at."""


class CountingStore(SqliteStore):
    """The real SQLite store, counting the calls the estimator makes."""

    def __init__(self, path: str) -> None:
        super().__init__(path, initial_credits=1000)
        self.order_calls = 0
        self.position_calls = 0

    async def waiting_order(self, queue: str, limit: int) -> list[str]:
        self.order_calls += 1
        return await super().waiting_order(queue, limit)

    async def position(self, job_id: str) -> int:
        self.position_calls += 1
        return await super().position(job_id)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    store = CountingStore(str(tmp_path / "waits.db"))
    await store.setup()
    catalog = Catalog()
    catalog.add_type(JobTypePolicy("t", "q"))
    counter = itertools.count(1)
    yield Engine(
        store,
        catalog,
        clock=lambda: NOW + next(counter),
        new_id=lambda: f"00000000-0000-4000-8000-{next(counter):012d}",
    )
    await store.close()


def counts(engine: Engine) -> tuple[int, int]:
    store = engine.store
    assert isinstance(store, CountingStore)
    return store.order_calls, store.position_calls


async def test_concurrent_reads_share_one_snapshot(engine: Engine) -> None:
    jobs = [(await engine.submit("alice", "t")).job for _ in range(30)]
    waits = WaitEstimator(engine)
    estimates = await asyncio.gather(*(waits.estimate(job, LATER) for job in reversed(jobs)))
    assert [position for position, _ in estimates] == list(reversed(range(30)))
    assert counts(engine) == (1, 0)


@pytest.mark.parametrize(("early_refresh", "calls"), [(3600.0, (1, 1)), (0.0, (2, 0))])
async def test_a_job_newer_than_the_snapshot(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    early_refresh: float,
    calls: tuple[int, int],
) -> None:
    """Exact from the store while the snapshot is young, else from a fresh snapshot."""
    monkeypatch.setattr(waits_module, "MISS_REFRESH_SECONDS", early_refresh)
    first = (await engine.submit("alice", "t")).job
    waits = WaitEstimator(engine)
    assert await waits.estimate(first, LATER) == (0, 0)
    newer = (await engine.submit("alice", "t")).job
    assert await waits.estimate(newer, LATER) == (1, 60)
    assert counts(engine) == calls


async def test_a_delayed_job_is_counted_by_the_store(engine: Engine) -> None:
    await engine.submit("alice", "t")
    delayed = (await engine.submit("alice", "t", delay_seconds=3600)).job
    position, wait = await WaitEstimator(engine).estimate(delayed, LATER)
    assert position == 1
    assert wait == delayed.run_at - LATER
    assert counts(engine) == (0, 1)
