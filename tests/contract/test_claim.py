"""Claiming: priority then FIFO, leases, delays, pauses, caps and rate limits."""

from __future__ import annotations

import asyncio

from genqueue.engine.engine import Engine
from genqueue.engine.job import JobState
from genqueue.engine.policy import ClaimLimits
from genqueue.engine.store import Completion

from .conftest import LEASE, FakeClock, StoreOpener, engine_on, make_catalog

CAPPED = make_catalog().queues["capped"]


async def test_claim_order_is_priority_then_fifo(engine: Engine, clock: FakeClock) -> None:
    ids = {}
    for name, priority in [("low-1", 10), ("high-1", 1), ("low-2", 10), ("high-2", 1), ("mid", 5)]:
        ids[(await engine.submit("alice", "t", {"n": name}, priority=priority)).job.id] = name
        clock.advance(0.001)
    claimed = await engine.claim("w1", ["q"], 10)
    assert [ids[c.job.id] for c in claimed] == ["high-1", "high-2", "mid", "low-1", "low-2"]


async def test_claim_takes_a_count_and_sets_a_lease(engine: Engine, clock: FakeClock) -> None:
    for i in range(5):
        await engine.submit("alice", "t", {"i": i})
    first = await engine.claim("w1", ["q"], 3)
    second = await engine.claim("w2", ["q"], 3)
    assert len(first) == 3
    assert len(second) == 2
    assert not {c.job.id for c in first} & {c.job.id for c in second}
    for claimed in first:
        assert claimed.job.state is JobState.ACTIVE
        assert claimed.job.worker_id == "w1"
        assert claimed.job.started_at == clock.now
        assert claimed.lease.expires_at == clock.now + LEASE
        assert claimed.attempt == 1
    assert len({c.lease.token for c in first + second}) == 5
    assert await engine.claim("w3", ["q"], 3) == []


async def test_claim_serves_only_the_named_queues(engine: Engine) -> None:
    mine = (await engine.submit("alice", "t")).job
    other = (await engine.submit("alice", "o")).job
    assert [c.job.id for c in await engine.claim("w", ["other"], 5)] == [other.id]
    assert [c.job.id for c in await engine.claim("w", None, 5)] == [mine.id]


async def test_delayed_jobs_wait_for_their_time(engine: Engine, clock: FakeClock) -> None:
    later = (await engine.submit("alice", "t", delay_seconds=5)).job
    assert await engine.claim("w", ["q"], 5) == []
    clock.advance(5)
    claimed = await engine.claim("w", ["q"], 5)
    assert [c.job.id for c in claimed] == [later.id]


async def test_paused_queue_is_skipped_until_resumed(engine: Engine) -> None:
    job = (await engine.submit("alice", "t")).job
    await engine.pause("q")
    assert await engine.claim("w", ["q"], 5) == []
    states = {s.name: s for s in await engine.store.queue_states(0)}
    assert states["q"].paused
    await engine.resume("q")
    assert [c.job.id for c in await engine.claim("w", ["q"], 5)] == [job.id]


async def test_concurrency_cap_holds_across_workers(engine: Engine) -> None:
    for _ in range(5):
        await engine.submit("alice", "c")
    first = await engine.claim("w1", ["capped"], 5)
    assert len(first) == 2
    assert await engine.claim("w2", ["capped"], 5) == []
    await engine.complete([Completion(first[0].lease, None)])
    assert len(await engine.claim("w2", ["capped"], 5)) == 1


async def test_a_late_claim_under_a_cap_starts_no_earlier_than_the_slot_it_takes(
    engine: Engine, clock: FakeClock
) -> None:
    """A claim's `now` is read before its call reaches the store; one that arrives after a
    completion stamped later must not start before it, or two jobs would seem to have
    overlapped in one slot (CI once saw 6 stories running at once under a cap of 5)."""
    for _ in range(3):
        await engine.submit("alice", "c")
    start = clock.now
    first = await engine.claim("w1", ["capped"], 2)
    await engine.store.complete([Completion(first[0].lease, None)], start + 5.0)
    late = await engine.store.claim("w2", [ClaimLimits.of(CAPPED)], 2, LEASE, start + 3.0)
    assert len(late) == 1
    assert late[0].job.started_at is not None
    assert late[0].job.started_at >= start + 5.0


async def test_rate_limit_counts_starts_in_a_sliding_window(
    engine: Engine, clock: FakeClock
) -> None:
    for _ in range(10):
        await engine.submit("alice", "l")
    assert len(await engine.claim("w1", ["limited"], 10)) == 3
    clock.advance(0.5)
    assert await engine.claim("w2", ["limited"], 10) == []
    clock.advance(0.6)
    assert len(await engine.claim("w2", ["limited"], 10)) == 3
    clock.advance(0.5)
    assert await engine.claim("w1", ["limited"], 10) == []


async def test_racing_claimers_never_share_a_job(open_store: StoreOpener, clock: FakeClock) -> None:
    engines = [engine_on(await open_store(), clock, node) for node in range(4)]
    for i in range(200):
        await engines[0].submit("alice", "t", {"i": i})

    async def drain(engine: Engine, worker: str) -> list[str]:
        got: list[str] = []
        while batch := await engine.claim(worker, ["q"], 7):
            got += [c.job.id for c in batch]
            await asyncio.sleep(0)
        return got

    results = await asyncio.gather(*(drain(e, f"w{i}") for i, e in enumerate(engines)))
    every = [job_id for result in results for job_id in result]
    assert len(every) == 200
    assert len(set(every)) == 200
    assert sum(1 for r in results if r) >= 2


async def test_a_due_delayed_job_is_promoted_even_when_its_queue_is_full(
    engine: Engine, clock: FakeClock
) -> None:
    await engine.submit("alice", "c")
    await engine.submit("alice", "c")
    assert len(await engine.claim("w1", ["capped"], 5)) == 2
    later = (await engine.submit("alice", "c", delay_seconds=5)).job
    clock.advance(5)
    assert await engine.claim("w1", ["capped"], 5) == []
    assert (await engine.get(later.id)).state is JobState.PENDING


async def test_queue_states_report_due_and_future_delayed_jobs(
    engine: Engine, clock: FakeClock
) -> None:
    soon = (await engine.submit("alice", "t", delay_seconds=5)).job
    await engine.submit("alice", "t", delay_seconds=50)
    [state] = await engine.store.queue_states(clock.now, ["q"])
    assert state.counts[JobState.DELAYED] == 2
    assert state.next_run_at == soon.run_at
    clock.advance(6)
    [state] = await engine.store.queue_states(clock.now, ["q"])
    assert (state.counts[JobState.PENDING], state.counts[JobState.DELAYED]) == (1, 1)
    assert await engine.store.queue_states(clock.now, ["nothing-here"]) == []
