"""What other processes read: the event feed, per-minute statistics, the worker registry."""

from __future__ import annotations

import time

import pytest

from genqueue.engine.engine import Engine
from genqueue.engine.errors import InvalidJobRequest
from genqueue.engine.events import EventKind
from genqueue.engine.job import Progress
from genqueue.engine.store import Completion, ProgressUpdate, WorkerInfo

from .conftest import LEASE, FakeClock, StoreOpener, engine_on


async def test_every_transition_lands_in_the_feed_in_order(
    engine: Engine, clock: FakeClock
) -> None:
    job = (await engine.submit("alice", "t")).job
    [claimed] = await engine.claim("w", ["q"], 1)
    await engine.report_progress([ProgressUpdate(claimed.lease, Progress(50, 1, 2, "half"))])
    await engine.add_partial(claimed.lease, {"shot": 1})
    await engine.fail_attempt(claimed, "boom", None)
    clock.advance(2)
    [claimed] = await engine.claim("w", ["q"], 1)
    clock.advance(LEASE + 1)
    await engine.recover_stalled()
    [claimed] = await engine.claim("w", ["q"], 1)
    await engine.complete([Completion(claimed.lease, {"ok": True})])
    cancelled = (await engine.submit("alice", "t")).job
    await engine.cancel(cancelled.id)

    events = await engine.events_after(None)
    kinds = [e.kind for e in events if e.job_id == job.id]
    assert kinds == [
        EventKind.CREATED,
        EventKind.ACTIVE,
        EventKind.PROGRESS,
        EventKind.PARTIAL,
        EventKind.RETRYING,
        EventKind.ACTIVE,
        EventKind.STALLED,
        EventKind.ACTIVE,
        EventKind.COMPLETED,
    ]
    assert [e.kind for e in events if e.job_id == cancelled.id] == [
        EventKind.CREATED,
        EventKind.CANCELLED,
    ]
    progress = next(e for e in events if e.kind is EventKind.PROGRESS)
    assert progress.data == {"percentage": 50, "current": 1, "total": 2, "currentTask": "half"}
    assert progress.owner == "alice"
    assert progress.queue == "q"
    assert progress.type == "t"
    final = next(e for e in events if e.kind is EventKind.COMPLETED)
    assert final.data["result"] == {"ok": True}
    assert [int(e.id) for e in events] == sorted(int(e.id) for e in events)


async def test_another_process_tails_the_feed_from_an_id(
    open_store: StoreOpener, clock: FakeClock
) -> None:
    producer = engine_on(await open_store(), clock, 1)
    reader = await open_store()
    await producer.submit("alice", "t")
    seen = await reader.events_after(None, 100)
    mark = seen[-1].id
    assert await reader.last_event_id() == mark
    second = (await producer.submit("alice", "t")).job
    fresh = await reader.events_after(mark, 100)
    assert [(e.kind, e.job_id) for e in fresh] == [(EventKind.CREATED, second.id)]
    page = await reader.events_after(None, 1)
    assert len(page) == 1


async def test_trim_keeps_the_newest_events(engine: Engine) -> None:
    for _ in range(10):
        await engine.submit("alice", "t")
    assert await engine.store.trim_events(keep=4) == 6
    events = await engine.events_after(None)
    assert len(events) == 4


async def test_minute_statistics(engine: Engine, clock: FakeClock) -> None:
    clock.now = 1_800_000_000.0 - (1_800_000_000.0 % 60)
    for duration in (1.0, 3.0):
        await engine.submit("alice", "t")
        [claimed] = await engine.claim("w", ["q"], 1)
        clock.advance(duration)
        await engine.complete([Completion(claimed.lease, None)])
    await engine.submit("alice", "once")
    [claimed] = await engine.claim("w", ["q"], 1)
    await engine.fail_attempt(claimed, "x", None)
    stats = {(s.queue, s.type): s for s in await engine.store.stats(clock.now - 3600)}
    done = stats[("q", "t")]
    assert (done.completed, done.failed) == (2, 0)
    assert done.duration_sum == 4.0
    assert done.duration_max == 3.0
    assert stats[("q", "once")].failed == 1
    assert await engine.store.recent_durations("q", "t", 50) == [3.0, 1.0]
    assert await engine.store.stats(clock.now + 3600) == []


async def test_worker_registry(engine: Engine, clock: FakeClock) -> None:
    info = WorkerInfo("w1", "host", 42, ["q"], 5, 0, clock.now, clock.now)
    await engine.store.register_worker(info)
    busy = WorkerInfo("w1", "host", 42, ["q"], 5, 3, clock.now, clock.now + 5)
    await engine.store.register_worker(busy)
    [seen] = await engine.store.workers()
    assert (seen.id, seen.running, seen.heartbeat_at, seen.queues) == (
        "w1",
        3,
        clock.now + 5,
        ["q"],
    )
    await engine.store.unregister_worker("w1")
    assert await engine.store.workers() == []


async def test_a_job_committed_after_an_empty_claim_wakes_the_waiting_worker(
    open_store: StoreOpener, clock: FakeClock
) -> None:
    worker = engine_on(await open_store(), clock, 1)
    producer = engine_on(await open_store(), clock, 2)
    assert await worker.claim("w", ["q"], 1) == []
    await producer.submit("alice", "t")
    started = time.monotonic()
    await worker.store.wait_for_work(2.0)
    assert time.monotonic() - started < 0.5


async def test_event_ids_never_repeat_after_a_trim(engine: Engine) -> None:
    await engine.submit("alice", "t")
    last = (await engine.events_after(None))[-1].id
    await engine.store.trim_events(keep=0)
    await engine.submit("alice", "t")
    fresh = await engine.events_after(last)
    assert fresh
    assert all(int(e.id) > int(last) for e in fresh)


async def test_an_id_the_store_never_made_is_an_invalid_request(engine: Engine) -> None:
    await engine.submit("alice", "t")
    for bogus in ("not-an-id", "9" * 40):
        with pytest.raises(InvalidJobRequest):
            await engine.events_after(bogus)
