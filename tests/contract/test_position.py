"""`position`: the pending jobs ahead of a job, by priority, then FIFO within a priority."""

from __future__ import annotations

from genqueue.engine.engine import Engine
from genqueue.engine.store import Store

from .conftest import FakeClock


async def submit_mixed(engine: Engine, clock: FakeClock) -> dict[str, str]:
    """Jobs of three priorities (two submitted in the same instant) and one delayed, made due."""
    names = {}
    names["delayed"] = (await engine.submit("alice", "t", priority=2, delay_seconds=5)).job.id
    for name, priority in (("low1", 3), ("low2", 3), ("urgent", 1), ("low3", 3), ("mid", 2)):
        names[name] = (await engine.submit("alice", "t", priority=priority)).job.id
    clock.advance(10)
    return names


async def positions(store: Store, names: dict[str, str]) -> dict[str, int]:
    return {name: await store.position(job_id) for name, job_id in names.items()}


async def test_position_orders_by_priority_then_fifo(
    engine: Engine, store: Store, clock: FakeClock
) -> None:
    names = await submit_mixed(engine, clock)
    # The due delayed job is placed where it will start; until a claim promotes it, it is
    # not yet counted ahead of the pending jobs.
    assert await positions(store, names) == {
        "urgent": 0,
        "mid": 1,
        "delayed": 2,
        "low1": 2,
        "low2": 3,
        "low3": 4,
    }
    [claimed] = await engine.claim("w", ["q"], 1)
    assert claimed.job.id == names.pop("urgent")
    assert await positions(store, names) == {
        "mid": 0,
        "delayed": 1,
        "low1": 2,
        "low2": 3,
        "low3": 4,
    }


async def test_position_of_an_unknown_or_running_job_is_zero(engine: Engine, store: Store) -> None:
    await engine.submit("alice", "t")
    [claimed] = await engine.claim("w", ["q"], 1)
    await engine.submit("alice", "t")
    assert await store.position(claimed.job.id) == 0
    assert await store.position("00000000-0000-4000-8000-999999999999") == 0


async def test_waiting_order_is_the_order_of_positions(
    engine: Engine, store: Store, clock: FakeClock
) -> None:
    names = await submit_mixed(engine, clock)
    by_id = {job_id: name for name, job_id in names.items()}
    order = await store.waiting_order("q", 100)
    assert [by_id[i] for i in order] == ["urgent", "mid", "low1", "low2", "low3"]
    assert [await store.position(i) for i in order] == list(range(len(order)))
    await engine.claim("w", ["q"], 1)
    order = await store.waiting_order("q", 100)
    assert [by_id[i] for i in order] == ["mid", "delayed", "low1", "low2", "low3"]
    assert [await store.position(i) for i in order] == list(range(len(order)))
    assert await store.waiting_order("q", 2) == order[:2]
    assert await store.waiting_order("q", 0) == []
    assert await store.waiting_order("other", 100) == []
