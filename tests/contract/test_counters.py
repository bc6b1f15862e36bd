"""Cumulative counters: each transition counts itself in the same step, and they only grow.

`Store.counters` is what /metrics reads, so that every API process shows the same figures.
"""

from __future__ import annotations

import asyncio

import pytest

from genqueue.engine.counters import DURATION_BOUNDS, JobCounters, duration_bucket
from genqueue.engine.engine import Engine
from genqueue.engine.job import JobState
from genqueue.engine.store import Completion

from .conftest import COSTS, LEASE, FakeClock, StoreOpener, engine_on

EMPTY_BUCKETS = (0,) * (len(DURATION_BOUNDS) + 1)


def counts(counters: JobCounters) -> dict[tuple[str, str, str], int]:
    return {(c.queue, c.type, c.counter.value): c.value for c in counters.counters}


def buckets(**filled: int) -> tuple[int, ...]:
    """A histogram's buckets with `b<index>=n` set, every other one 0."""
    values = list(EMPTY_BUCKETS)
    for name, n in filled.items():
        values[int(name.removeprefix("b"))] = n
    return tuple(values)


async def run_for(engine: Engine, clock: FakeClock, job_type: str, seconds: float) -> None:
    job = (await engine.submit("alice", job_type)).job
    [claimed] = await engine.claim("w1", [job.queue], 1)
    while seconds > 0:  # a run longer than the lease renews it, as a worker does
        step = min(seconds, LEASE * 0.9)
        clock.advance(step)
        seconds -= step
        assert await engine.extend_leases([claimed.lease])
    assert await engine.complete([Completion(claimed.lease, None)]) == set()


def test_bucket_bounds_are_inclusive() -> None:
    assert duration_bucket(0.0) == 0
    assert duration_bucket(0.01) == 0
    assert duration_bucket(0.011) == 1
    assert duration_bucket(5.0) == DURATION_BOUNDS.index(5.0)
    assert duration_bucket(3600.5) == len(DURATION_BOUNDS)


async def test_a_new_store_has_no_counters(engine: Engine) -> None:
    assert await engine.store.counters() == JobCounters([], [])


async def test_run_times_fill_the_histogram_of_their_type(engine: Engine, clock: FakeClock) -> None:
    for seconds in (0.03, 5.0, 7.0):
        await run_for(engine, clock, "t", seconds)
    await run_for(engine, clock, "o", 4000.0)
    once = (await engine.submit("alice", "once")).job
    [claimed] = await engine.claim("w1", ["q"], 1)
    clock.advance(2.0)
    await engine.fail_attempt(claimed, "boom", None)

    counters = await engine.store.counters()
    found = {(h.queue, h.type, h.state): h for h in counters.durations}
    assert set(found) == {
        ("other", "o", JobState.COMPLETED),
        ("q", "once", JobState.FAILED),
        ("q", "t", JobState.COMPLETED),
    }
    t = found[("q", "t", JobState.COMPLETED)]
    assert t.buckets == buckets(b1=1, b7=1, b8=1)
    assert t.count == 3
    assert t.sum == pytest.approx(12.03)
    assert found[("q", "once", JobState.FAILED)].buckets == buckets(b6=1)
    assert found[("q", "once", JobState.FAILED)].sum == pytest.approx(2.0)
    assert found[("other", "o", JobState.COMPLETED)].buckets == buckets(b16=1)
    assert counts(counters) == {
        ("other", "o", "attempts"): 1,
        ("q", "once", "attempts"): 1,
        ("q", "t", "attempts"): 3,
    }
    assert (await engine.get(once.id)).state is JobState.FAILED


async def test_retries_refunds_and_a_second_charge(engine: Engine, clock: FakeClock) -> None:
    job = (await engine.submit("alice", "paid")).job
    for _ in range(3):
        [claimed] = await engine.claim("w1", ["q"], 1)
        clock.advance(1.0)
        await engine.fail_attempt(claimed, "boom", None)
        clock.advance(100.0)
    assert (await engine.get(job.id)).state is JobState.FAILED
    await engine.retry(job.id)
    await engine.cancel(job.id)

    cost = COSTS["paid"]
    counters = await engine.store.counters()
    assert counts(counters) == {
        ("q", "paid", "attempts"): 3,
        ("q", "paid", "retried"): 2,
        ("q", "paid", "requeued"): 1,
        ("q", "paid", "charged"): 2 * cost,
        ("q", "paid", "refunded"): 2 * cost,
        ("q", "paid", "cancelled"): 1,
    }
    [failed] = counters.durations
    assert (failed.type, failed.state, failed.count) == ("paid", JobState.FAILED, 1)


async def test_stalls_and_every_way_to_cancel(engine: Engine, clock: FakeClock) -> None:
    await engine.submit("alice", "st")
    await engine.claim("w1", ["stally"], 1)
    clock.advance(LEASE + 1)
    [stalled] = await engine.recover_stalled()
    assert stalled.state is JobState.PENDING
    await run_for(engine, clock, "t", 1.0)  # the stalled job waits on another queue
    [again] = await engine.claim("w1", ["stally"], 1)
    await engine.complete([Completion(again.lease, None)])

    running = (await engine.submit("alice", "t")).job
    [claimed] = await engine.claim("w1", ["q"], 1)
    await engine.cancel(running.id)
    await engine.confirm_cancel(claimed.lease)
    for _ in range(2):
        await engine.submit("alice", "o")
    assert await engine.empty("other") == 2
    waiting = (await engine.submit("alice", "t", delay_seconds=60)).job
    await engine.cancel(waiting.id)

    assert counts(await engine.store.counters()) == {
        ("other", "o", "cancelled"): 2,
        ("q", "t", "attempts"): 2,
        ("q", "t", "cancelled"): 2,
        ("stally", "st", "attempts"): 2,
        ("stally", "st", "stalled"): 1,
    }


async def test_cleaning_finished_jobs_keeps_the_counters(engine: Engine, clock: FakeClock) -> None:
    for _ in range(3):
        await run_for(engine, clock, "t", 0.5)
    before = await engine.store.counters()
    clock.advance(10.0)
    assert await engine.clean("q", [JobState.COMPLETED], 0.0) == 3
    assert await engine.store.counters() == before


async def test_counts_from_two_connections_add_up(
    open_store: StoreOpener, clock: FakeClock
) -> None:
    engines = [engine_on(await open_store(), clock, node) for node in (1, 2)]
    for engine in engines:
        for _ in range(10):
            await engine.submit("alice", "t")

    async def drain(engine: Engine) -> None:
        while claimed := await engine.claim(f"w{id(engine)}", ["q"], 3):
            await engine.complete([Completion(c.lease, None) for c in claimed])

    await asyncio.gather(*(drain(e) for e in engines))
    for engine in engines:
        counters = await engine.store.counters()
        assert counts(counters) == {("q", "t", "attempts"): 20}
        [histogram] = counters.durations
        assert histogram.buckets == buckets(b0=20)
